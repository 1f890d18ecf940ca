"""``StateReads`` over the embedded database with the standard library's sqlite3.

The SQL is what the repositories' SQLAlchemy queries compile to on SQLite, and rows become the same
records: datetimes as SQLAlchemy writes them on SQLite (UTC, without a zone, in ISO form), JSON as text.
Each query runs in a worker thread while an event loop runs (``alma.store.threads``), so the loop never waits
on the file, on a connection of that thread's own (SQLite connections are not shared between threads); every
connection is read-only (``query_only``) and waits for a writer's lock as the engine's connections do.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from alma.store.reads import StateReads
from alma.store.records import (
    DeploymentRecord,
    EventRecord,
    IprRecord,
    ResourceRecord,
    StackSummary,
)
from alma.store.threads import in_thread

T = TypeVar("T")

if TYPE_CHECKING:
    from alma.store.change_records import IprRevisionRecord, KeyRecord

Row = tuple[Any, ...]

_RESOURCE = "stack, name, type, provider, specs, dependencies, status, external_id, revision, updated_at"
_DEPLOYMENT = "id, stack, revision, plan_id, kind, status, actor, started_at, finished_at, summary, snapshot, error"
_EVENT = "id, at, stack, deployment_id, resource, kind, actor, message, data"
_IPR = "id, stack, title, description, author, status, revision, reviewers, deployment_id, created_at, updated_at"
_IPR_REVISION = "ipr_id, revision, plan_id, plan_hash, base_revision, created_by, created_at"


def _when(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def _json(value: str | None) -> Any:
    return None if value is None else orjson.loads(value)


def _resource(r: Row) -> ResourceRecord:
    return ResourceRecord(r[0], r[1], r[2], r[3], _json(r[4]), _json(r[5]), r[6], r[7], r[8], _when(r[9]))


def _deployment(r: Row) -> DeploymentRecord:
    finished = _when(r[8]) if r[8] else None
    return DeploymentRecord(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], _when(r[7]), finished, _json(r[9]), _json(r[10]), r[11]
    )


def _event(r: Row) -> EventRecord:
    return EventRecord(r[0], _when(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], _json(r[8]))


def _ipr(r: Row) -> IprRecord:
    return IprRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], list(_json(r[7])), r[8], _when(r[9]), _when(r[10]))


class ThreadConnections:
    """One sqlite3 connection per worker thread to one file (SQLite connections are not shared between
    threads), each set up with ``pragmas``. Work on a connection is done inside ``using()``, which holds that
    connection's lock: ``close`` takes each lock before closing, so a query still running in a worker thread
    (its caller cancelled: a thread cannot be) finishes first. Closing a connection under a running query
    crashed the process (a segmentation fault in a test run)."""

    def __init__(self, path: Path, pragmas: tuple[str, ...], *, autocommit: bool = False) -> None:
        self._path = path
        self._pragmas = pragmas
        self._autocommit = autocommit
        self._local = threading.local()
        self._opened: list[tuple[sqlite3.Connection, threading.Lock]] = []
        self._guard = threading.Lock()
        self._closed = False

    @contextmanager
    def using(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, held for the work done with it."""
        held: tuple[sqlite3.Connection, threading.Lock] | None = getattr(self._local, "held", None)
        if held is None:
            if self._autocommit:
                connection = sqlite3.connect(self._path, timeout=30, isolation_level=None, check_same_thread=False)
            else:
                connection = sqlite3.connect(self._path, timeout=30, check_same_thread=False)
            for pragma in self._pragmas:
                connection.execute(f"PRAGMA {pragma}")
            held = (connection, threading.Lock())
            with self._guard:
                if self._closed:
                    connection.close()
                    raise sqlite3.ProgrammingError("the store is closed")
                self._opened.append(held)
            self._local.held = held
        connection, lock = held
        with lock:
            if self._closed:
                raise sqlite3.ProgrammingError("the store is closed")
            yield connection

    def transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` on this thread's connection in one ``BEGIN IMMEDIATE`` … ``COMMIT`` (the write lock taken
        first, so two writers queue instead of failing at the commit), rolled back if it raises. Needs an
        ``autocommit`` connection: the transaction is this method's, not the sqlite3 module's."""
        with self.using() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = work(connection)
                connection.execute("COMMIT")
                return result
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._guard:
            self._closed = True
            opened, self._opened = self._opened, []
        for connection, lock in opened:
            with lock:  # a query running in another thread finishes first
                connection.close()


class SqliteReads:
    def __init__(self, path: Path) -> None:
        self._connections = ThreadConnections(path, ("query_only = ON",))

    def _fetch(self, sql: str, params: tuple[Any, ...]) -> list[Row]:
        with self._connections.using() as connection:
            return connection.execute(sql, params).fetchall()

    async def _rows(self, sql: str, *params: Any) -> list[Row]:
        return await in_thread(self._fetch, sql, params)

    async def engine_records(self, namespace: str) -> dict[str, dict[str, Any]]:
        """Every engine record of ``namespace`` committed so far, by key (the fake engine's world, loaded at
        the first refresh of a plan; the statement and values the SQLAlchemy query gives). Writes go through
        the write buffer, whose pending records ``kv.BufferedKeyValueStore`` lays over these."""
        rows = await self._rows("SELECT key, value FROM engine_kv WHERE namespace = ?", namespace)
        return {key: orjson.loads(value) for key, value in rows}

    async def revision(self, stack: str) -> int:
        rows = await self._rows("SELECT revision FROM stacks WHERE name = ?", stack)
        return int(rows[0][0] or 0) if rows else 0

    async def exists(self, stack: str) -> bool:
        return bool(await self._rows("SELECT name FROM stacks WHERE name = ?", stack))

    async def summaries(self) -> list[StackSummary]:
        rows = await self._rows(
            "SELECT stacks.name, stacks.revision, (SELECT count(*) FROM resources WHERE resources.stack = "
            "stacks.name), stacks.updated_at FROM stacks ORDER BY stacks.name"
        )
        return [StackSummary(r[0], r[1], int(r[2]), _when(r[3])) for r in rows]

    async def resources(self, stack: str | None = None) -> list[ResourceRecord]:
        if stack is None:
            rows = await self._rows(f"SELECT {_RESOURCE} FROM resources ORDER BY stack, name")
        else:
            rows = await self._rows(f"SELECT {_RESOURCE} FROM resources WHERE stack = ? ORDER BY stack, name", stack)
        return [_resource(r) for r in rows]

    async def resource(self, stack: str, name: str) -> ResourceRecord | None:
        rows = await self._rows(f"SELECT {_RESOURCE} FROM resources WHERE stack = ? AND name = ?", stack, name)
        return _resource(rows[0]) if rows else None

    async def history(self, stack: str) -> list[DeploymentRecord]:
        rows = await self._rows(f"SELECT {_DEPLOYMENT} FROM deployments WHERE stack = ? ORDER BY revision", stack)
        return [_deployment(r) for r in rows]

    async def events(
        self,
        stack: str | None = None,
        deployment_id: str | None = None,
        after_id: int = 0,
        limit: int = 1000,
        *,
        newest: bool = False,
    ) -> list[EventRecord]:
        conditions: list[str] = ["id > ?"]
        params: list[Any] = [after_id]
        if stack is not None:
            conditions.append("stack = ?")
            params.append(stack)
        if deployment_id is not None:
            conditions.append("deployment_id = ?")
            params.append(deployment_id)
        order = "id DESC" if newest else "id"
        sql = f"SELECT {_EVENT} FROM events WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT ?"
        rows = await self._rows(sql, *params, limit)
        if newest:
            rows.reverse()
        return [_event(r) for r in rows]

    async def iprs(self, status: str | None = None, stack: str | None = None, limit: int = 200) -> list[IprRecord]:
        conditions: list[str] = []
        params: list[Any] = []
        if status is not None:
            conditions.append("status = ?")
            params.append(status)
        if stack is not None:
            conditions.append("stack = ?")
            params.append(stack)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = await self._rows(f"SELECT {_IPR} FROM iprs{where} ORDER BY id DESC LIMIT ?", *params, limit)
        return [_ipr(r) for r in rows]

    async def ipr_revision(self, ipr_id: int, revision: int) -> IprRevisionRecord | None:
        rows = await self._rows(
            f"SELECT {_IPR_REVISION} FROM ipr_revisions WHERE ipr_id = ? AND revision = ?", ipr_id, revision
        )
        if not rows:
            return None
        from alma.store.change_records import IprRevisionRecord

        r = rows[0]
        return IprRevisionRecord(r[0], r[1], r[2], r[3], r[4], r[5], _when(r[6]))

    async def live_key(self, digest: str) -> KeyRecord | None:
        rows = await self._rows(
            "SELECT id, name, role, created_by, created_at, revoked_at FROM api_keys "
            "WHERE digest = ? AND revoked_at IS NULL",
            digest,
        )
        if not rows:
            return None
        from alma.store.change_records import KeyRecord

        r = rows[0]
        return KeyRecord(r[0], r[1], r[2], r[3], _when(r[4]), _when(r[5]) if r[5] else None)

    async def blueprint_text(self, blueprint_id: int) -> str | None:
        rows = await self._rows("SELECT content FROM blueprints WHERE id = ?", blueprint_id)
        return str(rows[0][0]) if rows else None

    def close(self) -> None:
        self._connections.close()


_: type[StateReads] = SqliteReads
