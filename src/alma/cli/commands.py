"""The command bodies. Each one builds the services, calls them, and renders the result."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from alma.bootstrap import Services, build
from alma.cli.failures import (
    CONFLICT,
    INVALID,
    REFUSED,
    error_json,
    render_error,
    reported,
)
from alma.cli.output import print_json, print_plan, specs_brief, stderr, stdout, table
from alma.cli.runs import report_run, resume_inline, run_inline
from alma.errors import AlmaError, BlueprintInvalidError, ConflictError, InvalidInputError, RefusedError
from alma.planning import Plan
from alma.services import DeploymentReport, read_text
from alma.services.plan_files import read_plan_file, render_plan_file, require_same_plan
from alma.services.views import deployment_json, event_json, resource_json
from alma.settings import Settings
from alma.workflow import RunResult

T = TypeVar("T")


def run_with_services(body: Callable[[Services], Awaitable[T]]) -> T:
    async def main() -> T:
        services = await build(Settings())
        try:
            return await body(services)
        finally:
            await services.aclose()

    return asyncio.run(main())


def validate(file: str, json_output: bool) -> None:
    def on_error(error: AlmaError) -> None:
        if json_output:
            body = error_json(error)
            errors = body.get("errors", [{"path": "", "line": None, "column": None, "message": str(error)}])
            print_json({"valid": False, "errors": errors, "warnings": body.get("warnings", [])})
        else:
            render_error(stderr(), error)

    with reported(json_output, on_error=on_error):
        text = read_text(file)
        loaded = run_with_services(_validate_in(text, file))
        warnings = [d.as_json() for d in loaded.warnings]
        if json_output:
            print_json({"valid": True, "errors": [], "warnings": warnings})
            return
        console = stdout()
        for warning in loaded.warnings:
            console.print(f"[yellow]warning:[/yellow] {warning.render()}")
        names = len(loaded.desired)
        console.print(f"[green]valid[/green]: stack '{loaded.blueprint.name}', {names} resource(s)")


def _validate_in(text: str, file: str) -> Callable[[Services], Awaitable[Any]]:
    async def body(services: Services) -> Any:
        return services.blueprints.load(text, file)

    return body


def plan(file: str, json_output: bool, out: str | None, full: bool = False) -> None:
    with reported(json_output):
        text = read_text(file)

        async def body(services: Services) -> Any:
            return await services.plans.plan_blueprint(text, file)

        result = run_with_services(body)
        if out:
            _write_plan_file(out, result.plan)
        if json_output:
            print_json(result.plan.as_json())
            return
        console = stdout()
        for warning in result.warnings:
            console.print(f"[yellow]warning:[/yellow] {warning.render()}")
        print_plan(console, result.plan, full=full)
        if result.plan.has_changes:
            target = out or file
            console.print(
                f"\nPlan id {result.plan.id}; apply exactly this plan with `alma apply {target}`"
                + ("" if out else " after saving it with --out")
            )


def _write_plan_file(path: str, plan: Plan) -> None:
    try:
        Path(path).write_text(render_plan_file(plan))
    except OSError as exc:
        raise InvalidInputError(f"cannot write the plan file {path}: {exc.strerror}") from exc


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise RefusedError("refusing to change infrastructure without confirmation: pass --yes")
    if not click.confirm(question, default=False, err=True):
        raise RefusedError("cancelled; nothing was changed")


def apply(file: str, yes: bool, parallelism: int | None, json_output: bool, full: bool = False) -> None:
    with reported(json_output):
        text = read_text(file)
        planned = read_plan_file(text)

        async def body(services: Services) -> RunResult:
            if planned is not None:  # a reviewed plan file: apply exactly it, no question asked
                stored = await services.plans.get(str(planned["plan_id"]))
                require_same_plan(planned, stored)
                prepared = await services.runs.prepare(stored, expected_hash=str(planned["hash"]))
                return await run_inline(services, prepared, parallelism, json_output)
            result = await services.plans.plan_blueprint(text, file)
            return await confirm_and_apply(services, result.plan, yes, parallelism, json_output, full)

        report_run(run_with_services(body), json_output)


async def confirm_and_apply(
    services: Services, plan_obj: Plan, yes: bool, parallelism: int | None, json_output: bool, full: bool = False
) -> RunResult:
    console = stderr() if json_output else stdout()
    print_plan(console, plan_obj, full=full)
    prepared = await services.runs.prepare(plan_obj)  # refuse before asking a question that cannot help
    if plan_obj.has_changes:
        _confirm("\nApply this plan?", yes)
    return await run_inline(services, prepared, parallelism, json_output)


def destroy(stack: str, yes: bool, parallelism: int | None, json_output: bool, full: bool = False) -> None:
    with reported(json_output):

        async def body(services: Services) -> RunResult:
            plan_obj = await services.plans.plan_destroy(stack)
            return await confirm_and_apply(services, plan_obj, yes, parallelism, json_output, full)

        report_run(run_with_services(body), json_output)


def rollback(
    stack: str, to: int | None, yes: bool, parallelism: int | None, json_output: bool, full: bool = False
) -> None:
    with reported(json_output):

        async def body(services: Services) -> RunResult:
            plan_obj = await services.plans.plan_rollback(stack, to)
            return await confirm_and_apply(services, plan_obj, yes, parallelism, json_output, full)

        report_run(run_with_services(body), json_output)


def state_list(stack: str | None, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.stacks.resources(stack)

        resources = run_with_services(body)
        if json_output:
            print_json([resource_json(r) for r in resources])
            return
        if not resources:
            stdout().print("No resources recorded." + ("" if stack else " Deploy a blueprint with `alma deploy FILE`."))
            return
        rows = [
            [r.stack, r.name, r.type, r.provider, r.status, specs_brief(r.specs), ", ".join(r.dependencies)]
            for r in resources
        ]
        stdout().print(table(["STACK", "NAME", "TYPE", "PROVIDER", "STATUS", "SPECS", "DEPENDS ON"], rows))


def state_show(stack: str, resource: str, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.stacks.resource(stack, resource)

        record = run_with_services(body)
        data = resource_json(record)
        if json_output:
            print_json(data)
            return
        console = stdout()
        for key, value in data.items():
            shown = json.dumps(value) if isinstance(value, dict | list) else str(value)
            console.print(f"[bold]{key:>13}[/bold]  {shown}")


def history(stack: str, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.stacks.history(stack)

        deployments = run_with_services(body)
        rows_json = [deployment_json(d) for d in deployments]
        if json_output:
            print_json(rows_json)
            return
        rows = [
            [
                str(d["revision"]),
                str(d["status"]),
                str(d["kind"]),
                str(d["actor"]),
                str(d["started_at"])[:19],
                _summary_brief(d["summary"]),
                str(d["error"] or ""),
            ]
            for d in rows_json
        ]
        stdout().print(table(["REV", "STATUS", "KIND", "BY", "STARTED (UTC)", "CHANGES", "ERROR"], rows))


def _summary_brief(summary: Any) -> str:
    keys = (("create", "+"), ("update", "~"), ("replace", "-/+"), ("delete", "-"), ("failed", "failed "))
    return " ".join(f"{sign}{summary.get(k, 0)}" for k, sign in keys if summary.get(k))


def events(stack: str, deployment: str | None, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.stacks.events(stack, deployment)

        found = run_with_services(body)
        if json_output:
            print_json([event_json(e) for e in found])
            return
        rows = [[str(e.id), e.at.isoformat()[:23], e.actor, e.kind, e.message] for e in found]
        stdout().print(table(["ID", "AT (UTC)", "BY", "EVENT", "MESSAGE"], rows))


def engines(json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.engines.statuses()

        statuses = run_with_services(body)
        if json_output:
            print_json([{"name": e.name, "ok": e.ok, "detail": e.detail} for e in statuses])
            return
        rows = [[e.name, "[green]ok[/green]" if e.ok else "[red]unavailable[/red]", e.detail] for e in statuses]
        stdout().print(table(["ENGINE", "HEALTH", "DETAIL"], rows))


def import_guest(stack: str, node: str, vmid: int, name: str, provider: str, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> DeploymentReport:
            return await services.imports.import_guest(stack, node, vmid, name, provider)

        report = run_with_services(body)
        if json_output:
            print_json(report.as_json())
        else:
            stdout().print(
                f"Imported {provider} guest {vmid} on {node} as {stack}/{name} (revision {report.revision})."
            )


def resume(deployment_id: str, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> RunResult:
            return await resume_inline(services, deployment_id, json_output)

        report_run(run_with_services(body), json_output)


def force_unlock(stack: str, force: bool, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.stacks.force_unlock(stack, force=force)

        released = run_with_services(body)
        if json_output:
            print_json(
                {
                    "stack": stack,
                    "released": released is not None,
                    "holder": released.holder if released else None,
                    "reason": released.reason if released else None,
                }
            )
        elif released is None:
            stdout().print(f"Stack '{stack}' was not locked.")
        else:
            stdout().print(f"Removed the lock on '{stack}' held by {released.holder} ({released.reason}).")


__all__ = ["CONFLICT", "INVALID", "REFUSED", "BlueprintInvalidError", "ConflictError"]
