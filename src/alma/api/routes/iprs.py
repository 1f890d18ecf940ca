"""Infrastructure Pull Requests over HTTP: the caller's key is the author or the reviewer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from alma.api.auth import Applier, Planner, Reader, Reviewer, ServicesDep
from alma.api.inputs import Id, Text
from alma.api.runs import answer_run
from alma.errors import InvalidInputError
from alma.services.views import ipr_json

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


class CloseRequest(BaseModel):
    comment: Text = ""


@router.post("/iprs", status_code=201)
async def create(body: IprRequest, services: ServicesDep, _caller: Planner) -> dict[str, Any]:
    if sum(x is not None for x in (body.blueprint, body.plan_id, body.destroy)) != 1:
        raise InvalidInputError("give exactly one of: blueprint, plan_id, destroy")
    if body.blueprint is not None:
        plan = (await services.plans.plan_blueprint(body.blueprint, "<request body>")).plan
    elif body.plan_id is not None:
        plan = await services.plans.get(body.plan_id)
    else:
        assert body.destroy is not None
        plan = await services.plans.plan_destroy(body.destroy)
    return ipr_json(await services.iprs.create(plan, body.title, body.description, body.reviewers))


@router.get("/iprs")
async def find(
    services: ServicesDep,
    _caller: Reader,
    status: str | None = None,
    stack: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    found = await services.iprs.find(status, stack)
    return [
        {
            "id": i.id,
            "stack": i.stack,
            "title": i.title,
            "author": i.author,
            "status": i.status,
            "revision": i.revision,
            "updated_at": i.updated_at.isoformat(),
        }
        for i in found[offset : offset + limit]
    ]


@router.get("/iprs/{ipr_id}")
async def show(ipr_id: Id, services: ServicesDep, _caller: Reader) -> dict[str, Any]:
    return ipr_json(await services.iprs.show(ipr_id))


@router.post("/iprs/{ipr_id}/reviews")
async def review(ipr_id: Id, body: ReviewRequest, services: ServicesDep, _caller: Reviewer) -> dict[str, Any]:
    return ipr_json(await services.iprs.review(ipr_id, body.verdict, body.comment))


@router.post("/iprs/{ipr_id}/apply")
async def apply(ipr_id: Id, response: Response, services: ServicesDep, _caller: Applier) -> dict[str, Any]:
    view = await services.iprs.show(ipr_id)
    return answer_run(await services.runs.apply(view.plan, ipr_id=ipr_id, queue=True), response)


@router.post("/iprs/{ipr_id}/close")
async def close(ipr_id: Id, body: CloseRequest, services: ServicesDep, _caller: Planner) -> dict[str, Any]:
    return ipr_json(await services.iprs.close(ipr_id, body.comment))
