"""The submitting side of the job queue: procrastinate on ALMA's own PostgreSQL database.

An apply becomes one job named ``alma.apply_plan`` whose procrastinate *lock* is the stack: two jobs on
one stack never run at once, whichever workers hold them. The deployment id is chosen here, before the
job runs, so a caller can follow the deployment's events (on any replica) from the moment it is queued,
and a job that is run again (a retry, or a stalled job taken over) continues that same deployment.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from alma.errors import ConfigurationError
from alma.settings import Settings

if TYPE_CHECKING:
    import procrastinate

APPLY_TASK = "alma.apply_plan"
DRIFT_TASK = "alma.drift_check"
QUEUE = "deployments"
# Taken while the queue's tables are created, so replicas starting together do it once.
_SCHEMA_LOCK = 0x616C6D61_6A6F6273  # "almajobs"
JOB_STATUSES = ("todo", "doing", "succeeded", "failed", "cancelled", "aborted")


def queue_url(settings: Settings) -> str:
    """The PostgreSQL the queue lives in (settings refuse ``ALMA_QUEUE=procrastinate`` without one)."""
    url = settings.postgres_url
    if url is None:
        raise ConfigurationError(
            "the job queue needs ALMA_DATABASE_URL on PostgreSQL (the queue lives in it); "
            "use ALMA_QUEUE=inline with the embedded SQLite database"
        )
    return url


def procrastinate_app(settings: Settings) -> procrastinate.App:
    """The procrastinate app over ALMA's PostgreSQL."""
    import procrastinate

    connector = procrastinate.PsycopgConnector(conninfo=queue_url(settings), min_size=1, max_size=4)
    return procrastinate.App(connector=connector)


@dataclass(frozen=True, slots=True)
class QueuedRun:
    job_id: int
    deployment_id: str
    stack: str

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "queued",
            "job_id": self.job_id,
            "deployment_id": self.deployment_id,
            "run_id": self.deployment_id,
            "stack": self.stack,
        }


class JobQueue:
    def __init__(self, settings: Settings, app: procrastinate.App | None = None) -> None:
        self._settings = settings
        self._app = app or procrastinate_app(settings)
        self._opened = False

    @property
    def app(self) -> procrastinate.App:
        return self._app

    async def open(self) -> None:
        if not self._opened:
            await ensure_schema(queue_url(self._settings))
            await self._app.open_async()
            self._opened = True

    async def submit_apply(
        self, plan_id: str, stack: str, actor: str, *, ipr_id: int | None = None, deployment_id: str | None = None
    ) -> QueuedRun:
        """Queue the run of a stored plan (or, with ``deployment_id``, the resumption of that run)."""
        await self.open()
        deployment_id = deployment_id or uuid.uuid4().hex
        deferrer = self._app.configure_task(APPLY_TASK, lock=f"stack:{stack}", queue=QUEUE)
        job_id = await deferrer.defer_async(
            plan_id=plan_id, deployment_id=deployment_id, actor=actor, ipr_id=ipr_id, stack=stack
        )
        return QueuedRun(job_id, deployment_id, stack)

    async def job_status(self, deployment_id: str) -> str | None:
        """The latest job's status for a deployment id (``todo``, ``doing``, ...), or None if none."""
        await self.open()
        row = await self._app.connector.execute_query_one_async(
            "SELECT status FROM procrastinate_jobs WHERE task_name = %(task)s "
            "AND args->>'deployment_id' = %(deployment)s ORDER BY id DESC LIMIT 1",
            task=APPLY_TASK,
            deployment=deployment_id,
        )
        return str(row["status"]) if row else None

    async def depth(self) -> dict[str, int]:
        """Jobs by status (``todo`` is the queue's depth): what /metrics reports."""
        await self.open()
        rows = await self._app.connector.execute_query_all_async(
            "SELECT status::text AS status, count(*) AS n FROM procrastinate_jobs GROUP BY status"
        )
        counts = dict.fromkeys(JOB_STATUSES, 0)
        counts.update({str(r["status"]): int(r["n"]) for r in rows})
        return counts

    async def aclose(self) -> None:
        if self._opened:
            await self._app.close_async()
            self._opened = False


async def ensure_schema(url: str) -> None:
    """Create procrastinate's tables in ALMA's database (at ``url``) once, under an advisory lock."""
    import procrastinate
    import psycopg
    from procrastinate.schema import SchemaManager

    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
        try:
            found = await (await conn.execute("SELECT to_regclass('procrastinate_jobs')")).fetchone()
            if found is None or found[0] is None:
                schema = SchemaManager(procrastinate.PsycopgConnector()).get_schema()
                await conn.execute(schema.encode())
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))
