"""Plans: make one from a blueprint body, read it, render it, apply it (through the workflow)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse

from alma.api.auth import Applier, Planner, Reader, ServicesDep
from alma.api.bodies import BLUEPRINT_BODY, text_body
from alma.api.runs import answer_run
from alma.planning import render_plan
from alma.services.approvals import approval_reasons

router = APIRouter(tags=["plans"])


@router.post("/plans", status_code=201, openapi_extra=BLUEPRINT_BODY)
async def create(request: Request, services: ServicesDep, _caller: Planner) -> dict[str, Any]:
    result = await services.plans.plan_blueprint(await text_body(request), "<request body>")
    return {
        **result.plan.as_json(),
        "approval_reasons": approval_reasons(result.plan, services.settings),
        "warnings": [w.as_json() for w in result.warnings],
    }


@router.get("/plans/{plan_id}")
async def show(plan_id: str, services: ServicesDep, _caller: Reader) -> dict[str, Any]:
    plan = await services.plans.get(plan_id)
    return {**plan.as_json(), "approval_reasons": approval_reasons(plan, services.settings)}


@router.get("/plans/{plan_id}/render", response_class=PlainTextResponse)
async def render(plan_id: str, services: ServicesDep, _caller: Reader) -> str:
    return render_plan(await services.plans.get(plan_id))


@router.post("/plans/{plan_id}/apply")
async def apply(plan_id: str, response: Response, services: ServicesDep, _caller: Applier) -> dict[str, Any]:
    """Plans the approval policy gates are refused here (403): they go through an IPR. 202 with the
    deployment id when the run is queued for a worker."""
    return answer_run(await services.runs.apply(plan_id, queue=True), response)
