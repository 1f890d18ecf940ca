"""API keys: name, role and a hash of the key; the key itself is shown once and never stored."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from alma.errors import ConflictError
from alma.store.database import Database, as_utc, utcnow
from alma.store.records import KeyRecord
from alma.store.schema import api_keys


def _key(row: sa.Row[tuple[object, ...]]) -> KeyRecord:
    m = row._mapping
    revoked = m["revoked_at"]
    return KeyRecord(
        m["id"], m["name"], m["role"], m["created_by"], as_utc(m["created_at"]), as_utc(revoked) if revoked else None
    )


class KeyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, name: str, role: str, digest: str, created_by: str) -> KeyRecord:
        try:
            async with self._db.engine.begin() as conn:
                await conn.execute(
                    api_keys.insert().values(
                        name=name,
                        role=role,
                        digest=digest,
                        created_by=created_by,
                        created_at=utcnow(),
                        revoked_at=None,
                    )
                )
        except IntegrityError as exc:
            raise ConflictError(f"an API key named '{name}' exists already; revoke it or choose another name") from exc
        found = await self.by_name(name)
        assert found is not None
        return found

    async def by_digest(self, digest: str) -> KeyRecord | None:
        query = sa.select(api_keys).where(api_keys.c.digest == digest, api_keys.c.revoked_at.is_(None))
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return _key(row) if row else None

    async def by_name(self, name: str) -> KeyRecord | None:
        """The live key of that name, else its newest revoked one (a name is reused after a revocation)."""
        query = (
            sa.select(api_keys)
            .where(api_keys.c.name == name)
            .order_by(api_keys.c.revoked_at.is_(None).desc(), api_keys.c.id.desc())
        )
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return _key(row) if row else None

    async def revoke(self, name: str) -> bool:
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                api_keys.update()
                .where(api_keys.c.name == name, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        return result.rowcount == 1

    async def all(self) -> list[KeyRecord]:
        async with self._db.engine.connect() as conn:
            return [_key(row) for row in await conn.execute(sa.select(api_keys).order_by(api_keys.c.id))]
