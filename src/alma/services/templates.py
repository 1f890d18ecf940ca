"""The template catalogue as a use case: list, show, and render a template into a blueprint that has been
validated exactly as ``alma validate`` would validate it.

One set of response models serves ``alma templates … --json``, the HTTP API's schemas and MCP's output
schemas. Rendering stores nothing: the blueprint is text to review, plan and apply like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import BaseModel, Field

from alma.jsonvalue import JsonValue
from alma.services.blueprints import BlueprintService
from alma.templates import CATALOGUE, Parameter, Template, find, render

CATALOGUE_NOTES = [
    "Render one with render_template (CLI: `alma templates use NAME --set key=value --provider P`); "
    "the result is validated here and ready to plan.",
    "Engine-side templates (Proxmox container templates and template VMs, Docker or Kubernetes images) are "
    "not listed: a Proxmox plan's preflight reports a missing container template, and the workflow "
    "downloads it when it can.",
]


class ParameterOut(BaseModel):
    name: str
    type: str = Field(description="integer, text, boolean, memory, disk, choice, name, names or port.")
    default: JsonValue
    description: str
    constraints: str = Field(description="What the parameter accepts, in words.")
    choices: list[str] | None = None
    minimum: int | None = Field(default=None, description="Least value (memory in MiB, disk in GiB, names: count).")
    maximum: int | None = None


class TemplateOut(BaseModel):
    name: str
    description: str = Field(description="One line: what it deploys.")
    providers: list[str] = Field(description="The providers it renders for; the first is the default.")
    parameters: list[ParameterOut]


class TemplateCatalogue(BaseModel):
    templates: list[TemplateOut]
    notes: list[str] = Field(description="What is and is not listed here.")


class RenderRequest(BaseModel):
    provider: str | None = Field(default=None, description="One of the template's providers (default: its first).")
    parameters: dict[str, Any] = Field(default_factory=dict, description="Parameter values; the rest are defaults.")


class RenderedTemplate(BaseModel):
    template: str
    provider: str
    stack: str
    parameters: dict[str, Any] = Field(description="Every parameter's value, given or default.")
    blueprint: str = Field(description="The blueprint (YAML), validated: plan it, or save it with --out.")
    resources: int
    notes: list[str] = Field(description="What to do besides applying it (secret files to create, …).")
    warnings: list[dict[str, Any]] = Field(description="Validation warnings, as `alma validate --json` has them.")


def parameter_out(parameter: Parameter) -> ParameterOut:
    return ParameterOut(**parameter.as_json())


def template_out(template: Template) -> TemplateOut:
    return TemplateOut(
        name=template.name,
        description=template.summary,
        providers=list(template.providers),
        parameters=[parameter_out(p) for p in template.parameters],
    )


class _Dumper(yaml.SafeDumper):
    """Blueprint YAML a person would write: keys in blueprint order, no anchors, long lines kept."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def blueprint_text(data: Mapping[str, Any], header: str) -> str:
    body = yaml.dump(dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096)
    return header + body


class TemplateService:
    def __init__(self, blueprints: BlueprintService) -> None:
        self._blueprints = blueprints

    def catalogue(self) -> TemplateCatalogue:
        return TemplateCatalogue(templates=[template_out(t) for t in CATALOGUE], notes=list(CATALOGUE_NOTES))

    def show(self, name: str) -> TemplateOut:
        return template_out(find(name))

    def render(self, name: str, provider: str | None, parameters: Mapping[str, Any]) -> RenderedTemplate:
        """The template rendered and validated; raises ``NotFoundError`` (no such template),
        ``TemplateParametersError`` (every bad parameter named) or ``InvalidInputError`` (a provider it does
        not support). A rendered blueprint that does not validate is a bug in the template: it is raised
        as ``BlueprintInvalidError`` with every diagnostic, never returned."""
        template = find(name)
        rendered = render(template, provider or template.providers[0], parameters)
        given = ", ".join(f"{k}={v}" for k, v in parameters.items()) or "defaults"
        header = f"# {template.summary}\n# `alma templates use {template.name}` for {rendered.provider} ({given})\n"
        text = blueprint_text(rendered.blueprint, header)
        loaded = self._blueprints.load(text, f"{template.name}.yaml")
        return RenderedTemplate(
            template=template.name,
            provider=rendered.provider,
            stack=loaded.blueprint.name,
            parameters={p.name: p.shown(rendered.values[p.name]) for p in template.parameters},
            blueprint=text,
            resources=len(loaded.desired),
            notes=rendered.notes,
            warnings=[w.as_json() for w in loaded.warnings],
        )
