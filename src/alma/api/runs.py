"""Running a plan for an API caller: in this process (``ALMA_QUEUE=inline``), answering when the run ends,
or as a job for ``alma worker`` (``ALMA_QUEUE=procrastinate``), answering 202 at once with the deployment
id whose events can then be followed on any replica."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from alma.bootstrap import Services
from alma.services.actor import actor


async def run_plan(
    services: Services,
    response: Response,
    plan_id: str,
    stack: str,
    *,
    ipr_id: int | None = None,
    deployment_id: str | None = None,
) -> dict[str, Any]:
    """Run (or, with ``deployment_id``, resume) a plan the caller may apply."""
    if services.jobs is not None:
        queued = await services.jobs.submit_apply(
            plan_id, stack, actor(services.settings), ipr_id=ipr_id, deployment_id=deployment_id
        )
        response.status_code = 202
        return queued.as_json()
    if deployment_id is not None:
        return (await services.workflow.resume(deployment_id)).as_json()
    return (await services.workflow.run(plan_id, ipr_id=ipr_id)).as_json()
