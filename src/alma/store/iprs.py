"""Infrastructure Pull Requests: the request, its revisions (one plan each) and its reviews.

Status changes are compare-and-set (``UPDATE … WHERE status IN (…)``) so two reviewers, or a review
and an apply, cannot both win a race. So is the IPR's run (``run_id``): two applies at the same instant
cannot both start one.
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from alma.errors import ConflictError, NotFoundError
from alma.store.database import Database, as_utc, utcnow
from alma.store.records import IprRecord, IprRevisionRecord, ReviewRecord, RunClaim
from alma.store.schema import ipr_reviews, ipr_revisions, iprs


def _ipr(row: sa.Row[tuple[object, ...]]) -> IprRecord:
    m = row._mapping
    return IprRecord(
        m["id"],
        m["stack"],
        m["title"],
        m["description"],
        m["author"],
        m["status"],
        m["revision"],
        list(m["reviewers"]),
        m["deployment_id"],
        as_utc(m["created_at"]),
        as_utc(m["updated_at"]),
    )


class IprRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        stack: str,
        title: str,
        description: str,
        author: str,
        reviewers: list[str],
        plan_id: str,
        plan_hash: str,
        base_revision: int,
    ) -> int:
        now = utcnow()
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                iprs.insert().values(
                    stack=stack,
                    title=title,
                    description=description,
                    author=author,
                    status="open",
                    revision=1,
                    reviewers=reviewers,
                    deployment_id=None,
                    created_at=now,
                    updated_at=now,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            ipr_id = int(key[0])
            await conn.execute(
                ipr_revisions.insert().values(
                    ipr_id=ipr_id,
                    revision=1,
                    plan_id=plan_id,
                    plan_hash=plan_hash,
                    base_revision=base_revision,
                    created_by=author,
                    created_at=now,
                )
            )
        return ipr_id

    async def get(self, ipr_id: int) -> IprRecord | None:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(sa.select(iprs).where(iprs.c.id == ipr_id))).first()
        return _ipr(row) if row else None

    async def find(self, status: str | None = None, stack: str | None = None, limit: int = 200) -> list[IprRecord]:
        query = sa.select(iprs).order_by(iprs.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(iprs.c.status == status)
        if stack is not None:
            query = query.where(iprs.c.stack == stack)
        async with self._db.engine.connect() as conn:
            return [_ipr(row) for row in await conn.execute(query)]

    async def revision(self, ipr_id: int, revision: int) -> IprRevisionRecord | None:
        query = sa.select(ipr_revisions).where(ipr_revisions.c.ipr_id == ipr_id, ipr_revisions.c.revision == revision)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        m = row._mapping
        return IprRevisionRecord(
            m["ipr_id"],
            m["revision"],
            m["plan_id"],
            m["plan_hash"],
            m["base_revision"],
            m["created_by"],
            as_utc(m["created_at"]),
        )

    async def add_revision(
        self,
        ipr_id: int,
        expected_revision: int,
        plan_id: str,
        plan_hash: str,
        base_revision: int,
        author: str,
        allowed_from: Collection[str],
    ) -> bool:
        """A new plan for the request: status back to open, earlier approvals no longer count."""
        now = utcnow()
        async with self._db.engine.begin() as conn:
            moved = await conn.execute(
                iprs.update()
                .where(iprs.c.id == ipr_id, iprs.c.revision == expected_revision, iprs.c.status.in_(allowed_from))
                # A run made for the old plan no longer holds the request: the new plan gets its own.
                .values(revision=expected_revision + 1, status="open", updated_at=now, run_id=None, run_claimed_at=None)
            )
            if moved.rowcount != 1:
                return False
            await conn.execute(
                ipr_revisions.insert().values(
                    ipr_id=ipr_id,
                    revision=expected_revision + 1,
                    plan_id=plan_id,
                    plan_hash=plan_hash,
                    base_revision=base_revision,
                    created_by=author,
                    created_at=now,
                )
            )
        return True

    async def set_status(
        self,
        ipr_id: int,
        status: str,
        allowed_from: Collection[str],
        deployment_id: str | None = None,
        *,
        at_revision: int | None = None,
    ) -> bool:
        """Move the IPR to ``status`` when it is in one of ``allowed_from`` (and, given ``at_revision``, still
        at that revision: an approval counted for revision 1 must not approve revision 2)."""
        values: dict[str, object] = {"status": status, "updated_at": utcnow()}
        if deployment_id is not None:
            values["deployment_id"] = deployment_id
        where = [iprs.c.id == ipr_id, iprs.c.status.in_(allowed_from)]
        if at_revision is not None:
            where.append(iprs.c.revision == at_revision)
        async with self._db.engine.begin() as conn:
            result = await conn.execute(iprs.update().where(*where).values(**values))
        return result.rowcount == 1

    async def claim_run(self, ipr_id: int, run_id: str, *, over: str | None = None) -> RunClaim | None:
        """Make ``run_id`` the IPR's one run: when it has none, has this one already, or has ``over`` (a run the
        caller found ended). None when it is ``run_id``'s now; else the claim that holds it. One conditional
        UPDATE, so of two callers at the same instant exactly one wins (PostgreSQL re-reads the row the
        other one changed; SQLite runs one writer at a time)."""
        held = sa.or_(iprs.c.run_id.is_(None), iprs.c.run_id == run_id)
        if over is not None:
            held = sa.or_(held, iprs.c.run_id == over)
        for _ in range(3):  # released between the two statements: look again
            async with self._db.engine.begin() as conn:
                claimed = await conn.execute(
                    iprs.update().where(iprs.c.id == ipr_id, held).values(run_id=run_id, run_claimed_at=utcnow())
                )
                if claimed.rowcount == 1:
                    return None
                query = sa.select(iprs.c.run_id, iprs.c.run_claimed_at).where(iprs.c.id == ipr_id)
                row = (await conn.execute(query)).first()
            if row is None:
                raise NotFoundError(f"no IPR #{ipr_id}; `alma ipr list` shows them")
            if row.run_id is not None:
                return RunClaim(row.run_id, as_utc(row.run_claimed_at or utcnow()))
        raise ConflictError(f"IPR #{ipr_id}'s run kept changing while it was claimed; look again with `alma ipr show`")

    async def release_run(self, ipr_id: int, run_id: str) -> None:
        """``run_id`` ended: the IPR has no run (unless another run holds it by now)."""
        async with self._db.engine.begin() as conn:
            await conn.execute(
                iprs.update()
                .where(iprs.c.id == ipr_id, iprs.c.run_id == run_id)
                .values(run_id=None, run_claimed_at=None)
            )

    async def add_review(self, ipr_id: int, revision: int, reviewer: str, verdict: str, comment: str) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                ipr_reviews.insert().values(
                    ipr_id=ipr_id, revision=revision, reviewer=reviewer, verdict=verdict, comment=comment, at=utcnow()
                )
            )

    async def reviews(self, ipr_id: int) -> list[ReviewRecord]:
        query = sa.select(ipr_reviews).where(ipr_reviews.c.ipr_id == ipr_id).order_by(ipr_reviews.c.id)
        async with self._db.engine.connect() as conn:
            return [
                ReviewRecord(
                    m["id"], m["ipr_id"], m["revision"], m["reviewer"], m["verdict"], m["comment"], as_utc(m["at"])
                )
                for m in (row._mapping for row in await conn.execute(query))
            ]

    async def approving_plan(self, plan_id: str) -> IprRecord | None:
        """The IPR whose current revision is ``plan_id`` and which is being applied, if any."""
        query = (
            sa.select(iprs)
            .join(ipr_revisions, (ipr_revisions.c.ipr_id == iprs.c.id) & (ipr_revisions.c.revision == iprs.c.revision))
            .where(ipr_revisions.c.plan_id == plan_id, iprs.c.status == "applying")
        )
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return _ipr(row) if row else None
