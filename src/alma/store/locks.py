"""Stack locks: one holder per stack for every mutation, with an expiry so a dead holder cannot
block a stack forever. Acquire is a single INSERT, or an UPDATE that only matches an expired lock,
so two processes cannot both win."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from alma.errors import StackLockedError
from alma.store.database import Database, as_utc, utcnow
from alma.store.records import LockRecord
from alma.store.schema import locks


def _record(row: sa.Row[tuple[object, ...]]) -> LockRecord:
    m = row._mapping
    return LockRecord(
        m["stack"], m["holder"], m["reason"], m["token"], as_utc(m["acquired_at"]), as_utc(m["expires_at"])
    )


class LockRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def acquire(self, stack: str, holder: str, reason: str, ttl_s: float) -> str:
        """Take the lock and return its token, or raise ``StackLockedError`` naming the holder."""
        token = uuid.uuid4().hex
        now = utcnow()
        row = {
            "stack": stack,
            "holder": holder,
            "reason": reason,
            "token": token,
            "acquired_at": now,
            "expires_at": now + dt.timedelta(seconds=ttl_s),
        }
        try:
            async with self._db.engine.begin() as conn:
                await conn.execute(locks.insert(), row)
            return token
        except IntegrityError:
            pass
        async with self._db.engine.begin() as conn:
            taken = await conn.execute(
                locks.update().where(locks.c.stack == stack, locks.c.expires_at < now).values(**row)
            )
            if taken.rowcount == 1:
                return token
            current = (await conn.execute(sa.select(locks).where(locks.c.stack == stack))).first()
        if current is None:  # released between our two statements: try once more from the top
            return await self.acquire(stack, holder, reason, ttl_s)
        held = _record(current)
        raise StackLockedError(stack, held.holder, held.reason, _short(held.acquired_at), _short(held.expires_at))

    async def take_over(self, stack: str, dead_holder: str, holder: str, reason: str, ttl_s: float) -> str:
        """Take the lock from ``dead_holder`` (known to be gone) in one statement: if anyone else took it
        meanwhile, this raises ``StackLockedError`` naming them instead of removing their lock."""
        token = uuid.uuid4().hex
        now = utcnow()
        async with self._db.engine.begin() as conn:
            taken = await conn.execute(
                locks.update()
                .where(locks.c.stack == stack, locks.c.holder == dead_holder)
                .values(
                    holder=holder,
                    reason=reason,
                    token=token,
                    acquired_at=now,
                    expires_at=now + dt.timedelta(seconds=ttl_s),
                )
            )
        if taken.rowcount == 1:
            return token
        return await self.acquire(stack, holder, reason, ttl_s)

    async def holds(self, stack: str, token: str) -> bool:
        """Whether the lock is still the one ``token`` names (a forced unlock or a take-over ends it)."""
        query = sa.select(locks.c.token).where(locks.c.stack == stack)
        async with self._db.engine.connect() as conn:
            current = await conn.scalar(query)
        return current == token

    async def renew(self, stack: str, token: str, ttl_s: float) -> bool:
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                locks.update()
                .where(locks.c.stack == stack, locks.c.token == token)
                .values(expires_at=utcnow() + dt.timedelta(seconds=ttl_s))
            )
        return result.rowcount == 1

    async def release(self, stack: str, token: str) -> bool:
        """Release the lock if it is still ours; False when it was no longer ours to release."""
        async with self._db.engine.begin() as conn:
            result = await conn.execute(locks.delete().where(locks.c.stack == stack, locks.c.token == token))
        return result.rowcount == 1

    async def force_release(self, stack: str, token: str | None = None) -> LockRecord | None:
        """Remove the stack's lock (only the one ``token`` names, when given); returns what was removed."""
        async with self._db.engine.begin() as conn:
            row = (await conn.execute(sa.select(locks).where(locks.c.stack == stack))).first()
            if row is None or (token is not None and row._mapping["token"] != token):
                return None
            await conn.execute(locks.delete().where(locks.c.stack == stack, locks.c.token == row._mapping["token"]))
        return _record(row)

    async def get(self, stack: str) -> LockRecord | None:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(sa.select(locks).where(locks.c.stack == stack))).first()
        return _record(row) if row else None


def _short(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
