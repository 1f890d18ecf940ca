"""The template catalogue over HTTP: the same catalogue as ``alma templates`` and MCP's ``list_templates``.

Rendering stores and changes nothing, so it needs only the read permission; what it returns is a
validated blueprint to save (``POST /api/v1/blueprints``) or plan. Bad parameters are a 422 naming each
one (``errors[].path`` is ``parameters.NAME``), an unknown template a 404.
"""

from __future__ import annotations

from fastapi import APIRouter

from alma.api.auth import Reader, ServicesDep
from alma.services.templates import RenderedTemplate, RenderRequest, TemplateCatalogue, TemplateOut

router = APIRouter(tags=["templates"])
DEFAULTS = RenderRequest()  # the body may be left out: the first provider, every parameter's default


@router.get("/templates")
async def catalogue(services: ServicesDep, _caller: Reader) -> TemplateCatalogue:
    """Every template: what it deploys, the providers it renders for, its typed parameters."""
    return services.templates.catalogue()


@router.get("/templates/{name}")
async def template(name: str, services: ServicesDep, _caller: Reader) -> TemplateOut:
    """One template and its parameters."""
    return services.templates.show(name)


@router.post("/templates/{name}/render")
async def render(name: str, services: ServicesDep, _caller: Reader, body: RenderRequest = DEFAULTS) -> RenderedTemplate:
    """The template rendered for a provider with the given parameters, validated like ``/validate``."""
    return services.templates.render(name, body.provider, body.parameters)
