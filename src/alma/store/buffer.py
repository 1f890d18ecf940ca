"""Group commit: many small writes from concurrent tasks become few transactions.

Apply records a transition for every resource and engines persist their objects; one transaction
each would cost a commit (and an fsync) per write. Writers append here without waiting; a flusher
commits everything pending every ``interval_s`` in one transaction, coalescing repeated writes to
the same row (last one wins). ``flush()`` waits until everything appended before it is committed:
callers flush before they tell the user anything, so what the user is told is durable.

On an embedded database the commit is made whole in a worker thread (``sqlite_writes``), so the event loop
(and the apply step that just finished) does not wait for it; on PostgreSQL through SQLAlchemy, imported only
then (a command that reads engines' records on an embedded database, ``alma plan``, never needs it).
"""

from __future__ import annotations

import asyncio
import importlib
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from alma.errors import ConfigurationError
from alma.store.database import Database
from alma.store.sqlite_writes import SqliteBatchWriter

if TYPE_CHECKING:
    import sqlalchemy as sa

ResourceKey = tuple[str, str]


def upsert(db: Database, table: sa.Table, keys: list[str]) -> Any:
    """``INSERT … ON CONFLICT (keys) DO UPDATE`` in the database's own dialect."""
    # The dialect's module is imported for the database in use only (an embedded server stays smaller).
    dialect: Any = importlib.import_module(f"sqlalchemy.dialects.{'sqlite' if db.is_sqlite else 'postgresql'}")
    insert = dialect.insert(table)
    updates = {c.name: insert.excluded[c.name] for c in table.columns if c.name not in keys}
    return insert.on_conflict_do_update(index_elements=keys, set_=updates)


class WriteBuffer:
    def __init__(self, db: Database, interval_s: float = 0.02) -> None:
        self._db = db
        self._interval_s = interval_s
        self._events: list[dict[str, Any]] = []
        self._resources: dict[ResourceKey, dict[str, Any] | None] = {}
        self._kv: dict[tuple[str, str], dict[str, Any] | None] = {}
        self._committing_kv: dict[tuple[str, str], dict[str, Any] | None] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._flushing = asyncio.Lock()
        self._failure: BaseException | None = None
        self._writer = SqliteBatchWriter(db.sqlite_file) if db.sqlite_file is not None else None
        self._upserts: tuple[Any, Any] | None = None  # the statements of commits through SQLAlchemy, made once
        self._on_commit: list[Callable[[list[dict[str, Any]]], None]] = []
        self._scrub: Callable[[Any], Any] | None = None

    def on_commit(self, listener: Callable[[list[dict[str, Any]]], None]) -> None:
        """``listener`` gets every batch of event rows once it is committed (live streams wake on it)."""
        self._on_commit.append(listener)

    def scrub_with(self, scrub: Callable[[Any], Any]) -> None:
        """``scrub`` rewrites every event's message and data before it is stored (``alma.redaction``: a
        configured secret quoted by an engine's error never reaches the audit trail)."""
        self._scrub = scrub

    # Appends never wait; they schedule a flush.
    def add_event(self, row: dict[str, Any]) -> None:
        if self._scrub is not None:
            row = {**row, "message": self._scrub(row["message"]), "data": self._scrub(row["data"])}
        self._events.append(row)
        self._schedule()

    def set_resource(self, row: dict[str, Any]) -> None:
        self._resources[(row["stack"], row["name"])] = row
        self._schedule()

    def remove_resource(self, stack: str, name: str) -> None:
        self._resources[(stack, name)] = None
        self._schedule()

    def put_kv(self, namespace: str, key: str, value: dict[str, Any] | None) -> None:
        self._kv[(namespace, key)] = value
        self._schedule()

    def pending_kv(self, namespace: str) -> dict[str, dict[str, Any] | None]:
        """Writes not yet readable from the database: those waiting, and those being committed right now
        (a reader between "taken from the buffer" and "committed" must still see them)."""
        merged = {**self._committing_kv, **self._kv}
        return {key: value for (ns, key), value in merged.items() if ns == namespace}

    def _schedule(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self._interval_s)  # the batching window: collect what arrives meanwhile
        try:
            await self._commit_pending()
        except ConfigurationError as exc:
            self._failure = exc  # reported by the next flush(), which the caller awaits

    async def flush(self) -> None:
        """Commit everything appended so far; raise if this or an earlier background commit failed."""
        await self._commit_pending()
        if self._flusher is not None and not self._flusher.done():
            await self._flusher
        await self._commit_pending()
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    def close(self) -> None:
        """Let go of the embedded database's writer connection (after the last ``flush``)."""
        if self._writer is not None:
            self._writer.close()

    async def _commit_pending(self) -> None:
        async with self._flushing:
            if not (self._events or self._resources or self._kv):
                return
            batch_events, self._events = self._events, []
            batch_resources, self._resources = self._resources, {}
            batch_kv, self._kv = self._kv, {}
            self._committing_kv = batch_kv
            failures: tuple[type[Exception], ...] = (sqlite3.Error, OSError)
            try:
                if self._writer is not None:
                    await asyncio.to_thread(self._writer.write, batch_events, batch_resources, batch_kv)
                else:
                    from sqlalchemy.exc import DBAPIError

                    failures += (DBAPIError,)
                    await self._commit_through_sqlalchemy(batch_events, batch_resources, batch_kv)
            except failures as exc:
                # Put the batch back under anything newer, so a later flush can still write it.
                self._events[:0] = batch_events
                self._resources = {**batch_resources, **self._resources}
                self._kv = {**batch_kv, **self._kv}
                raise ConfigurationError(f"cannot write to the database: {exc}") from exc
            finally:
                self._committing_kv = {}
            if batch_events:
                for listener in self._on_commit:
                    listener(batch_events)

    async def _commit_through_sqlalchemy(
        self,
        batch_events: list[dict[str, Any]],
        batch_resources: dict[ResourceKey, dict[str, Any] | None],
        batch_kv: dict[tuple[str, str], dict[str, Any] | None],
    ) -> None:
        import sqlalchemy as sa

        from alma.store.schema import engine_kv, events, resources

        if self._upserts is None:
            self._upserts = (
                upsert(self._db, resources, ["stack", "name"]),
                upsert(self._db, engine_kv, ["namespace", "key"]),
            )
        upsert_resource, upsert_kv = self._upserts
        async with self._db.engine.begin() as conn:
            if batch_events:
                await conn.execute(events.insert(), batch_events)
            upserts = [row for row in batch_resources.values() if row is not None]
            if upserts:
                await conn.execute(upsert_resource, upserts)
            removed = [{"s": stack, "n": name} for (stack, name), row in batch_resources.items() if row is None]
            if removed:
                condition = (resources.c.stack == sa.bindparam("s")) & (resources.c.name == sa.bindparam("n"))
                await conn.execute(resources.delete().where(condition), removed)
            kv_rows = [
                {"namespace": ns, "key": key, "value": value}
                for (ns, key), value in batch_kv.items()
                if value is not None
            ]
            if kv_rows:
                await conn.execute(upsert_kv, kv_rows)
            kv_removed = [{"ns": ns, "k": key} for (ns, key), value in batch_kv.items() if value is None]
            if kv_removed:
                condition = (engine_kv.c.namespace == sa.bindparam("ns")) & (engine_kv.c.key == sa.bindparam("k"))
                await conn.execute(engine_kv.delete().where(condition), kv_removed)
