"""Idempotency keys: the first request with a key claims it for a lease (renewed while it runs); its
answer is kept for repeats. A claim whose lease ran out — its server died mid-request — is taken over by
the next request with the same key and body, in one conditional UPDATE, so two retries cannot both win."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from alma.store.database import Database, as_utc, utcnow
from alma.store.schema import idempotency_keys


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    body_hash: str
    status_code: int | None  # None: the first request is still running (or died; see lease_until)
    response: str | None
    media_type: str | None
    lease_until: dt.datetime | None = None


class IdempotencyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, scope: str, body_hash: str, lease_s: float) -> StoredAnswer | None:
        """None when this request claimed the key (it runs); otherwise what the key already holds."""
        now = utcnow()
        lease_until = now + dt.timedelta(seconds=lease_s)
        try:
            async with self._db.engine.begin() as conn:
                await conn.execute(
                    idempotency_keys.insert().values(
                        scope=scope,
                        body_hash=body_hash,
                        status_code=None,
                        response=None,
                        media_type=None,
                        created_at=now,
                        lease_until=lease_until,
                    )
                )
            return None
        except IntegrityError:
            pass
        expired = sa.or_(idempotency_keys.c.lease_until.is_(None), idempotency_keys.c.lease_until < now)
        async with self._db.engine.begin() as conn:
            taken = await conn.execute(
                idempotency_keys.update()
                .where(
                    idempotency_keys.c.scope == scope,
                    idempotency_keys.c.body_hash == body_hash,
                    idempotency_keys.c.status_code.is_(None),
                    expired,
                )
                .values(lease_until=lease_until)
            )
            if taken.rowcount == 1:
                return None
            row = (await conn.execute(sa.select(idempotency_keys).where(idempotency_keys.c.scope == scope))).first()
        if row is None:  # released between our statements: try again from the top
            return await self.claim(scope, body_hash, lease_s)
        m = row._mapping
        lease = m["lease_until"]
        return StoredAnswer(
            m["body_hash"], m["status_code"], m["response"], m["media_type"], as_utc(lease) if lease else None
        )

    async def renew(self, scope: str, lease_s: float) -> bool:
        """Extend a running claim's lease; False when it is no longer running."""
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                idempotency_keys.update()
                .where(idempotency_keys.c.scope == scope, idempotency_keys.c.status_code.is_(None))
                .values(lease_until=utcnow() + dt.timedelta(seconds=lease_s))
            )
        return result.rowcount == 1

    async def complete(self, scope: str, status_code: int, response: str, media_type: str) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                idempotency_keys.update()
                .where(idempotency_keys.c.scope == scope)
                .values(status_code=status_code, response=response, media_type=media_type, lease_until=None)
            )

    async def prune(self, older_than_s: float) -> int:
        """Forget finished answers made more than ``older_than_s`` ago (a running claim is never pruned:
        its lease decides). The number forgotten."""
        cutoff = utcnow() - dt.timedelta(seconds=older_than_s)
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                idempotency_keys.delete().where(
                    idempotency_keys.c.created_at < cutoff, idempotency_keys.c.status_code.is_not(None)
                )
            )
        return int(result.rowcount or 0)

    async def release(self, scope: str) -> None:
        """Forget a claim whose request failed before answering, so a retry can run."""
        async with self._db.engine.begin() as conn:
            await conn.execute(
                idempotency_keys.delete().where(
                    idempotency_keys.c.scope == scope, idempotency_keys.c.status_code.is_(None)
                )
            )
