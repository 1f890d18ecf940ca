"""Infrastructure Pull Requests over HTTP: the caller's key is the author or the reviewer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from alma.api.auth import Applier, Planner, Reader, Reviewer, ServicesDep
from alma.api.inputs import Id, Text
from alma.api.runs import answer_run
from alma.contracts import IprOut, IprSummaryOut, QueuedRunOut, RunOut
from alma.errors import InvalidInputError

router = APIRouter(tags=["iprs"])


class IprRequest(BaseModel):
    blueprint: Text | None = Field(default=None, description="Blueprint text (YAML or JSON) to plan and review")
    plan_id: Text | None = Field(default=None, description="Or an existing plan")
    destroy: Text | None = Field(default=None, description="Or a stack to destroy")
    title: Text | None = None
    description: Text = ""
    reviewers: list[Text] = Field(default_factory=list)


class ReviewRequest(BaseModel):
    verdict: Literal["approve", "request_changes", "reject", "comment"]
    comment: Text = ""
    revision: int | None = Field(
        default=None, ge=1, description="The revision the reviewer saw: refused (409) if the IPR was revised since"
    )
    plan_hash: Text | None = Field(
        default=None, description="Or the hash of the plan the reviewer saw: refused (409) if it is no longer the IPR's"
    )


class CloseRequest(BaseModel):
    comment: Text = ""


NO_COMMENT = CloseRequest()  # the body may be left out: closing needs no comment


@router.post("/iprs", status_code=201)
async def create(body: IprRequest, services: ServicesDep, _caller: Planner) -> IprOut:
    if sum(x is not None for x in (body.blueprint, body.plan_id, body.destroy)) != 1:
        raise InvalidInputError("give exactly one of: blueprint, plan_id, destroy")
    if body.blueprint is not None:
        plan = (await services.plans.plan_blueprint(body.blueprint, "<request body>")).plan
    elif body.plan_id is not None:
        plan = await services.plans.get(body.plan_id)
    else:
        assert body.destroy is not None
        plan = await services.plans.plan_destroy(body.destroy)
    return IprOut.of(await services.iprs.create(plan, body.title, body.description, body.reviewers))


@router.get("/iprs")
async def find(
    services: ServicesDep,
    _caller: Reader,
    status: str | None = None,
    stack: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[IprSummaryOut]:
    found = await services.iprs.find(status, stack)
    return [IprSummaryOut.of(i) for i in found[offset : offset + limit]]


@router.get("/iprs/{ipr_id}")
async def show(ipr_id: Id, services: ServicesDep, _caller: Reader) -> IprOut:
    return IprOut.of(await services.iprs.show(ipr_id))


@router.post("/iprs/{ipr_id}/reviews")
async def review(ipr_id: Id, body: ReviewRequest, services: ServicesDep, _caller: Reviewer) -> IprOut:
    review = services.iprs.review
    return IprOut.of(await review(ipr_id, body.verdict, body.comment, revision=body.revision, plan_hash=body.plan_hash))


@router.post("/iprs/{ipr_id}/apply")
async def apply(ipr_id: Id, response: Response, services: ServicesDep, _caller: Applier) -> RunOut | QueuedRunOut:
    view = await services.iprs.show(ipr_id)
    return answer_run(await services.runs.apply(view.plan, ipr_id=ipr_id, queue=True), response)


@router.post("/iprs/{ipr_id}/close")
async def close(ipr_id: Id, services: ServicesDep, _caller: Planner, body: CloseRequest = NO_COMMENT) -> IprOut:
    return IprOut.of(await services.iprs.close(ipr_id, body.comment))


def singular_router() -> APIRouter:
    """Every route above again under ``/ipr`` (and ``/ipr/``): the same endpoints, not in the schema."""
    alias = APIRouter(tags=["iprs"])
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        for path in {route.path.replace("/iprs", "/ipr", 1), route.path.replace("/iprs", "/ipr", 1) + "/"}:
            alias.add_api_route(
                path,
                route.endpoint,
                methods=sorted(route.methods or ()),
                status_code=route.status_code,
                response_model=route.response_model,
                include_in_schema=False,
            )
    return alias
