"""What planning stores on an embedded database goes through sqlite3 (``alma plan`` imports no SQLAlchemy): the
rows must be those the repositories write, a blueprint text keeps its version, concurrent writers never take
the same version, a save that fails in a batch fails alone, and a plan is committed when the call returns."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from alma.errors import ConfigurationError
from alma.store import Database, PlanRecord, Store
from alma.store.blueprint_saves import commit_through_sqlalchemy
from alma.store.sqlite_plans import BlueprintSave, SqlitePlanWrites

# What SQLAlchemy writes for a DateTime on SQLite: the value's own fields, no zone.
WRITTEN_AT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")

SAVES = [
    BlueprintSave("shop", "name: shop  # first", "ana"),
    BlueprintSave("shop", "name: shop  # second ünï ⚙", "bo"),
    BlueprintSave("blog", "name: blog", "ana"),
    BlueprintSave("shop", "name: shop  # first", "cy"),  # the first text again: its version
]


async def migrated(path: Path) -> Store:
    store = Store(Database(f"sqlite+aiosqlite:///{path}"))
    await store.db.migrate()
    return store


def table(path: Path, name: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall()


def plan_record(blueprint_id: int | None, at: dt.datetime) -> PlanRecord:
    body = {"stack": "shop", "environment": "staging", "actions": [{"name": "web", "specs": {"cores": 2.5}}]}
    return PlanRecord("a" * 32, "shop", 3, "apply", "f" * 64, blueprint_id, body, at, "ünï")


async def test_blueprint_rows_are_the_ones_sqlalchemy_writes(tmp_path: Path) -> None:
    ours, reference = await migrated(tmp_path / "ours.db"), await migrated(tmp_path / "reference.db")
    writes = SqlitePlanWrites(tmp_path / "ours.db")
    try:
        saved = await asyncio.to_thread(writes.save_blueprints, SAVES)
        expected = await commit_through_sqlalchemy(reference.db, SAVES)
    finally:
        writes.close()
        await ours.aclose()
        await reference.aclose()
    assert saved == expected == [(1, 1), (2, 2), (3, 1), (1, 1)]
    rows, reference_rows = table(tmp_path / "ours.db", "blueprints"), table(tmp_path / "reference.db", "blueprints")
    assert all(WRITTEN_AT.fullmatch(r[5]) for r in rows + reference_rows), rows + reference_rows
    assert [r[:5] + r[6:] for r in rows] == [r[:5] + r[6:] for r in reference_rows]  # all but the time of saving


@pytest.mark.parametrize("zone", [dt.UTC, dt.timezone(dt.timedelta(hours=-5))])
async def test_plan_rows_are_the_ones_sqlalchemy_writes(tmp_path: Path, zone: dt.tzinfo) -> None:
    at = dt.datetime(2026, 12, 3, 9, 30, 1, 2, tzinfo=zone)
    ours, reference = await migrated(tmp_path / "ours.db"), await migrated(tmp_path / "reference.db")
    writes = SqlitePlanWrites(tmp_path / "ours.db")
    try:
        await asyncio.to_thread(writes.save_blueprints, SAVES[:1])
        await commit_through_sqlalchemy(reference.db, SAVES[:1])
        await asyncio.to_thread(writes.save_plan, plan_record(1, at))
        await reference.plans.save(plan_record(1, at))
        assert table(tmp_path / "ours.db", "plans")  # committed when the call returned: another connection sees it
        assert await ours.plans.get("a" * 32) == await reference.plans.get("a" * 32) is not None
    finally:
        writes.close()
        await ours.aclose()
        await reference.aclose()
    assert table(tmp_path / "ours.db", "plans") == table(tmp_path / "reference.db", "plans")


async def test_the_same_text_keeps_its_version_and_a_new_one_gets_the_next(tmp_path: Path) -> None:
    store = await migrated(tmp_path / "alma.db")
    try:
        first = await store.plan_saves.save_blueprint("shop", "text one", "ana")
        again = await store.plan_saves.save_blueprint("shop", "text one", "bo")
        through_the_repository = await store.stacks.save_blueprint("shop", "text one", "cy")
        second = await store.plan_saves.save_blueprint("shop", "text two", "ana")
        elsewhere = await store.plan_saves.save_blueprint("blog", "text one", "ana")
    finally:
        await store.aclose()
    assert first == again == through_the_repository
    assert (second[1], elsewhere[1]) == (2, 1)
    assert len({first[0], second[0], elsewhere[0]}) == 3


async def test_two_writers_saving_to_one_stack_at_once_never_take_the_same_version(tmp_path: Path) -> None:
    # Two stores on one file: two sets of connections, each batch written in a thread of its own.
    one, other = await migrated(tmp_path / "alma.db"), await migrated(tmp_path / "alma.db")
    try:
        saved = await asyncio.gather(
            *(
                store.plan_saves.save_blueprint("shared", f"{name} {i}", name)
                for i in range(30)
                for name, store in (("one", one), ("other", other))
            )
        )
        kept = await one.stacks.blueprint_versions("shared", limit=500)
    finally:
        await one.aclose()
        await other.aclose()
    assert sorted(version for _, version in saved) == list(range(1, 61))
    assert sorted(v["version"] for v in kept) == list(range(1, 61))


async def test_a_save_that_fails_in_a_batch_fails_alone(tmp_path: Path) -> None:
    await (await migrated(tmp_path / "alma.db")).aclose()
    writes = SqlitePlanWrites(tmp_path / "alma.db")
    try:
        saves = [SAVES[0], BlueprintSave("shop", "a lone surrogate \ud800", "ana"), SAVES[1]]
        outcomes = await asyncio.to_thread(writes.save_blueprints, saves)
    finally:
        writes.close()
    assert outcomes[0] == (1, 1) and outcomes[2] == (2, 2)
    assert isinstance(outcomes[1], UnicodeEncodeError)
    assert [r[4] for r in table(tmp_path / "alma.db", "blueprints")] == [SAVES[0].content, SAVES[1].content]


async def test_a_plan_the_database_refuses_is_a_configuration_error_and_nothing_is_kept(tmp_path: Path) -> None:
    store = await migrated(tmp_path / "alma.db")
    try:
        # foreign_keys is on, as on the engine's connections: a plan of a blueprint that is not there is refused.
        with pytest.raises(ConfigurationError, match=r"cannot write to the database .*FOREIGN KEY"):
            await store.plan_saves.save_plan(plan_record(999, dt.datetime(2026, 12, 3, tzinfo=dt.UTC)))
    finally:
        await store.aclose()
    assert table(tmp_path / "alma.db", "plans") == []
