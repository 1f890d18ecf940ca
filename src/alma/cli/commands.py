"""The command bodies. Each one builds the services, calls them, and renders the result."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from alma.bootstrap import Services, build, reads_need_no_event_loop
from alma.cli.failures import (
    CONFLICT,
    INVALID,
    REFUSED,
    render_error,
    reported,
)
from alma.cli.output import print_json, print_plan, stderr, stdout
from alma.errors import AlmaError, BlueprintInvalidError, ConflictError, InvalidInputError, RefusedError
from alma.settings import Settings

if TYPE_CHECKING:
    from alma.planning import Plan
    from alma.services import DeploymentReport
    from alma.workflow import RunResult

# Every command module imports ``run_with_services`` from here: what only planning and applying need (the
# blueprint parser, the plan files, the run use case) is imported inside those commands, so a command that
# only reads starts without them.

T = TypeVar("T")


def escape(text: str) -> str:
    """``text`` shown as it is by Rich's markup; Rich is imported by the commands that print with it, not by
    every command that imports ``run_with_services`` from here (~10 ms)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def run_with_services(body: Callable[[Services], Awaitable[T]], settings: Settings | None = None) -> T:
    import asyncio

    return asyncio.run(_with_services(body, settings or Settings()))


async def _with_services(body: Callable[[Services], Awaitable[T]], settings: Settings) -> T:
    services = await build(settings)
    try:
        return await body(services)
    finally:
        await services.aclose()


def run_reading(body: Callable[[Services], Awaitable[T]]) -> T:
    """``run_with_services`` for a body that only reads, without an event loop where none is needed.

    On an embedded database already at the newest schema (every day but the first), every await of such a
    body completes at once: the store reads the file in this thread when no event loop runs
    (``alma.store.threads``). The body is then run to its end by hand, and asyncio is never imported (~15 ms
    of CPU of a 170 ms ``alma state list``). Should anything in it want an event loop after all (it awaits a
    future, or asks for the running loop), it is run again under ``asyncio.run``: it only reads, and its caller
    has printed nothing yet."""
    settings = Settings()
    if not reads_need_no_event_loop(settings):
        return run_with_services(body, settings)
    coroutine = _with_services(body, settings)
    try:
        while coroutine.send(None) is None:
            pass  # a bare yield (asyncio.sleep(0)) asks for nothing but a turn
    except StopIteration as done:
        return cast(T, done.value)
    except RuntimeError:
        pass  # "no running event loop": run it with one
    finally:
        with contextlib.suppress(RuntimeError):  # its cleanup wanted the event loop too
            coroutine.close()  # a coroutine stopped at a future: its cleanup runs (a finished one: nothing)
    return run_with_services(body, settings)


def validate(file: str, json_output: bool) -> None:
    from alma.contracts.records import DiagnosticOut, ValidationOut

    def on_error(error: AlmaError) -> None:
        if not json_output:
            render_error(stderr(), error)
            return
        found = error.diagnostics if isinstance(error, BlueprintInvalidError) else []
        errors = [DiagnosticOut.of(d) for d in found if d.severity == "error"]
        warnings = [DiagnosticOut.of(d) for d in found if d.severity == "warning"]
        if not found:
            errors = [DiagnosticOut(path="", line=None, column=None, message=str(error))]
        print_json(ValidationOut(valid=False, errors=errors, warnings=warnings).model_dump(mode="json"))

    from alma.services.blueprints import read_text

    with reported(json_output, on_error=on_error):
        text = read_text(file, sys.stdin.buffer)
        loaded = run_with_services(_validate_in(text, file))
        if json_output:
            valid = ValidationOut(
                valid=True,
                errors=[],
                warnings=[DiagnosticOut.of(d) for d in loaded.warnings],
                stack=loaded.blueprint.name,
                resources=len(loaded.desired),
            )
            print_json(valid.model_dump(mode="json"))
            return
        console = stdout()
        for warning in loaded.warnings:
            console.print(f"[yellow]warning:[/yellow] {escape(warning.render())}")
        names = len(loaded.desired)
        console.print(f"[green]valid[/green]: stack '{loaded.blueprint.name}', {names} resource(s)")


def _validate_in(text: str, file: str) -> Callable[[Services], Awaitable[Any]]:
    async def body(services: Services) -> Any:
        return services.blueprints.load(text, file)

    return body


def plan(file: str, json_output: bool, out: str | None, full: bool = False) -> None:
    from alma.services.blueprints import read_text

    with reported(json_output):
        if out is not None and file != "-" and _same_file(out, file):
            raise InvalidInputError(
                f"--out {out} is the blueprint itself: the plan file would replace it; name another file (plan.json)"
            )
        text = read_text(file, sys.stdin.buffer)

        async def body(services: Services) -> Any:
            return await services.plans.plan_blueprint(text, file)

        result = run_with_services(body)
        if out:
            _write_plan_file(out, result.plan)
        if json_output:
            from alma.contracts.plans import PlanOut  # the response models: only for --json

            print_json(PlanOut.of(result.plan).contract())
            return
        console = stdout()
        for warning in result.warnings:
            console.print(f"[yellow]warning:[/yellow] {escape(warning.render())}")
        print_plan(console, result.plan, full=full)
        if result.plan.has_changes:
            target = out or (file if file != "-" else "PLAN_FILE")
            console.print(
                f"\nPlan id {result.plan.id}; apply exactly this plan with `alma apply {escape(target)}`"
                + ("" if out else " after saving it with --out")
            )


def _same_file(one: str, other: str) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:  # either is missing: nothing to overwrite
        return False


def _write_plan_file(path: str, plan: Plan) -> None:
    from alma.services.plan_files import render_plan_file

    try:
        Path(path).write_text(render_plan_file(plan))
    except OSError as exc:
        raise InvalidInputError(f"cannot write the plan file {path}: {exc.strerror}") from exc


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise RefusedError("refusing to change infrastructure without confirmation: pass --yes")
    import click  # only a question asked needs it

    if not click.confirm(question, default=False, err=True):
        raise RefusedError("cancelled; nothing was changed")


def apply(file: str, yes: bool, parallelism: int | None, json_output: bool, full: bool = False) -> None:
    from alma.cli.runs import report_run, run_inline
    from alma.services.blueprints import read_text
    from alma.services.plan_files import read_plan_file, require_same_plan

    with reported(json_output):
        text = read_text(file, sys.stdin.buffer)
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
    from alma.cli.runs import run_inline

    console = stderr() if json_output else stdout()
    print_plan(console, plan_obj, full=full)
    prepared = await services.runs.prepare(plan_obj)  # refuse before asking a question that cannot help
    if plan_obj.has_changes:
        _confirm("\nApply this plan?", yes)
    return await run_inline(services, prepared, parallelism, json_output)


def destroy(stack: str, yes: bool, parallelism: int | None, json_output: bool, full: bool = False) -> None:
    from alma.cli.runs import report_run

    with reported(json_output):

        async def body(services: Services) -> RunResult:
            plan_obj = await services.plans.plan_destroy(stack)
            return await confirm_and_apply(services, plan_obj, yes, parallelism, json_output, full)

        report_run(run_with_services(body), json_output)


def rollback(
    stack: str, to: int | None, yes: bool, parallelism: int | None, json_output: bool, full: bool = False
) -> None:
    from alma.cli.runs import report_run

    with reported(json_output):

        async def body(services: Services) -> RunResult:
            plan_obj = await services.plans.plan_rollback(stack, to)
            return await confirm_and_apply(services, plan_obj, yes, parallelism, json_output, full)

        report_run(run_with_services(body), json_output)


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
    from alma.cli.runs import report_run, resume_inline

    with reported(json_output):

        async def body(services: Services) -> RunResult:
            return await resume_inline(services, deployment_id, json_output)

        report_run(run_with_services(body), json_output)


__all__ = ["CONFLICT", "INVALID", "REFUSED", "BlueprintInvalidError", "ConflictError"]
