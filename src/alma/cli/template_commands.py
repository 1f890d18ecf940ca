"""The bodies of ``alma templates list|show|use``: the catalogue through ``services.templates``.

``use`` prints the validated blueprint on stdout (or writes it with ``--out``) and its notes on stderr;
every bad ``--set`` is named at once (exit 1), as is a provider the template does not render for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.markup import escape

from alma.bootstrap import Services
from alma.cli.commands import run_with_services
from alma.cli.failures import reported
from alma.cli.output import print_json, stderr, stdout, table
from alma.diagnostics import Diagnostic
from alma.errors import InvalidInputError, TemplateParametersError
from alma.services.templates import RenderedTemplate, TemplateCatalogue, TemplateOut


def list_templates(provider: str | None, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> TemplateCatalogue:
            return services.templates.catalogue()

        catalogue = run_with_services(body)
        found = [t for t in catalogue.templates if provider is None or provider in t.providers]
        if json_output:
            print_json({**catalogue.model_dump(mode="json"), "templates": [t.model_dump(mode="json") for t in found]})
            return
        if not found:
            stdout().print(f"No template renders for provider '{escape(provider or '')}'.")
            return
        rows = [[t.name, ", ".join(t.providers), escape(t.description)] for t in found]
        stdout().print(table(["NAME", "PROVIDERS", "DESCRIPTION"], rows))


def show(name: str, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> TemplateOut:
            return services.templates.show(name)

        template = run_with_services(body)
        if json_output:
            print_json(template.model_dump(mode="json"))
            return
        console = stdout()
        console.print(f"[bold]{template.name}[/bold]: {escape(template.description)}")
        console.print(f"providers: {', '.join(template.providers)} (default {template.providers[0]})")
        rows = [
            [p.name, p.type, escape(_shown(p.default)), escape(p.constraints), escape(p.description)]
            for p in template.parameters
        ]
        console.print(table(["PARAMETER", "TYPE", "DEFAULT", "ACCEPTS", "DESCRIPTION"], rows))
        console.print(f"use it: alma templates use {template.name} --set KEY=VALUE --provider P --out FILE")


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if value != "" else '""'


def parse_settings(settings: list[str]) -> tuple[dict[str, str], list[Diagnostic]]:
    """``KEY=VALUE`` pairs, and a problem for each pair without ``=`` or key given twice."""
    values: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for setting in settings:
        key, equals, value = setting.partition("=")
        key = key.strip()
        if not equals or not key:
            problems.append(Diagnostic(f"--set {setting!r} is not KEY=VALUE", "parameters"))
        elif key in values:
            problems.append(Diagnostic(f"--set {key} is given twice; give each parameter once", f"parameters.{key}"))
        else:
            values[key] = value
    return values, problems


def use(name: str, settings: list[str], provider: str | None, out: str | None, json_output: bool) -> None:
    with reported(json_output):
        given, problems = parse_settings(settings)

        async def body(services: Services) -> RenderedTemplate:
            try:
                rendered = services.templates.render(name, provider, given)
            except TemplateParametersError as bad:  # with the --set problems: every one at once
                raise TemplateParametersError([*problems, *bad.diagnostics]) from bad
            if problems:
                raise TemplateParametersError(problems)
            return rendered

        rendered = run_with_services(body)
        if out:
            _write(out, rendered.blueprint)
        if json_output:
            print_json({**rendered.model_dump(mode="json"), "file": out})
            return
        info = stderr()
        for note in rendered.notes:
            info.print(f"[dim]note:[/dim] {escape(note)}")
        for warning in rendered.warnings:
            info.print(f"[yellow]warning:[/yellow] {escape(str(warning['message']))}")
        if out:
            info.print(
                f"[green]valid[/green]: wrote {escape(out)}: stack '{rendered.stack}', {rendered.resources} "
                f"resource(s) on {rendered.provider}; next: `alma plan {escape(out)}`"
            )
            return
        stdout().out(rendered.blueprint, end="", highlight=False)


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot write the blueprint file {path}: {exc.strerror}") from exc
