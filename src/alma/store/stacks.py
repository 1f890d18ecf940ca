"""Stacks, their state revision, the recorded state of their resources, and blueprint versions."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from alma.errors import StalePlanError
from alma.store.blueprint_saves import GroupedBlueprintSaves
from alma.store.database import Database, as_utc, utcnow
from alma.store.records import ResourceRecord, StackSummary
from alma.store.schema import blueprints, resources, stacks

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio.engine import AsyncConnection


def _resource(row: sa.Row[tuple[object, ...]]) -> ResourceRecord:
    m = row._mapping
    return ResourceRecord(
        m["stack"],
        m["name"],
        m["type"],
        m["provider"],
        m["specs"],
        m["dependencies"],
        m["status"],
        m["external_id"],
        m["revision"],
        as_utc(m["updated_at"]),
    )


class StackRepository:
    def __init__(self, db: Database, grouped: GroupedBlueprintSaves | None = None) -> None:
        self._db = db
        self._grouped = grouped or GroupedBlueprintSaves(db)  # the store's, shared with the plan path

    async def revision(self, stack: str) -> int:
        """The stack's state revision; 0 for a stack that never changed."""
        async with self._db.engine.connect() as conn:
            value = await conn.scalar(sa.select(stacks.c.revision).where(stacks.c.name == stack))
        return int(value or 0)

    async def advance(self, conn: AsyncConnection, stack: str, expected: int) -> int:
        """Move the revision from ``expected`` to the next one, atomically; raise if it moved already."""
        now = utcnow()
        if expected == 0:
            try:
                async with conn.begin_nested():
                    await conn.execute(stacks.insert().values(name=stack, revision=1, created_at=now, updated_at=now))
                return 1
            except IntegrityError:
                pass
        result = await conn.execute(
            stacks.update()
            .where(stacks.c.name == stack, stacks.c.revision == expected)
            .values(revision=expected + 1, updated_at=now)
        )
        if result.rowcount != 1:
            current = await conn.scalar(sa.select(stacks.c.revision).where(stacks.c.name == stack))
            raise StalePlanError(
                f"the plan was made against revision {expected} of stack '{stack}', which is now at "
                f"revision {current or 0}; make a new plan"
            )
        return expected + 1

    async def resources(self, stack: str | None = None) -> list[ResourceRecord]:
        query = sa.select(resources).order_by(resources.c.stack, resources.c.name)
        if stack is not None:
            query = query.where(resources.c.stack == stack)
        async with self._db.engine.connect() as conn:
            return [_resource(row) for row in await conn.execute(query)]

    async def resource(self, stack: str, name: str) -> ResourceRecord | None:
        query = sa.select(resources).where(resources.c.stack == stack, resources.c.name == name)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return _resource(row) if row else None

    async def summaries(self) -> list[StackSummary]:
        count = sa.select(sa.func.count()).where(resources.c.stack == stacks.c.name).scalar_subquery()
        query = sa.select(stacks.c.name, stacks.c.revision, count, stacks.c.updated_at).order_by(stacks.c.name)
        async with self._db.engine.connect() as conn:
            return [StackSummary(n, r, int(c), as_utc(u)) for n, r, c, u in await conn.execute(query)]

    async def exists(self, stack: str) -> bool:
        async with self._db.engine.connect() as conn:
            return await conn.scalar(sa.select(stacks.c.name).where(stacks.c.name == stack)) is not None

    async def save_blueprint(self, stack: str, content: str, actor: str) -> tuple[int, int]:
        """Store a blueprint text as the stack's next version (or find the identical one); (id, version)."""
        if self._db.is_sqlite:  # one writer at a time: concurrent saves share a commit (see blueprint_saves)
            return await self._grouped.save(stack, content, actor)
        digest = hashlib.sha256(content.encode()).hexdigest()
        for _attempt in range(5):  # a concurrent save can take the version number we picked
            async with self._db.engine.begin() as conn:
                if not self._db.is_sqlite:  # saves of one stack take turns (SQLite: the INSERT's write lock)
                    await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(stack)})
                found = (
                    await conn.execute(
                        sa.select(blueprints.c.id, blueprints.c.version).where(
                            blueprints.c.stack == stack, blueprints.c.content_hash == digest
                        )
                    )
                ).first()
                if found:
                    return int(found[0]), int(found[1])
                # The next version is read by the INSERT itself: on SQLite under the write lock, so concurrent
                # saves queue rather than collide (on PostgreSQL the advisory lock above serializes them).
                latest = sa.select(sa.func.coalesce(sa.func.max(blueprints.c.version), 0) + 1).where(
                    blueprints.c.stack == stack
                )
                try:
                    result = await conn.execute(
                        blueprints.insert()
                        .values(
                            stack=stack,
                            version=latest.scalar_subquery(),
                            content_hash=digest,
                            content=content,
                            created_at=utcnow(),
                            created_by=actor,
                        )
                        .returning(blueprints.c.id, blueprints.c.version)
                    )
                except IntegrityError:
                    continue
                blueprint_id, version = result.one()
                return int(blueprint_id), int(version)
        raise StalePlanError(f"could not store a new blueprint version of '{stack}': too many concurrent writers")

    async def blueprint_text(self, blueprint_id: int) -> str | None:
        async with self._db.engine.connect() as conn:
            value = await conn.scalar(sa.select(blueprints.c.content).where(blueprints.c.id == blueprint_id))
        return str(value) if value is not None else None

    async def blueprint_versions(
        self, stack: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]:
        query = (
            sa.select(
                blueprints.c.id,
                blueprints.c.stack,
                blueprints.c.version,
                blueprints.c.content_hash,
                blueprints.c.created_at,
                blueprints.c.created_by,
            )
            .order_by(blueprints.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if stack is not None:
            query = query.where(blueprints.c.stack == stack)
        async with self._db.engine.connect() as conn:
            return [
                {"id": i, "stack": s, "version": v, "hash": h, "created_at": as_utc(c).isoformat(), "created_by": b}
                for i, s, v, h, c, b in await conn.execute(query)
            ]


def _lock_key(stack: str) -> int:
    """A PostgreSQL advisory-lock key (signed 64 bits) for saving ``stack``'s blueprint versions."""
    return int.from_bytes(hashlib.sha256(f"alma.blueprints:{stack}".encode()).digest()[:8], "big", signed=True)
