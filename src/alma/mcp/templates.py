"""The template catalogue for agents: the same catalogue as ``alma templates`` and the HTTP API.

``list_templates`` says what each template deploys, its providers and its typed parameters;
``render_template`` renders one into a blueprint validated here, ready for ``plan_blueprint``. Neither
changes anything. Engine-side templates (Proxmox container templates, images) are not listed; the
catalogue's notes say so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations
from pydantic import Field

from alma.bootstrap import Services
from alma.mcp.failures import guarded
from alma.mcp.inputs import Text
from alma.services.templates import RenderedTemplate, TemplateCatalogue

TemplateName = Annotated[Text, Field(description="The template's name, from list_templates.")]
Provider = Annotated[
    Text, Field(description="One of the template's providers; empty for its first (default) provider.")
]
Parameters = Annotated[
    dict[str, Any],
    Field(description='Parameter values by name (text or typed, e.g. {"replicas": 3}); the rest are defaults.'),
]


def register_template_tools(server: MCPServer, services: Services, read_only: Callable[[str], ToolAnnotations]) -> None:
    """``read_only`` makes a tool's annotations (``alma.mcp.reading.read_only``)."""

    @server.tool(annotations=read_only("List blueprint templates"))
    @guarded
    async def list_templates() -> TemplateCatalogue:
        """Parameterised blueprints people deploy (web app + database, HA web, PostgreSQL replicas, …): what
        each deploys, the providers it renders for, and each parameter's type, default and constraints."""
        return services.templates.catalogue()

    @server.tool(annotations=read_only("Render a blueprint template"))
    @guarded
    async def render_template(
        name: TemplateName, provider: Provider = "", parameters: Parameters | None = None
    ) -> RenderedTemplate:
        """Render a template for a provider into a blueprint, validated as validate_blueprint would; every
        unknown or invalid parameter is named at once. Stores nothing: give the blueprint to plan_blueprint."""
        return services.templates.render(name, provider or None, parameters or {})
