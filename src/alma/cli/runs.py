"""Running a prepared plan through the one run use case, and reporting how it went (with the exit code)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from alma.bootstrap import Services
from alma.cli.failures import CONFLICT, FAILED, REFUSED, exit_with
from alma.cli.output import print_json, stderr, stdout
from alma.cli.progress import RichApplyProgress
from alma.contracts import RunOut
from alma.workflow import RunResult
from alma.workflow.result import CONFLICTS


def apply_progress(json_output: bool) -> RichApplyProgress:
    """The progress display for an apply: on a terminal, unless the output is JSON."""
    import sys

    return RichApplyProgress(stderr(), enabled=not json_output and sys.stderr.isatty())


async def run_inline(services: Services, prepared: Any, parallelism: int | None, json_output: bool) -> RunResult:
    """Start a prepared run in this process (the CLI never queues), with its progress on the terminal."""
    progress = apply_progress(json_output)
    try:
        result = await services.runs.start(prepared, parallelism=parallelism, progress=progress)
    finally:
        progress.stop()
    assert isinstance(result, RunResult)
    return result


async def resume_inline(services: Services, run_id: str, json_output: bool) -> RunResult:
    progress = apply_progress(json_output)
    try:
        result = await services.runs.resume(run_id, progress=progress)
    finally:
        progress.stop()
    assert isinstance(result, RunResult)
    return result


def report_run(result: RunResult, json_output: bool) -> None:
    """Print the outcome; exit 3 when the deployment failed or was rolled back, 4 when the stack moved on
    or the lock was taken, 5 when its IPR was refused."""
    body = RunOut.of(result).model_dump(mode="json")
    if json_output:
        print_json(body)
    else:
        _print(result, body)
    if result.outcome == "rejected":
        exit_with(REFUSED)
    if result.outcome in CONFLICTS:
        exit_with(CONFLICT)
    if result.outcome not in ("succeeded", "waiting"):
        exit_with(FAILED)


def _counted(summary: dict[str, Any]) -> str:
    """What happened, from the outcome counts (a plan's own counts say what was intended)."""
    parts = [
        f"{summary.get(key, 0)} {word}"
        for key, word in (
            ("created", "created"),
            ("updated", "updated"),
            ("replaced", "replaced"),
            ("deleted", "destroyed"),
        )
    ]
    if summary.get("failed"):
        parts.append(f"{summary['failed']} failed")
    if summary.get("skipped"):
        parts.append(f"{summary['skipped']} not started")
    return ", ".join(parts)


def _print(result: RunResult, body: dict[str, Any]) -> None:
    console = stdout()
    if result.nothing_done:  # a resume that found nothing to do says why, first
        console.print(result.nothing_done[0].upper() + result.nothing_done[1:] + ".")
    if result.outcome == "waiting":
        waiting = result.waiting_for or {}
        console.print(
            f"Waiting for approval of IPR #{waiting.get('ipr')} ({len(waiting.get('approvals', []))}/"
            f"{waiting.get('needs')} approvals). Once approved: `alma resume {result.deployment_id}`."
        )
        return
    report = result.report
    if report is not None and result.no_changes:
        console.print(f"No changes; stack '{report.stack}' stays at revision {report.revision}.")
        return
    colour = "green" if result.outcome == "succeeded" else "red"
    if report is not None:
        console.print(
            f"[{colour}]{body['status']}[/{colour}]: stack '{report.stack}' revision {report.revision} "
            f"({_counted(report.summary)}) in {report.elapsed_s:.2f}s"
        )
    for failure in body["failures"]:
        console.print(f"  [red]{failure['status']}[/red] {failure['resource']}: {escape(str(failure['error']))}")
    for problem in result.verify_failures:
        console.print(f"  [red]verify[/red] {escape(str(problem))}")
    if result.rollback is not None:
        _print_rollback(result.rollback)
    if result.error and not result.verify_failures:
        console.print(f"[red]error:[/red] {escape(result.error)}")
    if result.outcome == "failed" and report is not None and result.rollback is None:
        # A plan runs once: `alma apply` of it again is refused ("already applied"), so a retry is a new plan.
        console.print(
            "State records what was done. This plan has run: to retry, fix the cause and plan again "
            f"(`alma deploy FILE`, or `alma ipr revise ID`); to undo, `alma rollback {report.stack}`."
        )


def _print_rollback(rollback: dict[str, Any]) -> None:
    console = stdout()
    still = rollback.get("verify_failures") or []
    what = _counted(rollback.get("summary") or {})
    head = (
        f"Rolled back automatically to revision {rollback.get('target_revision')} "
        f"(as revision {rollback.get('revision')}: {what})"
    )
    if rollback.get("status") == "succeeded":
        console.print(f"[yellow]{head}; verified.[/yellow]")
        return
    console.print(f"[red]{head}; the rollback did not restore everything:[/red]")
    for problem in still:
        console.print(f"  [red]still failing[/red] {problem}")
    if rollback.get("error") and not still:
        console.print(f"  [red]error[/red] {rollback['error']}")
