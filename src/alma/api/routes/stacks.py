"""Stacks: list, state, history; rollback and destroy make plans (never apply blindly); unlock."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from alma.api.auth import Admin, Planner, Reader, ServicesDep
from alma.api.inputs import MAX_ID
from alma.contracts import DeploymentOut, LockOut, PlanProposalOut, ResourceOut, StackOut
from alma.contracts.api import UnlockOut
from alma.errors import RolledBackAlreadyError
from alma.services.approvals import approval_reasons

router = APIRouter(tags=["stacks"])
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


class RollbackRequest(BaseModel):
    to: int | None = Field(default=None, ge=0, le=MAX_ID, description="Revision to restore; default the last good one")


class OperationRequest(BaseModel):
    replicas: int | None = Field(default=None, ge=0, le=1000, description="For scale: how many replicas")


# Bodies whose every field has a default may be left out (`curl -X POST .../rollback`): it was a 422
# "body: Field required" for a request that needs nothing.
NO_ROLLBACK_FIELDS = RollbackRequest()
NO_OPERATION_FIELDS = OperationRequest()


@router.get("/stacks")
async def stacks(services: ServicesDep, _caller: Reader, limit: Limit = 50, offset: Offset = 0) -> list[StackOut]:
    found = await services.stacks.stacks()
    return [StackOut.of(s) for s in found[offset : offset + limit]]


@router.get("/stacks/{stack}/state")
async def state(
    stack: str, services: ServicesDep, _caller: Reader, limit: Limit = 500, offset: Offset = 0
) -> list[ResourceOut]:
    return [ResourceOut.of(r) for r in (await services.stacks.resources(stack))[offset : offset + limit]]


@router.get("/stacks/{stack}/history")
async def history(
    stack: str, services: ServicesDep, _caller: Reader, limit: Limit = 50, offset: Offset = 0
) -> list[DeploymentOut]:
    found = await services.stacks.history(stack)
    return [DeploymentOut.of(d) for d in found[offset : offset + limit]]


@router.post("/stacks/{stack}/rollback", status_code=201)
async def rollback(
    stack: str, services: ServicesDep, _caller: Planner, body: RollbackRequest = NO_ROLLBACK_FIELDS
) -> PlanProposalOut:
    """A plan back to ``to`` (default: the last revision that succeeded); the body may be left out."""
    try:
        plan = await services.plans.plan_rollback(stack, body.to)
    except RolledBackAlreadyError as refused:  # said in this API's terms: the body's "to", not the CLI's --to
        raise refused.said(
            '"to"',
            f'name the revision in the body (e.g. {{"to": {refused.undone}}} restores revision {refused.undone} on '
            f"purpose; GET /api/v1/stacks/{stack}/history lists them)",
        ) from refused
    return PlanProposalOut.proposed(plan, approval_reasons(plan, services.settings))


@router.post("/stacks/{stack}/resources/{resource}/{operation}", status_code=201)
async def operate(
    stack: str,
    resource: str,
    operation: Literal["start", "stop", "restart", "scale", "remove"],
    services: ServicesDep,
    _caller: Planner,
    body: OperationRequest = NO_OPERATION_FIELDS,
) -> PlanProposalOut:
    """Plan an operation on one resource from the recorded state (nothing runs: apply the plan, or open an
    IPR when the policy asks). A restart of a running resource is a stop now; ``then`` says what follows."""
    planned = await services.operations.plan(stack, resource, operation, replicas=body.replicas)
    plan = planned.plan
    return PlanProposalOut.proposed(plan, approval_reasons(plan, services.settings), then=planned.then)


@router.post("/stacks/{stack}/destroy", status_code=201)
async def destroy(stack: str, services: ServicesDep, _caller: Planner) -> PlanProposalOut:
    plan = await services.plans.plan_destroy(stack)
    return PlanProposalOut.proposed(plan, approval_reasons(plan, services.settings))


@router.post("/stacks/{stack}/unlock")
async def unlock(stack: str, services: ServicesDep, _caller: Admin, force: bool = False) -> UnlockOut:
    """Remove the lock of a holder that died; 409 while the holder is alive, unless ``force=true``."""
    released = await services.stacks.force_unlock(stack, force=force)
    return UnlockOut(stack=stack, released=LockOut.of(released) if released is not None else None)
