"""The template catalogue: every template ALMA ships, found by name. One list serves the CLI, the API, MCP
and (through ``alma.templates.software``) the generator."""

from __future__ import annotations

from alma.diagnostics import did_you_mean
from alma.errors import NotFoundError
from alma.templates import data, operations, web
from alma.templates.model import Template

CATALOGUE: tuple[Template, ...] = (*web.TEMPLATES, *data.TEMPLATES, *operations.TEMPLATES)
_BY_NAME = {template.name: template for template in CATALOGUE}


def find(name: str) -> Template:
    """The named template; an unknown name is a ``NotFoundError`` suggesting the closest."""
    template = _BY_NAME.get(name)
    if template is None:
        names = sorted(_BY_NAME)
        raise NotFoundError(f"no template named '{name}'{did_you_mean(name, names)}; `alma templates list` lists them")
    return template
