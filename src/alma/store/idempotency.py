"""Idempotency keys: the first request with a key claims it; its answer is kept for repeats."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from alma.store.database import Database, utcnow
from alma.store.schema import idempotency_keys


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    body_hash: str
    status_code: int | None  # None: the first request is still running
    response: str | None
    media_type: str | None


class IdempotencyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, scope: str, body_hash: str) -> StoredAnswer | None:
        """None when this request claimed the key (it runs); otherwise what the key already holds."""
        try:
            async with self._db.engine.begin() as conn:
                await conn.execute(
                    idempotency_keys.insert().values(
                        scope=scope,
                        body_hash=body_hash,
                        status_code=None,
                        response=None,
                        media_type=None,
                        created_at=utcnow(),
                    )
                )
            return None
        except IntegrityError:
            pass
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(sa.select(idempotency_keys).where(idempotency_keys.c.scope == scope))).one()
        m = row._mapping
        return StoredAnswer(m["body_hash"], m["status_code"], m["response"], m["media_type"])

    async def complete(self, scope: str, status_code: int, response: str, media_type: str) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                idempotency_keys.update()
                .where(idempotency_keys.c.scope == scope)
                .values(status_code=status_code, response=response, media_type=media_type)
            )

    async def release(self, scope: str) -> None:
        """Forget a claim whose request failed before answering, so a retry can run."""
        async with self._db.engine.begin() as conn:
            await conn.execute(idempotency_keys.delete().where(idempotency_keys.c.scope == scope))
