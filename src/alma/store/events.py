"""The append-only event log: every state transition, who did it and when (the audit trail)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from alma.store.buffer import WriteBuffer
from alma.store.database import Database, as_utc, utcnow
from alma.store.records import EventRecord
from alma.store.schema import events


class EventLog:
    def __init__(self, db: Database, buffer: WriteBuffer) -> None:
        self._db = db
        self._buffer = buffer

    def append(
        self,
        stack: str,
        kind: str,
        message: str,
        *,
        actor: str,
        deployment_id: str | None = None,
        resource: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Buffered: durable once the buffer is flushed (every few ms, and before any reply)."""
        self._buffer.add_event(
            {
                "at": utcnow(),
                "stack": stack,
                "deployment_id": deployment_id,
                "resource": resource,
                "kind": kind,
                "actor": actor,
                "message": message,
                "data": data or {},
            }
        )

    async def list(
        self,
        stack: str | None = None,
        deployment_id: str | None = None,
        after_id: int = 0,
        limit: int = 1000,
        *,
        newest: bool = False,
    ) -> list[EventRecord]:
        """Events after ``after_id``, oldest first: the first ``limit`` of them, or with ``newest`` the last."""
        order = events.c.id.desc() if newest else events.c.id
        query = sa.select(events).where(events.c.id > after_id).order_by(order).limit(limit)
        if stack is not None:
            query = query.where(events.c.stack == stack)
        if deployment_id is not None:
            query = query.where(events.c.deployment_id == deployment_id)
        async with self._db.engine.connect() as conn:
            rows = list(await conn.execute(query))
            if newest:
                rows.reverse()
            return [
                EventRecord(
                    m["id"],
                    as_utc(m["at"]),
                    m["stack"],
                    m["deployment_id"],
                    m["resource"],
                    m["kind"],
                    m["actor"],
                    m["message"],
                    m["data"],
                )
                for m in (row._mapping for row in rows)
            ]

    async def news_since(self, after_id: int, limit: int = 5000) -> tuple[int, set[str]]:
        """The newest event id (``after_id`` when there is nothing newer) and the deployments that have
        events after ``after_id`` (at most ``limit`` events looked at): one indexed range read, however
        many streams are watching (``alma.services.live``). ``after_id`` < 0 asks only for the newest id."""
        async with self._db.engine.connect() as conn:
            if after_id < 0:
                newest = await conn.scalar(sa.select(sa.func.max(events.c.id)))
                return int(newest or 0), set()
            query = (
                sa.select(events.c.id, events.c.deployment_id)
                .where(events.c.id > after_id)
                .order_by(events.c.id)
                .limit(limit)
            )
            rows = list(await conn.execute(query))
        if not rows:
            return after_id, set()
        return int(rows[-1][0]), {str(row[1]) for row in rows if row[1]}
