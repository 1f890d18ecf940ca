"""``alma drift [STACK]``: what the engines have that the recorded state does not say, resource by resource.

Exit 0 when every stack checked is as recorded, 6 (``DRIFTED``) when any differs: scripts and cron jobs
can act on the code alone. Without a stack, one that cannot be compared (an engine unreachable) is reported
with why and the others are still checked; the exit is then 3 (``FAILED``): the check is incomplete, which
must not read as "no drift". ``--blueprint FILE`` writes the stack as recorded; ``alma plan FILE`` of it
makes the plan that puts everything back (recreate what is missing, restore changed fields, remove what
carries ALMA's marker but was never recorded).
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from alma.bootstrap import Services
from alma.cli.commands import run_with_services
from alma.cli.failures import DRIFTED, FAILED, exit_with, reported
from alma.cli.output import print_json, stdout, table
from alma.errors import InvalidInputError
from alma.services.drift import DriftReport, ResourceDrift

SIGN = {"in_sync": ("=", "dim"), "changed": ("~", "yellow"), "missing": ("+", "green"), "unmanaged": ("-", "red")}


def drift(stack: str | None, blueprint_out: str | None, json_output: bool) -> None:
    with reported(json_output):
        if blueprint_out is not None and stack is None:
            raise InvalidInputError("--blueprint writes one stack's recorded blueprint: name the stack")
        if blueprint_out is not None and stack is not None:
            _refuse_to_replace(blueprint_out, stack)

        async def body(services: Services) -> tuple[list[DriftReport], str | None]:
            if stack is None:
                return await services.drift.reports(), None
            report = await services.drift.report(stack)
            recorded = await services.drift.recorded_blueprint(stack) if blueprint_out is not None else None
            return [report], recorded

        reports, recorded = run_with_services(body)
        if blueprint_out is not None and recorded is not None:
            _write(blueprint_out, recorded)
        if json_output:
            print_json(
                reports[0].model_dump(mode="json")
                if stack is not None
                else [r.model_dump(mode="json") for r in reports]
            )
        else:
            render(stdout(), reports, blueprint_out)
    if any(r.error for r in reports):
        exit_with(FAILED)
    if any(r.drifted for r in reports):
        exit_with(DRIFTED)


def render(console: Console, reports: list[DriftReport], blueprint_out: str | None) -> None:
    if not reports:
        console.print("No stack has resources recorded: nothing to compare.")
        return
    for n, report in enumerate(reports):
        if n:
            console.print()
        found = report.differences()
        verdict = (
            f"[yellow]{len(found)} of {len(report.resources)} resource(s) drifted[/yellow]"
            if found
            else f"[green]as recorded[/green] ({len(report.resources)} resource(s))"
        )
        if report.error is not None:
            console.print(
                f"[bold]{escape(report.stack)}[/bold] (revision {report.revision}): "
                f"[red]could not be compared[/red]: {escape(report.error)}"
            )
            continue
        console.print(f"[bold]{escape(report.stack)}[/bold] (revision {report.revision}): {verdict}")
        if report.change_in_progress:
            console.print(
                f"[yellow]a change is in progress[/yellow] ({escape(report.change_in_progress)}): "
                "the engines may be ahead of the record"
            )
        console.print(
            table(
                ["", "RESOURCE", "TYPE", "PROVIDER", "DRIFT", "REPAIR", "DETAIL"], [_row(r) for r in report.resources]
            )
        )
        if found:
            target = blueprint_out or f"{report.stack}.recorded.json"
            how = "" if blueprint_out else f"`alma drift {report.stack} --blueprint {target}`, then "
            console.print(f"To put it back as recorded: {how}`alma plan {target}` (and apply that plan).")


def _row(resource: ResourceDrift) -> list[str]:
    sign, style = SIGN[resource.drift]
    return [
        f"[{style}]{sign}[/{style}]",
        escape(resource.resource),
        resource.type,
        resource.provider,
        f"[{style}]{resource.drift.replace('_', ' ')}[/{style}]",
        resource.repair,
        escape(resource.detail),
    ]


def _refuse_to_replace(path: str, stack: str) -> None:
    """``--blueprint FILE`` writes JSON: over nothing, or over what an earlier ``--blueprint`` wrote for this
    stack. A blueprint someone wrote (``alma drift web --blueprint web.yaml``, read as "compare with it")
    would lose its comments and layout to the recorded state."""
    target = Path(path)
    try:
        if target.is_dir() or not target.exists() or target.stat().st_size == 0:
            return  # a directory is refused when written, naming why
        earlier = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        earlier = None
    if isinstance(earlier, dict) and earlier.get("name") == stack:
        return
    raise InvalidInputError(
        f"{path} exists and is not a blueprint `alma drift --blueprint` wrote for '{stack}': --blueprint writes "
        f"the stack as recorded, replacing the file; name a new file (e.g. {stack}.recorded.json) or remove it"
    )


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text + "\n")
    except OSError as exc:
        raise InvalidInputError(f"cannot write the blueprint file {path}: {exc.strerror}") from exc
