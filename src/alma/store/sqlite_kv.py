"""Engines' durable records on the embedded database, read with the standard library's sqlite3.

The fake engine loads its world at the first refresh of every plan: through the engine's connections that
alone imported SQLAlchemy into ``alma plan``. The statement is the one the SQLAlchemy query issues on SQLite
and the values are the same (JSON stored as text); it runs in a worker thread while an event loop runs, on
a read-only connection of that thread's own. Writes still go through the write buffer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from alma.store.sqlite_reads import ThreadConnections
from alma.store.threads import in_thread


class SqliteKeyValueReads:
    def __init__(self, path: Path) -> None:
        self._connections = ThreadConnections(path, ("query_only = ON",))

    def _load(self, namespace: str) -> dict[str, dict[str, Any]]:
        with self._connections.using() as connection:
            rows = connection.execute("SELECT key, value FROM engine_kv WHERE namespace = ?", (namespace,)).fetchall()
        return {key: orjson.loads(value) for key, value in rows}

    async def load(self, namespace: str) -> dict[str, dict[str, Any]]:
        """Every record of ``namespace`` committed so far, by key."""
        return await in_thread(self._load, namespace)

    def close(self) -> None:
        self._connections.close()
