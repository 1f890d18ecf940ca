"""Durable key/value records for engines, namespaced per engine, written through the write buffer."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from alma.engines.base import KeyValueStore
from alma.store.buffer import WriteBuffer
from alma.store.database import Database
from alma.store.schema import engine_kv


class BufferedKeyValueStore:
    def __init__(self, db: Database, buffer: WriteBuffer, namespace: str) -> None:
        self._db = db
        self._buffer = buffer
        self._namespace = namespace

    async def load_all(self) -> dict[str, dict[str, Any]]:
        # Writes being committed while we read are in the buffer before the read or in the database
        # after it: look at the buffer on both sides of the read so none falls in between.
        before = self._buffer.pending_kv(self._namespace)
        async with self._db.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(engine_kv.c.key, engine_kv.c.value).where(engine_kv.c.namespace == self._namespace)
            )
            data: dict[str, dict[str, Any]] = {key: value for key, value in rows}
        for key, value in {**before, **self._buffer.pending_kv(self._namespace)}.items():  # not yet committed
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    async def put(self, key: str, value: dict[str, Any]) -> None:
        self._buffer.put_kv(self._namespace, key, value)

    async def delete(self, key: str) -> None:
        self._buffer.put_kv(self._namespace, key, None)


_: type[KeyValueStore] = BufferedKeyValueStore
