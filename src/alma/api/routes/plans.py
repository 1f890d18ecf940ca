"""Plans: make one from a blueprint body, read it, render it, apply it (through the workflow)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse

from alma.api.auth import Applier, Planner, Reader, ServicesDep
from alma.api.bodies import BLUEPRINT_BODY, text_body
from alma.api.runs import answer_run
from alma.contracts import PlanProposalOut, QueuedRunOut, RunOut
from alma.planning import render_plan
from alma.services.approvals import approval_reasons

router = APIRouter(tags=["plans"])


@router.post("/plans", status_code=201, openapi_extra=BLUEPRINT_BODY)
async def create(request: Request, services: ServicesDep, _caller: Planner) -> PlanProposalOut:
    result = await services.plans.plan_blueprint(await text_body(request), "<request body>")
    return PlanProposalOut.proposed(result.plan, approval_reasons(result.plan, services.settings), result.warnings)


@router.get("/plans/{plan_id}")
async def show(plan_id: str, services: ServicesDep, _caller: Reader) -> PlanProposalOut:
    plan = await services.plans.get(plan_id)
    return PlanProposalOut.proposed(plan, approval_reasons(plan, services.settings))


@router.get("/plans/{plan_id}/render", response_class=PlainTextResponse)
async def render(plan_id: str, services: ServicesDep, _caller: Reader) -> str:
    return render_plan(await services.plans.get(plan_id))


@router.post("/plans/{plan_id}/apply")
async def apply(plan_id: str, response: Response, services: ServicesDep, _caller: Applier) -> RunOut | QueuedRunOut:
    """Plans the approval policy gates are refused here (403): they go through an IPR. 202 with the
    deployment id when the run is queued for a worker."""
    return answer_run(await services.runs.apply(plan_id, queue=True), response)
