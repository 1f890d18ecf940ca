"""Durable key/value records for engines, namespaced per engine, written through the write buffer.

Records are read from the database (on a database file with sqlite3, through ``SqliteReads``: no SQLAlchemy
for the fake engine's world in ``alma plan``; else through the engine's connections), then overlaid with the
buffer's writes not yet committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alma.engines.base import KeyValueStore
from alma.store.database import Database

if TYPE_CHECKING:
    from alma.store.buffer import WriteBuffer
    from alma.store.sqlite_reads import SqliteReads


class BufferedKeyValueStore:
    """``sqlite``: the database file's reads (the store gives one on an embedded database); without, the
    engine's connections."""

    def __init__(self, db: Database, buffer: WriteBuffer, namespace: str, sqlite: SqliteReads | None = None) -> None:
        self._db = db
        self._buffer = buffer
        self._namespace = namespace
        self._sqlite = sqlite

    async def load_all(self) -> dict[str, dict[str, Any]]:
        # Writes being committed while we read are in the buffer before the read or in the database
        # after it: look at the buffer on both sides of the read so none falls in between.
        before = self._buffer.pending_kv(self._namespace)
        data = await self._committed()
        for key, value in {**before, **self._buffer.pending_kv(self._namespace)}.items():  # not yet committed
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    async def _committed(self) -> dict[str, dict[str, Any]]:
        if self._sqlite is not None:
            return await self._sqlite.engine_records(self._namespace)
        import sqlalchemy as sa

        from alma.store.schema import engine_kv

        async with self._db.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(engine_kv.c.key, engine_kv.c.value).where(engine_kv.c.namespace == self._namespace)
            )
            return {key: value for key, value in rows}

    async def put(self, key: str, value: dict[str, Any]) -> None:
        self._buffer.put_kv(self._namespace, key, value)

    async def delete(self, key: str) -> None:
        self._buffer.put_kv(self._namespace, key, None)


_: type[KeyValueStore] = BufferedKeyValueStore
