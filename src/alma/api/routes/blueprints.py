"""Blueprints: validate, store versions, read them, and deploy one — which makes a plan (and an IPR when
the approval policy asks for one), never a blind deploy."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from alma.api.auth import Planner, Reader, ServicesDep
from alma.api.bodies import ANY_TEXT_BODY, BLUEPRINT_BODY, text_body
from alma.api.inputs import Id, Offset
from alma.errors import BlueprintInvalidError
from alma.services.approvals import approval_reasons

router = APIRouter(tags=["blueprints"])
Limit = Annotated[int, Query(ge=1, le=500)]


@router.post("/validate", openapi_extra=ANY_TEXT_BODY)
async def validate(request: Request, services: ServicesDep, _caller: Reader) -> dict[str, Any]:
    text = await text_body(request)
    try:
        loaded = services.blueprints.load(text, "<request body>")
    except BlueprintInvalidError as invalid:
        errors = [d.as_json() for d in invalid.diagnostics if d.severity == "error"]
        warnings = [d.as_json() for d in invalid.diagnostics if d.severity == "warning"]
        return {"valid": False, "errors": errors, "warnings": warnings}
    return {"valid": True, "errors": [], "warnings": [w.as_json() for w in loaded.warnings]}


@router.post("/blueprints", status_code=201, openapi_extra=BLUEPRINT_BODY)
async def save(request: Request, services: ServicesDep, _caller: Planner) -> dict[str, Any]:
    return await services.library.save(await text_body(request), "<request body>")


@router.get("/blueprints")
async def versions(
    services: ServicesDep, _caller: Reader, stack: str | None = None, limit: Limit = 50, offset: Offset = 0
) -> list[dict[str, Any]]:
    return await services.library.versions(stack, limit, offset)


@router.get("/blueprints/{blueprint_id}")
async def read(blueprint_id: Id, services: ServicesDep, _caller: Reader) -> dict[str, Any]:
    return {"id": blueprint_id, "content": await services.library.text(blueprint_id)}


@router.post("/blueprints/{blueprint_id}/deploy")
async def deploy(blueprint_id: Id, services: ServicesDep, _caller: Planner) -> dict[str, Any]:
    text = await services.library.text(blueprint_id)
    plan = (await services.plans.plan_blueprint(text, f"blueprint #{blueprint_id}")).plan
    reasons = approval_reasons(plan, services.settings)
    body: dict[str, Any] = {"plan": plan.as_json(), "approval_reasons": reasons, "ipr": None}
    if reasons:
        view = await services.iprs.create(plan, f"deploy blueprint #{blueprint_id}")
        body["ipr"] = {"id": view.ipr.id, "status": view.ipr.status}
    return body
