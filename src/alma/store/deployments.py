"""Plans (persisted, hashed) and deployments (revision N of a stack: what was planned and what happened)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from alma.store.database import Database, as_utc, utcnow
from alma.store.records import DeploymentRecord, PlanRecord
from alma.store.schema import deployments, plans

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio.engine import AsyncConnection


def _plan(row: sa.Row[tuple[object, ...]]) -> PlanRecord:
    m = row._mapping
    return PlanRecord(
        m["id"],
        m["stack"],
        m["base_revision"],
        m["kind"],
        m["hash"],
        m["blueprint_id"],
        m["body"],
        as_utc(m["created_at"]),
        m["created_by"],
    )


def _deployment(row: sa.Row[tuple[object, ...]]) -> DeploymentRecord:
    m = row._mapping
    finished = m["finished_at"]
    return DeploymentRecord(
        m["id"],
        m["stack"],
        m["revision"],
        m["plan_id"],
        m["kind"],
        m["status"],
        m["actor"],
        as_utc(m["started_at"]),
        as_utc(finished) if finished else None,
        m["summary"],
        m["snapshot"],
        m["error"],
    )


class PlanRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, plan: PlanRecord) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                plans.insert().values(
                    id=plan.id,
                    stack=plan.stack,
                    base_revision=plan.base_revision,
                    kind=plan.kind,
                    hash=plan.hash,
                    blueprint_id=plan.blueprint_id,
                    body=plan.body,
                    created_at=plan.created_at,
                    created_by=plan.created_by,
                    environment=plan.body.get("environment"),
                )
            )

    async def get(self, plan_id: str) -> PlanRecord | None:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(sa.select(plans).where(plans.c.id == plan_id))).first()
        return _plan(row) if row else None

    async def latest_environment(self, stack: str) -> str | None:
        """The environment named by the stack's most recent blueprint plan (approval policy needs it)."""
        query = (
            sa.select(plans.c.environment)
            .where(plans.c.stack == stack, plans.c.kind == "apply")
            .order_by(plans.c.created_at.desc())
            .limit(1)
        )
        async with self._db.engine.connect() as conn:
            value = await conn.scalar(query)
        return str(value) if value is not None else None


class DeploymentRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def start(self, conn: AsyncConnection, record: DeploymentRecord) -> None:
        await conn.execute(
            deployments.insert().values(
                id=record.id,
                stack=record.stack,
                revision=record.revision,
                plan_id=record.plan_id,
                kind=record.kind,
                status=record.status,
                actor=record.actor,
                started_at=record.started_at,
                finished_at=None,
                summary=record.summary,
                snapshot=None,
                error=None,
            )
        )

    async def finish(
        self,
        deployment_id: str,
        status: str,
        summary: dict[str, Any],
        snapshot: list[dict[str, Any]],
        error: str | None,
    ) -> bool:
        """Close a running deployment; False when it was no longer running (abandoned meanwhile)."""
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                deployments.update()
                .where(deployments.c.id == deployment_id, deployments.c.status == "running")
                .values(status=status, summary=summary, snapshot=snapshot, error=error, finished_at=utcnow())
            )
        return result.rowcount == 1

    async def mark(
        self, deployment_id: str, status: str, error: str | None, only_from: tuple[str, ...] | None = None
    ) -> bool:
        """Set a deployment's status (compare-and-set when ``only_from`` names the statuses it may leave)."""
        query = deployments.update().where(deployments.c.id == deployment_id)
        if only_from is not None:
            query = query.where(deployments.c.status.in_(only_from))
        values: dict[str, Any] = {"status": status, "error": error}
        if status == "abandoned":
            values["finished_at"] = utcnow()
        async with self._db.engine.begin() as conn:
            result = await conn.execute(query.values(**values))
        return result.rowcount == 1

    async def for_plan(self, plan_id: str) -> list[DeploymentRecord]:
        """Deployments that ran ``plan_id`` (a plan runs at most once; a rejected attempt leaves none)."""
        query = sa.select(deployments).where(deployments.c.plan_id == plan_id).order_by(deployments.c.revision)
        async with self._db.engine.connect() as conn:
            return [_deployment(row) for row in await conn.execute(query)]

    async def running(self, stack: str) -> list[DeploymentRecord]:
        query = sa.select(deployments).where(deployments.c.stack == stack, deployments.c.status == "running")
        async with self._db.engine.connect() as conn:
            return [_deployment(row) for row in await conn.execute(query)]

    async def count_by_status(self) -> dict[str, int]:
        query = sa.select(deployments.c.status, sa.func.count()).group_by(deployments.c.status)
        async with self._db.engine.connect() as conn:
            return {str(status): int(count) for status, count in await conn.execute(query)}

    async def history(self, stack: str) -> list[DeploymentRecord]:
        query = sa.select(deployments).where(deployments.c.stack == stack).order_by(deployments.c.revision)
        async with self._db.engine.connect() as conn:
            return [_deployment(row) for row in await conn.execute(query)]

    async def at_revision(self, stack: str, revision: int) -> DeploymentRecord | None:
        query = sa.select(deployments).where(deployments.c.stack == stack, deployments.c.revision == revision)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return _deployment(row) if row else None

    async def get(self, deployment_id: str) -> DeploymentRecord | None:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(sa.select(deployments).where(deployments.c.id == deployment_id))).first()
        return _deployment(row) if row else None
