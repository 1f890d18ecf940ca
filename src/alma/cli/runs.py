"""Running a plan through the deployment workflow, and reporting how it went (with the exit code)."""

from __future__ import annotations

from typing import Any

from alma.bootstrap import Services
from alma.cli.failures import FAILED, REFUSED, exit_with
from alma.cli.output import RichApplyProgress, print_json, stderr, stdout
from alma.errors import PlanTamperedError
from alma.planning import Plan
from alma.workflow import RunResult


def apply_progress(json_output: bool) -> RichApplyProgress:
    """The progress display for an apply: on a terminal, unless the output is JSON."""
    import sys

    return RichApplyProgress(stderr(), enabled=not json_output and sys.stderr.isatty())


async def execute_plan(
    services: Services,
    plan: Plan,
    parallelism: int | None,
    json_output: bool,
    *,
    expected_hash: str | None = None,
    ipr_id: int | None = None,
) -> RunResult:
    if expected_hash is not None and expected_hash != plan.hash:
        raise PlanTamperedError(f"the plan file does not match stored plan {plan.id} (hash differs); refused")
    progress = apply_progress(json_output)
    try:
        return await services.workflow.run(plan.id, ipr_id=ipr_id, parallelism=parallelism, progress=progress)
    finally:
        progress.stop()


def report_run(result: RunResult, json_output: bool) -> None:
    """Print the outcome; exit 3 when the deployment failed or was rolled back, 5 when rejected."""
    body = result.as_json()
    if json_output:
        print_json(body)
    else:
        _print(result, body)
    if result.outcome == "rejected":
        exit_with(REFUSED)
    if result.outcome not in ("succeeded", "waiting"):
        exit_with(FAILED)


def _print(result: RunResult, body: dict[str, Any]) -> None:
    console = stdout()
    if result.outcome == "waiting":
        waiting = result.waiting_for or {}
        console.print(
            f"Waiting for approval of IPR #{waiting.get('ipr')} ({len(waiting.get('approvals', []))}/"
            f"{waiting.get('needs')} approvals). Once approved: `alma resume {result.deployment_id}`."
        )
        return
    report = result.report or {}
    if report and report.get("deployment_id") is None and result.outcome == "succeeded":
        console.print(f"No changes; stack '{report.get('stack')}' stays at revision {report.get('revision')}.")
        return
    s = body["summary"]
    colour = "green" if result.outcome == "succeeded" else "red"
    if report:
        console.print(
            f"[{colour}]{body['status']}[/{colour}]: stack '{report['stack']}' revision {report['revision']} "
            f"({s.get('create', 0)} created, {s.get('update', 0)} updated, {s.get('replace', 0)} replaced, "
            f"{s.get('delete', 0)} destroyed"
            + (f", {s['failed']} failed" if s.get("failed") else "")
            + (f", {s['skipped']} not started" if s.get("skipped") else "")
            + f") in {report.get('elapsed_s', 0):.2f}s"
        )
    for failure in body["failures"]:
        console.print(f"  [red]{failure['status']}[/red] {failure['resource']}: {failure['error']}")
    for problem in result.verify_failures:
        console.print(f"  [red]verify[/red] {problem}")
    if result.rollback is not None:
        console.print(
            f"Rolled back automatically: revision {result.rollback.get('revision')} {result.rollback.get('status')}."
        )
    if result.error and not result.verify_failures:
        console.print(f"[red]error:[/red] {result.error}")
    if result.outcome == "failed" and report:
        console.print(f"State records what was done. Retry with `alma apply`, or `alma rollback {report['stack']}`.")
