"""Migrations are the only source of the schema: they must build exactly what ``schema.py`` declares,
on SQLite and PostgreSQL, and go down and up again."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from alma.settings import Settings
from alma.store import Database
from alma.store.database import alembic_config
from alma.store.migrations import HEAD
from alma.store.schema import metadata


def test_the_head_constant_names_alembics_newest_revision() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


async def test_migrations_build_exactly_the_declared_schema(settings: Settings) -> None:
    db = Database(settings.resolved_database_url)
    await db.migrate()

    def differences(connection: sa.Connection) -> list[Any]:
        # LangGraph keeps its checkpoint tables in the same PostgreSQL database; they are not ALMA's schema.
        def ours(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
            table = obj if kind == "table" else getattr(obj, "table", None)
            return not (table is not None and str(table.name).startswith("checkpoint"))

        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": ours})
        return list(compare_metadata(context, metadata))

    try:
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(differences)
    finally:
        await db.aclose()
    assert diff == []


async def test_migrating_twice_is_harmless_and_downgrade_then_upgrade_works(settings: Settings) -> None:
    from alembic import command

    db = Database(settings.resolved_database_url)
    try:
        await db.migrate()
        await db.migrate()
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda c: command.downgrade(alembic_config(c), "base"))
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
        assert "stacks" not in tables
        await db.migrate()
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
        assert {"stacks", "plans", "deployments", "resources", "locks", "events", "engine_kv"} <= set(tables)
    finally:
        await db.aclose()


async def test_databases_migrated_by_several_processes_at_once_end_current(settings: Settings) -> None:
    import asyncio

    # Separate engines behave like separate processes starting on a fresh database together.
    databases = [Database(settings.resolved_database_url) for _ in range(4)]
    try:
        await asyncio.gather(*(db.migrate() for db in databases))
        async with databases[0].engine.connect() as conn:
            version = (await conn.execute(sa.text("SELECT version_num FROM alembic_version"))).scalar_one()
        assert version == HEAD
    finally:
        for db in databases:
            await db.aclose()
