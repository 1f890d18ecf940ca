"""The embedded database is private to its owner: a new ALMA_HOME is made 0700 and its database 0600 (it
holds plans, state and the audit trail); what already exists keeps the mode its owner chose."""

from __future__ import annotations

import stat
from pathlib import Path

from alma.store.database import Database


async def test_a_new_home_and_database_are_private_to_their_owner(tmp_path: Path) -> None:
    home = tmp_path / "fresh-home"
    database = Database(f"sqlite+aiosqlite:///{home / 'alma.db'}")
    try:
        await database.migrate()
    finally:
        await database.aclose()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "alma.db").stat().st_mode) == 0o600
    for sidecar in home.glob("alma.db-*"):  # SQLite's WAL and shared-memory files follow the database's mode
        assert stat.S_IMODE(sidecar.stat().st_mode) & 0o077 == 0, sidecar


async def test_an_existing_home_keeps_the_mode_its_owner_gave_it(tmp_path: Path) -> None:
    home = tmp_path / "shared-home"
    home.mkdir(mode=0o750)
    home.chmod(0o750)
    database = Database(f"sqlite+aiosqlite:///{home / 'alma.db'}")
    await database.aclose()
    assert stat.S_IMODE(home.stat().st_mode) == 0o750
