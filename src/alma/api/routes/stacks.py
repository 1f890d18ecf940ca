"""Stacks: list, state, history; rollback and destroy make plans (never apply blindly); unlock."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from alma.api.auth import Admin, Planner, Reader, ServicesDep
from alma.api.inputs import MAX_ID
from alma.services.approvals import approval_reasons
from alma.services.views import deployment_json, resource_json

router = APIRouter(tags=["stacks"])
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


class RollbackRequest(BaseModel):
    to: int | None = Field(default=None, ge=0, le=MAX_ID, description="Revision to restore; default the last good one")


class OperationRequest(BaseModel):
    replicas: int | None = Field(default=None, ge=0, le=1000, description="For scale: how many replicas")


@router.get("/stacks")
async def stacks(services: ServicesDep, _caller: Reader, limit: Limit = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    found = await services.stacks.stacks()
    return [
        {"name": s.name, "revision": s.revision, "resources": s.resources, "updated_at": s.updated_at.isoformat()}
        for s in found[offset : offset + limit]
    ]


@router.get("/stacks/{stack}/state")
async def state(
    stack: str, services: ServicesDep, _caller: Reader, limit: Limit = 500, offset: Offset = 0
) -> list[dict[str, Any]]:
    return [resource_json(r) for r in (await services.stacks.resources(stack))[offset : offset + limit]]


@router.get("/stacks/{stack}/history")
async def history(
    stack: str, services: ServicesDep, _caller: Reader, limit: Limit = 50, offset: Offset = 0
) -> list[dict[str, Any]]:
    found = await services.stacks.history(stack)
    return [deployment_json(d) for d in found[offset : offset + limit]]


@router.post("/stacks/{stack}/rollback", status_code=201)
async def rollback(stack: str, body: RollbackRequest, services: ServicesDep, _caller: Planner) -> dict[str, Any]:
    plan = await services.plans.plan_rollback(stack, body.to)
    return {**plan.as_json(), "approval_reasons": approval_reasons(plan, services.settings)}


@router.post("/stacks/{stack}/resources/{resource}/{operation}", status_code=201)
async def operate(
    stack: str,
    resource: str,
    operation: Literal["start", "stop", "restart", "scale", "remove"],
    body: OperationRequest,
    services: ServicesDep,
    _caller: Planner,
) -> dict[str, Any]:
    """Plan an operation on one resource from the recorded state (nothing runs: apply the plan, or open an
    IPR when the policy asks). A restart of a running resource is a stop now; ``then`` says what follows."""
    planned = await services.operations.plan(stack, resource, operation, replicas=body.replicas)
    plan = planned.plan
    return {**plan.as_json(), "approval_reasons": approval_reasons(plan, services.settings), "then": planned.then}


@router.post("/stacks/{stack}/destroy", status_code=201)
async def destroy(stack: str, services: ServicesDep, _caller: Planner) -> dict[str, Any]:
    plan = await services.plans.plan_destroy(stack)
    return {**plan.as_json(), "approval_reasons": approval_reasons(plan, services.settings)}


@router.post("/stacks/{stack}/unlock")
async def unlock(stack: str, services: ServicesDep, _caller: Admin, force: bool = False) -> dict[str, Any]:
    """Remove the lock of a holder that died; 409 while the holder is alive, unless ``force=true``."""
    released = await services.stacks.force_unlock(stack, force=force)
    return {
        "stack": stack,
        "released": None if released is None else {"holder": released.holder, "reason": released.reason},
    }
