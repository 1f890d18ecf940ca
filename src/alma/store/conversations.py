"""Conversation sessions: a state document per session (focus, frustration…) and its messages."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from alma.store.database import Database, as_utc, utcnow
from alma.store.records import MessageRecord, SessionRecord
from alma.store.schema import conversation_messages, conversation_sessions

__all__ = ["ConversationRepository", "MessageRecord", "SessionRecord"]


class ConversationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def session(self, session_id: str, actor: str) -> SessionRecord:
        """The session, created empty on first use."""
        async with self._db.engine.begin() as conn:
            row = (
                await conn.execute(sa.select(conversation_sessions).where(conversation_sessions.c.id == session_id))
            ).first()
            if row is None:
                now = utcnow()
                try:
                    async with conn.begin_nested():
                        await conn.execute(
                            conversation_sessions.insert().values(
                                id=session_id, actor=actor, state={}, created_at=now, updated_at=now
                            )
                        )
                except IntegrityError:
                    pass  # created concurrently: read it below
                row = (
                    await conn.execute(sa.select(conversation_sessions).where(conversation_sessions.c.id == session_id))
                ).one()
        m = row._mapping
        return SessionRecord(m["id"], m["actor"], dict(m["state"]), as_utc(m["created_at"]), as_utc(m["updated_at"]))

    async def save_state(self, session_id: str, state: dict[str, Any]) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                conversation_sessions.update()
                .where(conversation_sessions.c.id == session_id)
                .values(state=state, updated_at=utcnow())
            )

    async def add_message(self, session_id: str, role: str, text: str, data: dict[str, Any] | None = None) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                conversation_messages.insert().values(
                    session_id=session_id, role=role, text=text, data=data or {}, at=utcnow()
                )
            )

    async def messages(self, session_id: str, limit: int = 50) -> list[MessageRecord]:
        """The most recent ``limit`` messages, oldest first."""
        query = (
            sa.select(conversation_messages)
            .where(conversation_messages.c.session_id == session_id)
            .order_by(conversation_messages.c.id.desc())
            .limit(limit)
        )
        async with self._db.engine.connect() as conn:
            rows = [row._mapping for row in await conn.execute(query)]
        return [
            MessageRecord(m["id"], m["session_id"], m["role"], m["text"], dict(m["data"]), as_utc(m["at"]))
            for m in reversed(rows)
        ]
