"""Drift over HTTP: the recorded state compared with the engines, resource by resource (``DriftService``).

Reading drift reads the engines and changes nothing; a report that found drift is still a 200: drift is
an answer, not an error. The response is the service's own typed report, so OpenAPI publishes its schema.
"""

from __future__ import annotations

from fastapi import APIRouter

from alma.api.auth import Reader, ServicesDep
from alma.services.drift import DriftReport

router = APIRouter(tags=["stacks"])


@router.get("/stacks/{stack}/drift")
async def stack_drift(stack: str, services: ServicesDep, _caller: Reader) -> DriftReport:
    """What the engines have that the stack's recorded state does not say: changed fields, missing
    resources, and resources carrying ALMA's marker for the stack that nobody recorded."""
    return await services.drift.report(stack)


@router.get("/drift")
async def every_stack_drift(services: ServicesDep, _caller: Reader) -> list[DriftReport]:
    """A drift report for every stack that has resources recorded."""
    return await services.drift.reports()
