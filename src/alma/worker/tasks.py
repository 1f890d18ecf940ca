"""The jobs a worker runs, registered on the procrastinate app with the worker's services.

``alma.apply_plan`` may run more than once for one deployment — retried after a transient failure, or
taken over from a worker that died mid-apply — so it starts the run or continues it from its checkpoint;
the deployment resumes without doing anything twice (see ``DeploymentService.resume``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from procrastinate import RetryStrategy

from alma.errors import AlmaError, ConfigurationError, UpstreamError
from alma.jobs import APPLY_TASK, DRIFT_TASK
from alma.jobs.queue import QUEUE
from alma.services.actor import acting_as

if TYPE_CHECKING:
    import procrastinate

    from alma.bootstrap import Services

log = logging.getLogger("alma.worker")


def register(app: procrastinate.App, services: Services) -> None:
    settings = services.settings
    # Retried: what may go away by itself (the database or a server unreachable for a moment). Not retried:
    # a refusal or a bad plan, which would be refused again; the deployment's record says why.
    retry = RetryStrategy(
        max_attempts=settings.worker_job_attempts - 1,
        exponential_wait=2,
        retry_exceptions={ConfigurationError, UpstreamError, OSError},
    )

    @app.task(name=APPLY_TASK, queue=QUEUE, retry=retry)
    async def apply_plan(
        plan_id: str, deployment_id: str, actor: str, ipr_id: int | None = None, stack: str | None = None
    ) -> dict[str, object]:
        with acting_as(actor):
            result = await services.runs.run_queued(plan_id, deployment_id, ipr_id)
        log.info("deployment %s of stack %s: %s", deployment_id, stack, result.outcome)
        return {"deployment_id": deployment_id, "outcome": result.outcome, "error": result.error}

    if settings.drift_check_cron:

        @app.periodic(cron=settings.drift_check_cron, periodic_id="drift")
        @app.task(name=DRIFT_TASK, queue=QUEUE, lock="drift-check")
        async def drift_check(timestamp: int) -> dict[str, object]:
            """Every stack re-read through its engines (``DriftService``); drift is recorded as
            ``drift.detected`` events."""
            found: dict[str, object] = {}
            with acting_as("alma-worker"):
                for stack in await services.stacks.stacks():
                    if stack.resources == 0:
                        continue
                    held = await services.stacks.lock(stack.name)
                    if held is not None and held.expires_at > dt.datetime.now(dt.UTC):
                        # Mid-apply the engines are ahead of the record: that is not drift. Next time.
                        found[stack.name] = "skipped: locked by a change in progress"
                        continue
                    try:
                        report = await services.drift.report(stack.name)
                    except AlmaError as exc:  # one stack's trouble does not stop the others' checks
                        log.warning("drift check of %s failed: %s", stack.name, exc)
                        found[stack.name] = f"check failed: {exc}"
                        continue
                    if report.drifted:
                        await services.drift.record(report)
                        found[stack.name] = [r.model_dump(mode="json") for r in report.differences()]
            return {"timestamp": timestamp, "drifted": found}
