"""The write buffer commits on an embedded database with sqlite3 in a worker thread: the rows must be the ones
SQLAlchemy writes for the same batch, and a failed commit must leave nothing and keep the batch."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from alma.errors import ConfigurationError
from alma.store import Database, Store
from alma.store.buffer import WriteBuffer


def batch(at: dt.datetime) -> tuple[list[dict[str, Any]], dict[Any, Any], dict[Any, Any]]:
    events = [
        {
            "at": at + dt.timedelta(microseconds=i * 1001),
            "stack": "shop",
            "deployment_id": "d1" if i % 2 else None,
            "resource": f"r{i}" if i % 3 else None,
            "kind": "resource.created",
            "actor": "ünï",
            "message": f'r{i} created ("quoted", ⚙)',
            "data": {"attempts": i, "elapsed_s": 0.25 * i, "nested": {"list": [1, None, True]}},
        }
        for i in range(5)
    ]
    resources = {
        ("shop", "web"): {
            "stack": "shop",
            "name": "web",
            "type": "compute",
            "provider": "fake",
            "specs": {"cores": 2, "memory": 2048, "tags": ["b", "ä"], "ratio": 1.5, "none": None},
            "dependencies": ["db"],
            "status": "running",
            "external_id": "fake-1",
            "revision": 3,
            "updated_at": at,
        },
        ("shop", "old"): None,  # removed
    }
    kv = {("fake", "shop/web"): {"type": "compute", "generation": 1}, ("fake", "shop/old"): None}
    return events, resources, kv


def rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("events", "resources", "engine_kv")
        }


async def written(path: Path, through_sqlalchemy: bool, at: dt.datetime) -> dict[str, list[tuple[Any, ...]]]:
    store = Store(Database(f"sqlite+aiosqlite:///{path}"))
    await store.db.migrate()
    buffer = WriteBuffer(store.db)
    if through_sqlalchemy:
        buffer._writer = None  # the path a server database takes
    try:
        # What a removal removes must be there first.
        buffer.set_resource({**batch(at)[1][("shop", "web")], "name": "old"})
        buffer.put_kv("fake", "shop/old", {"type": "compute", "generation": 1})
        await buffer.flush()
        events, resources, kv = batch(at)
        for event in events:
            buffer.add_event(event)
        for key, row in resources.items():
            if row is None:
                buffer.remove_resource(*key)
            else:
                buffer.set_resource(row)
        for (namespace, key), value in kv.items():
            buffer.put_kv(namespace, key, value)
        await buffer.flush()
    finally:
        buffer.close()
        await store.aclose()
    return rows(path)


@pytest.mark.parametrize("zone", [dt.UTC, dt.timezone(dt.timedelta(hours=2))])
async def test_the_rows_are_the_ones_sqlalchemy_writes(tmp_path: Path, zone: dt.tzinfo) -> None:
    at = dt.datetime(2026, 12, 3, 9, 0, 0, 0, tzinfo=zone)
    threaded = await written(tmp_path / "thread.db", False, at)
    reference = await written(tmp_path / "sqlalchemy.db", True, at)
    assert threaded == reference
    assert len(threaded["events"]) == 5 and [r[1] for r in threaded["resources"]] == ["web"]
    assert threaded["engine_kv"] == [("fake", "shop/web", '{"type":"compute","generation":1}')]


async def test_a_failed_commit_writes_nothing_and_keeps_the_batch_for_the_next_flush(tmp_path: Path) -> None:
    path = tmp_path / "alma.db"
    store = Store(Database(f"sqlite+aiosqlite:///{path}"))
    await store.db.migrate()
    buffer = store.buffer
    blocker = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another writer holds the database
    try:
        assert buffer._writer is not None
        buffer._writer._open().execute("PRAGMA busy_timeout = 50")  # give up quickly instead of after 30 s
        events, _, _ = batch(dt.datetime(2026, 12, 3, tzinfo=dt.UTC))
        for event in events:
            buffer.add_event(event)
        with pytest.raises(ConfigurationError, match="cannot write to the database"):
            await buffer.flush()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    await buffer.flush()  # the kept batch is written now
    await store.aclose()
    assert len(rows(path)["events"]) == 5
