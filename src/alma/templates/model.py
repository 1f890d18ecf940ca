"""A template: a parameterised blueprint for the providers it supports, and how it is rendered.

Rendering reads every given value with its parameter (all problems at once, each naming the parameter),
fills in the defaults, and lets the template lay out its parts on a ``Stage`` for one provider. What comes
out is blueprint data, not yet validated: the template service validates it as ``alma validate`` would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from alma.diagnostics import Diagnostic, did_you_mean
from alma.errors import InvalidInputError, TemplateParametersError
from alma.templates.parameters import Parameter
from alma.templates.shapes import Stage

Values = Mapping[str, Any]
Build = Callable[[Stage, Values], None]
PROVIDERS = ("fake", "docker", "kubernetes", "proxmox")


@dataclass(frozen=True, slots=True)
class Template:
    """A blueprint people deploy, with parameters. ``build`` lays its parts out on a stage."""

    name: str
    summary: str  # one line
    providers: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    build: Build

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters}


@dataclass(frozen=True, slots=True)
class Rendered:
    """A template rendered for one provider: the values used, the blueprint data, and notes."""

    template: str
    provider: str
    values: dict[str, Any]
    blueprint: dict[str, Any]
    notes: list[str]


def stack_name(default: str) -> Parameter:
    """Every template's first parameter: the stack's name."""
    return Parameter("name", "name", default, "The stack's name (the blueprint's 'name').")


def read_values(template: Template, given: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overridden by ``given``, each read by its parameter; every unknown or invalid one is
    reported at once (``TemplateParametersError``)."""
    names = [p.name for p in template.parameters]
    problems: list[Diagnostic] = []
    values = {p.name: p.read(p.default) for p in template.parameters}  # defaults are valid by construction
    for name, raw in given.items():
        parameter = template.parameter(name)
        if parameter is None:
            message = f"template '{template.name}' has no parameter '{name}'{did_you_mean(name, names)}"
            problems.append(Diagnostic(message, f"parameters.{name}"))
            continue
        try:
            values[name] = parameter.read(raw)
        except ValueError as exc:
            problems.append(Diagnostic(f"parameter '{name}': {exc}", f"parameters.{name}"))
    if problems:
        raise TemplateParametersError(problems)
    return values


def render(template: Template, provider: str, given: Mapping[str, Any]) -> Rendered:
    """``template`` for ``provider`` with the ``given`` values (text or typed)."""
    if provider not in template.providers:
        supported = ", ".join(template.providers)
        raise InvalidInputError(
            f"template '{template.name}' is for {supported}, not '{provider}'; choose one with --provider"
        )
    values = read_values(template, given)
    stage = Stage(values["name"], provider)
    template.build(stage, values)
    metadata = {"template": template.name, "provider": provider}
    return Rendered(template.name, provider, values, stage.blueprint(template.summary, metadata), list(stage.notes))
