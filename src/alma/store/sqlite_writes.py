"""The write buffer's commits on an embedded database, done whole in a worker thread with sqlite3.

An apply's buffer commits every 20 ms while resources are being changed: in a chain of dependent
resources, one commit per step. Through SQLAlchemy and aiosqlite each commit took the event loop a
couple of milliseconds (statement handling, a thread hand-off per statement, the greenlet bridge), and
the step that had just finished waited for it: 2–3 ms per serial step. Here the event loop only hands the
batch over; the rows are written and committed (the fsync included) in one worker thread, on its own
connection, with the GIL released while SQLite works.

The rows are what SQLAlchemy writes on SQLite (a test writes the same batch both ways and compares): JSON
columns as orjson text, datetimes as ``YYYY-MM-DD HH:MM:SS.ffffff`` of their own fields, without a zone.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path
from typing import Any

import orjson

ResourceKey = tuple[str, str]

_EVENT = "INSERT INTO events (at, stack, deployment_id, resource, kind, actor, message, data) VALUES (?,?,?,?,?,?,?,?)"
_RESOURCE = (
    "INSERT INTO resources (stack, name, type, provider, specs, dependencies, status, external_id, revision, "
    "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (stack, name) DO UPDATE SET type = excluded.type, "
    "provider = excluded.provider, specs = excluded.specs, dependencies = excluded.dependencies, "
    "status = excluded.status, external_id = excluded.external_id, revision = excluded.revision, "
    "updated_at = excluded.updated_at"
)
_REMOVE_RESOURCE = "DELETE FROM resources WHERE stack = ? AND name = ?"
_KV = (
    "INSERT INTO engine_kv (namespace, key, value) VALUES (?,?,?) "
    "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value"
)
_REMOVE_KV = "DELETE FROM engine_kv WHERE namespace = ? AND key = ?"


def _when(value: dt.datetime) -> str:
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
    )


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


class SqliteBatchWriter:
    """Commits batches of events, resource rows and engine records; one batch at a time."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None
        self._guard = threading.Lock()

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(self._path, timeout=30, isolation_level=None, check_same_thread=False)
            for pragma in ("busy_timeout=30000", "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
                connection.execute(f"PRAGMA {pragma}")
            self._connection = connection
        return self._connection

    def write(
        self,
        events: list[dict[str, Any]],
        resources: dict[ResourceKey, dict[str, Any] | None],
        kv: dict[tuple[str, str], dict[str, Any] | None],
    ) -> None:
        """Write everything in one transaction, or nothing (the caller keeps the batch to try again)."""
        with self._guard:
            connection = self._open()
            connection.execute("BEGIN IMMEDIATE")
            try:
                if events:
                    connection.executemany(
                        _EVENT,
                        [
                            (
                                _when(e["at"]),
                                e["stack"],
                                e["deployment_id"],
                                e["resource"],
                                e["kind"],
                                e["actor"],
                                e["message"],
                                _json(e["data"]),
                            )
                            for e in events
                        ],
                    )
                upserts = [row for row in resources.values() if row is not None]
                if upserts:
                    connection.executemany(
                        _RESOURCE,
                        [
                            (
                                r["stack"],
                                r["name"],
                                r["type"],
                                r["provider"],
                                _json(r["specs"]),
                                _json(r["dependencies"]),
                                r["status"],
                                r["external_id"],
                                r["revision"],
                                _when(r["updated_at"]),
                            )
                            for r in upserts
                        ],
                    )
                removed = [key for key, row in resources.items() if row is None]
                if removed:
                    connection.executemany(_REMOVE_RESOURCE, removed)
                records = [(ns, key, _json(value)) for (ns, key), value in kv.items() if value is not None]
                if records:
                    connection.executemany(_KV, records)
                gone = [key for key, value in kv.items() if value is None]
                if gone:
                    connection.executemany(_REMOVE_KV, gone)
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._guard:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
