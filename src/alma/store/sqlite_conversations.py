"""Conversation sessions on the embedded database with the standard library's sqlite3.

``alma intent`` and one-shot ``alma chat`` questions read and write a session and nothing else of the
store: through ``ConversationRepository`` each of them imported SQLAlchemy (~0.2 s of a command that is
otherwise ~0.2 s). The statements are those the repository's SQLAlchemy queries issue on SQLite and the
rows are the same (a test writes a session both ways and compares): JSON as orjson text, datetimes as
``sqlite_writes`` writes them. Each call runs in a worker thread on a connection of that thread's own,
with the pragmas of the engine's connections, and is one transaction.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import orjson

from alma.store.database import utcnow
from alma.store.records import MessageRecord, SessionRecord
from alma.store.sqlite_reads import ThreadConnections
from alma.store.sqlite_reads import _when as read_when
from alma.store.sqlite_writes import _json
from alma.store.sqlite_writes import _when as written

T = TypeVar("T")
_SESSION = "SELECT id, actor, state, created_at, updated_at FROM conversation_sessions WHERE id = ?"


def _session(row: tuple[Any, ...]) -> SessionRecord:
    return SessionRecord(row[0], row[1], dict(orjson.loads(row[2])), read_when(row[3]), read_when(row[4]))


class SqliteConversations:
    """``ConversationRepository``'s methods over one SQLite file."""

    def __init__(self, path: Path) -> None:
        self._connections = ThreadConnections(
            path, ("busy_timeout=30000", "synchronous=FULL", "foreign_keys=ON"), autocommit=True
        )

    async def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.to_thread(self._connections.transaction, work)

    async def session(self, session_id: str, actor: str) -> SessionRecord:
        """The session, created empty on first use."""

        def work(connection: sqlite3.Connection) -> SessionRecord:
            row = connection.execute(_SESSION, (session_id,)).fetchone()
            if row is None:
                now = written(utcnow())
                connection.execute(
                    "INSERT INTO conversation_sessions (id, actor, state, created_at, updated_at) VALUES (?,?,?,?,?)",
                    (session_id, actor, "{}", now, now),
                )
                row = connection.execute(_SESSION, (session_id,)).fetchone()
            return _session(row)

        return await self._transaction(work)

    async def save_state(self, session_id: str, state: dict[str, Any]) -> None:
        await self._transaction(
            lambda connection: connection.execute(
                "UPDATE conversation_sessions SET state = ?, updated_at = ? WHERE id = ?",
                (_json(state), written(utcnow()), session_id),
            )
        )

    async def add_message(self, session_id: str, role: str, text: str, data: dict[str, Any] | None = None) -> None:
        await self._transaction(
            lambda connection: connection.execute(
                "INSERT INTO conversation_messages (session_id, role, text, data, at) VALUES (?,?,?,?,?)",
                (session_id, role, text, _json(data or {}), written(utcnow())),
            )
        )

    async def messages(self, session_id: str, limit: int = 50) -> list[MessageRecord]:
        """The most recent ``limit`` messages, oldest first."""

        def work(connection: sqlite3.Connection) -> list[MessageRecord]:
            rows = connection.execute(
                "SELECT id, session_id, role, text, data, at FROM conversation_messages WHERE session_id = ? "
                "ORDER BY id DESC LIMIT ?",
                (session_id, limit),
            ).fetchall()
            return [
                MessageRecord(r[0], r[1], r[2], r[3], dict(orjson.loads(r[4])), read_when(r[5])) for r in reversed(rows)
            ]

        return await self._transaction(work)

    def close(self) -> None:
        self._connections.close()
