"""Blueprints: validate, store versions, read them, and deploy one — which makes a plan (and an IPR when
the approval policy asks for one), never a blind deploy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from alma.api.auth import Planner, Reader, ServicesDep
from alma.api.bodies import ANY_TEXT_BODY, BLUEPRINT_BODY, text_body
from alma.api.inputs import Id, Offset
from alma.contracts import DiagnosticOut, PlanOut, ValidationOut
from alma.contracts.api import BlueprintDeployOut, BlueprintSavedOut, BlueprintTextOut, BlueprintVersionOut, IprRefOut
from alma.errors import BlueprintInvalidError
from alma.services.approvals import approval_reasons

router = APIRouter(tags=["blueprints"])
Limit = Annotated[int, Query(ge=1, le=500)]


@router.post("/validate", openapi_extra=ANY_TEXT_BODY)
async def validate(request: Request, services: ServicesDep, _caller: Reader) -> ValidationOut:
    text = await text_body(request)
    try:
        loaded = services.blueprints.load(text, "<request body>")
    except BlueprintInvalidError as invalid:
        errors = [DiagnosticOut.of(d) for d in invalid.diagnostics if d.severity == "error"]
        warnings = [DiagnosticOut.of(d) for d in invalid.diagnostics if d.severity == "warning"]
        return ValidationOut(valid=False, errors=errors, warnings=warnings)
    return ValidationOut(
        valid=True,
        errors=[],
        warnings=[DiagnosticOut.of(w) for w in loaded.warnings],
        stack=loaded.blueprint.name,
        resources=len(loaded.desired),
    )


@router.post("/blueprints", status_code=201, openapi_extra=BLUEPRINT_BODY)
async def save(request: Request, services: ServicesDep, _caller: Planner) -> BlueprintSavedOut:
    return BlueprintSavedOut.model_validate(await services.library.save(await text_body(request), "<request body>"))


@router.get("/blueprints")
async def versions(
    services: ServicesDep, _caller: Reader, stack: str | None = None, limit: Limit = 50, offset: Offset = 0
) -> list[BlueprintVersionOut]:
    return [BlueprintVersionOut.model_validate(v) for v in await services.library.versions(stack, limit, offset)]


@router.get("/blueprints/{blueprint_id}")
async def read(blueprint_id: Id, services: ServicesDep, _caller: Reader) -> BlueprintTextOut:
    return BlueprintTextOut(id=blueprint_id, content=await services.library.text(blueprint_id))


@router.post("/blueprints/{blueprint_id}/deploy")
async def deploy(blueprint_id: Id, services: ServicesDep, _caller: Planner) -> BlueprintDeployOut:
    """Make the plan (stored, hashed) and, when the approval policy asks, the IPR: never a blind deploy."""
    text = await services.library.text(blueprint_id)
    plan = (await services.plans.plan_blueprint(text, f"blueprint #{blueprint_id}")).plan
    reasons = approval_reasons(plan, services.settings)
    ipr = None
    if reasons:
        view = await services.iprs.create(plan, f"deploy blueprint #{blueprint_id}")
        ipr = IprRefOut(id=view.ipr.id, status=view.ipr.status)
    return BlueprintDeployOut(plan=PlanOut.of(plan), approval_reasons=reasons, ipr=ipr, stored=True)


@router.get("/blueprints/{blueprint_id}/deploy")
async def preview_deploy(blueprint_id: Id, services: ServicesDep, _caller: Reader) -> BlueprintDeployOut:
    """The plan deploying this version would make, as a preview: nothing is stored or applied (POST makes
    the plan, and the IPR when the policy asks)."""
    text = await services.library.text(blueprint_id)
    plan = await services.plans.preview_blueprint(text, f"blueprint #{blueprint_id}")
    reasons = approval_reasons(plan, services.settings)
    return BlueprintDeployOut(plan=PlanOut.of(plan), approval_reasons=reasons, ipr=None, stored=False)
