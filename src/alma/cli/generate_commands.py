"""``alma generate`` and ``alma council convene``: blueprints from plain language, and their review.

Both go through ``services.generation``, which hands out only blueprints that passed validation.
``generate`` prints the YAML on stdout (or writes it with ``--out``) and what it understood on stderr;
``council convene`` prints the findings, the decree (with the language model's narrative of it when a
model is configured) and the revised blueprint. The council is advice: it exits 0 whatever its verdict,
and 1 only when its input cannot be used. ``--no-llm`` keeps the model out of both.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from alma.bootstrap import Services
from alma.cli.commands import run_with_services
from alma.cli.failures import reported
from alma.cli.output import print_json, stderr, stdout
from alma.errors import InvalidInputError
from alma.services import read_text
from alma.services.generation import CouncilReport, GeneratedBlueprint

SEVERITY_STYLE = {"info": "dim", "low": "cyan", "medium": "yellow", "high": "red", "critical": "bold red"}
VERDICT_STYLE = {"approved": "green", "approved_with_fixes": "yellow", "changes_requested": "red"}


def generate(text: str, provider: str, out: str | None, json_output: bool, *, use_model: bool = True) -> None:
    with reported(json_output):

        async def body(services: Services) -> GeneratedBlueprint:
            return await services.generation.generate(text, provider, use_model=use_model)

        result = run_with_services(body)
        if out:
            _write(out, result.text)
        if json_output:
            print_json({**result.as_json(), "provider": provider, "file": out})
            return
        info = stdout() if out else stderr()
        _understood(info, result.understood, result.notes)
        info.print(f"[dim]drafted by:[/dim] {escape(result.drafter)} ({result.attempts} draft(s))")
        if out:
            count = len(result.loaded.desired)
            info.print(
                f"[green]valid[/green]: wrote {escape(out)}: stack '{result.loaded.blueprint.name}', "
                f"{count} resource(s) on {provider}; next: `alma plan {escape(out)}`"
            )
            return
        stdout().out(result.text, end="", highlight=False)


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text)
    except OSError as exc:
        raise InvalidInputError(f"cannot write the blueprint file {path}: {exc.strerror}") from exc


def _understood(console: Console, understood: list[str], notes: list[str]) -> None:
    if understood:
        console.print("understood: " + escape("; ".join(understood)))
    for note in notes:
        console.print(f"[dim]note:[/dim] {escape(note)}")


def council(text: str, provider: str, json_output: bool, *, use_model: bool = True) -> None:
    with reported(json_output):
        path = Path(text)
        if not path.is_file() and " " not in text.strip() and path.suffix.lower() in (".yaml", ".yml", ".json"):
            # A mistyped file name is not a description to compose ("nothing I could compose in 'app.yml'").
            raise InvalidInputError(f"no such file: {text} (to review a description, write it in words)")
        blueprint_text = read_text(text) if path.is_file() else None

        async def body(services: Services) -> CouncilReport:
            if blueprint_text is not None:
                return await services.generation.convene_on_blueprint(blueprint_text, text, use_model=use_model)
            return await services.generation.convene(text, provider, use_model=use_model)

        report = run_with_services(body)
        if json_output:
            print_json(report.as_json())
            return
        _print_report(stdout(), report)


def _print_report(console: Console, report: CouncilReport) -> None:
    _understood(console, report.understood, report.notes)
    findings = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("severity", "reviewer", "resource", "finding", "fix applied"):
        findings.add_column(column, overflow="fold")
    for finding in report.decree.findings:
        style = SEVERITY_STYLE[finding.severity]
        findings.add_row(
            f"[{style}]{finding.severity}[/{style}]",
            finding.reviewer,
            escape(finding.resource or "(stack)"),
            escape(finding.message),
            escape(finding.fix or "-"),
        )
    console.print(findings)
    decree = report.decree
    style = VERDICT_STYLE[decree.verdict]
    cost = decree.cost
    console.print(
        f"\ndecree: [{style}]{decree.verdict}[/{style}] — {len(decree.fixes)} fix(es) applied, "
        f"{len(decree.open_findings)} finding(s) open; estimated {cost['total']:.2f} {cost['currency']}/month"
    )
    if decree.narrative is not None:
        console.print(
            "[bold]narrative[/bold] [dim](the language model's summary; the decree above is the council's):[/dim]"
        )
        console.print(escape(decree.narrative))
    console.print("revised blueprint (validated):\n")
    console.out(report.text, end="", highlight=False)
