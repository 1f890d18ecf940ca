"""A new embedded database is made at the newest revision in one transaction instead of replaying every
migration: it must be the database the migrations build, and Alembic must take it as its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from alma.store import Database
from alma.store.database import alembic_config
from alma.store.migrations import HEAD


def described(path: Path) -> dict[str, Any]:
    """Every table's columns, keys, indexes and constraints, as SQLAlchemy reflects them."""
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        inspector = sa.inspect(engine)
        shape: dict[str, Any] = {}
        for table in sorted(inspector.get_table_names()):
            shape[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], c["default"]) for c in inspector.get_columns(table)
                ],
                "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
                "foreign_keys": sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                    for f in inspector.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(str(c) for c in i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(table)
                ),
                "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
            }
        return shape
    finally:
        engine.dispose()


def migrated_by_alembic(path: Path) -> None:
    from alembic import command

    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
    finally:
        engine.dispose()


async def test_a_new_database_is_the_one_the_migrations_build(tmp_path: Path) -> None:
    replayed = tmp_path / "replayed.db"
    migrated_by_alembic(replayed)
    made = tmp_path / "made.db"
    db = Database(f"sqlite+aiosqlite:///{made}")
    await db.migrate()
    await db.aclose()
    assert db._engine is None  # made without the SQLAlchemy engine (and without Alembic)
    assert described(made) == described(replayed)
    with sqlite3.connect(made) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_alembic_takes_a_new_database_as_its_own_down_and_up_again(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "alma.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.migrate()
    await db.aclose()
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        with engine.connect() as connection:
            assert sa.inspect(connection).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()
    again = Database(f"sqlite+aiosqlite:///{path}")
    await again.migrate()  # tables exist (alembic_version): the migrations run, not the shortcut
    await again.aclose()
    replayed = tmp_path / "replayed.db"
    migrated_by_alembic(replayed)
    assert described(path) == described(replayed)


async def test_an_older_database_is_migrated_step_by_step_and_keeps_its_rows(tmp_path: Path) -> None:
    from alembic import command

    path = tmp_path / "alma.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0001")
            connection.execute(
                sa.text("INSERT INTO stacks (name, revision, created_at, updated_at) VALUES ('old', 3, :t, :t)"),
                {"t": "2026-01-01 00:00:00.000000"},
            )
    finally:
        engine.dispose()
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.migrate()
    await db.aclose()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        assert connection.execute("SELECT name, revision FROM stacks").fetchall() == [("old", 3)]


async def test_two_processes_starting_on_one_new_database_make_it_once(tmp_path: Path) -> None:
    import asyncio

    path = tmp_path / "alma.db"
    first, second = Database(f"sqlite+aiosqlite:///{path}"), Database(f"sqlite+aiosqlite:///{path}")
    await asyncio.gather(first.migrate(), second.migrate())
    await first.aclose()
    await second.aclose()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
