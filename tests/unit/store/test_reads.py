"""Reads of recorded state on an embedded database go through the standard library's sqlite3 (no SQLAlchemy
to import): they must answer exactly what the repositories answer, for the same database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alma.bootstrap import build
from alma.store import Database, Store
from alma.store.reads import RepositoryReads, StateReads
from alma.store.sqlite_reads import SqliteReads
from tests.conftest import make_settings
from tests.helpers import apply_directly, blueprint_text, compute


async def recorded_home(home: Path) -> str:
    """An embedded database with two stacks, a failed and a good deployment, events and an IPR."""
    settings = make_settings(home, fake_fail_resources=["broken"])
    async with await build(settings) as services:
        first = await services.plans.plan_blueprint(
            blueprint_text("shop", [compute("db", cores=2), compute("web", ["db"], tags=["b", "ä"])])
        )
        await apply_directly(services, first.plan.id)
        other = await services.plans.plan_blueprint(blueprint_text("lab", [compute("ok"), compute("broken")]))
        await apply_directly(services, other.plan.id)
        change = await services.plans.plan_blueprint(blueprint_text("shop", [compute("db", cores=4)]))
        await services.iprs.create(change.plan, "grow the database", "ünïcode")
        await services.keys.create("ci", "viewer")
        await services.keys.create("old", "admin")
        await services.keys.revoke("old")
        return settings.resolved_database_url


async def _digest_of(store: Store, name: str) -> str:
    import sqlalchemy as sa

    from alma.store.schema import api_keys

    async with store.db.engine.connect() as conn:
        return str(await conn.scalar(sa.select(api_keys.c.digest).where(api_keys.c.name == name)))


async def both_ways(url: str) -> tuple[StateReads, StateReads, Store]:
    store = Store(Database(url))
    assert store.db.sqlite_file is not None
    return SqliteReads(store.db.sqlite_file), RepositoryReads(store), store


async def test_every_read_answers_what_the_repositories_answer(tmp_path: Path) -> None:
    url = await recorded_home(tmp_path / "home")
    plain, repositories, store = await both_ways(url)
    try:
        calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
            ("summaries", (), {}),
            ("resources", (), {}),
            ("resources", ("shop",), {}),
            ("resources", ("nowhere",), {}),
            ("resource", ("shop", "web"), {}),
            ("resource", ("shop", "nothing"), {}),
            ("revision", ("shop",), {}),
            ("revision", ("nowhere",), {}),
            ("exists", ("lab",), {}),
            ("exists", ("nowhere",), {}),
            ("history", ("shop",), {}),
            ("history", ("lab",), {}),
            ("events", (), {}),
            ("events", ("shop",), {}),
            ("events", ("lab", None, 3, 4), {}),
            ("events", ("shop",), {"limit": 5, "newest": True}),
            ("iprs", (), {}),
            ("iprs", ("open",), {}),
            ("iprs", (None, "lab"), {}),
            ("ipr_revision", (1, 1), {}),
            ("ipr_revision", (1, 2), {}),
            ("blueprint_text", (1,), {}),
            ("blueprint_text", (99,), {}),
        ]
        for name, args, kwargs in calls:
            expected = await getattr(repositories, name)(*args, **kwargs)
            assert await getattr(plain, name)(*args, **kwargs) == expected, (name, args, kwargs)
        for key in await store.keys.all():  # a live key is found by its digest, a revoked one is not
            digest = await _digest_of(store, key.name)
            expected = await repositories.live_key(digest)
            assert await plain.live_key(digest) == expected
            assert (expected is None) == (key.name == "old")
        assert await plain.live_key("0" * 64) is None
        history = await plain.history("lab")
        assert [d.status for d in history] == ["failed"] and history[0].finished_at is not None
        deployment = history[0].id
        by_deployment = await plain.events("lab", deployment)
        assert by_deployment == await repositories.events("lab", deployment)
        assert by_deployment and all(e.deployment_id == deployment for e in by_deployment)
    finally:
        plain.close()
        await store.aclose()


async def test_a_read_sees_what_another_connection_committed_a_moment_ago(tmp_path: Path) -> None:
    url = await recorded_home(tmp_path / "home")
    plain, _, store = await both_ways(url)
    try:
        assert await plain.revision("shop") == 1
        async with await build(make_settings(tmp_path / "home")) as services:
            again = await services.plans.plan_blueprint(blueprint_text("shop", [compute("db", cores=8)]))
            await apply_directly(services, again.plan.id)
        assert await plain.revision("shop") == 2  # the same thread's connection, a new look
        assert [r.name for r in await plain.resources("shop")] == ["db"]
    finally:
        plain.close()
        await store.aclose()


async def test_reads_never_write(tmp_path: Path) -> None:
    import sqlite3

    import pytest

    url = await recorded_home(tmp_path / "home")
    plain, _, store = await both_ways(url)
    try:
        assert isinstance(plain, SqliteReads)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await plain._rows("DELETE FROM events")
        assert await plain.events("shop")
    finally:
        plain.close()
        await store.aclose()


async def test_an_embedded_store_reads_through_sqlite3_and_a_server_through_the_repositories(
    tmp_path: Path, database_url: str
) -> None:
    store = Store(Database(database_url))
    try:
        expected = SqliteReads if database_url.startswith("sqlite") else RepositoryReads
        assert isinstance(store.reads, expected)
    finally:
        await store.aclose()
