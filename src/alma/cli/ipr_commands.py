"""The bodies of ``alma ipr …`` commands."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from alma.bootstrap import Services
from alma.cli.commands import run_with_services
from alma.cli.failures import reported
from alma.cli.output import print_json, print_plan, stdout
from alma.cli.tables import Cell, write_table
from alma.contracts.iprs import IprOut, IprSummaryOut
from alma.errors import InvalidInputError

if TYPE_CHECKING:  # annotations only: `alma ipr list` starts without the planner and the run machinery
    from alma.services import IprView
    from alma.services.iprs import Verdict
    from alma.workflow import RunResult


def escape(text: str) -> str:
    """Rich markup escaped (what people typed is never markup); Rich is imported when something is printed."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _print_view(view: IprView) -> None:
    console = stdout()
    ipr = view.ipr
    console.print(f"[bold]IPR #{ipr.id}[/bold] {escape(ipr.title)}")  # what people typed: never markup
    console.print(
        f"stack {ipr.stack} · status [bold]{ipr.status}[/bold] · revision {ipr.revision} · "
        f"by {escape(ipr.author)} · approvals {len(view.approvals)}/{view.needs}"
        + (f" ({escape(', '.join(view.approvals))})" if view.approvals else "")
    )
    if view.reasons:
        console.print("needs approval because " + escape("; ".join(view.reasons)))
    if ipr.description:
        console.print(escape(ipr.description))
    console.print(f"plan {view.plan.id} · hash {view.plan.hash[:16]}…\n")
    print_plan(console, view.plan)
    if view.reviews:
        console.print("\nReviews:")
        for r in view.reviews:
            console.print(
                f"  r{r.revision} {r.at.isoformat()[:19]} {escape(r.reviewer)}: {r.verdict.replace('_', ' ')}"
                + (f" — {escape(r.comment)}" if r.comment else "")
            )


def _done(view: IprView, json_output: bool, message: str) -> None:
    if json_output:
        print_json(IprOut.of(view).contract())
    else:
        stdout().print(message)


def create(
    file: str | None,
    destroy: str | None,
    rollback: str | None,
    to: int | None,
    plan_id: str | None,
    title: str | None,
    description: str,
    reviewers: list[str],
    json_output: bool,
) -> None:
    from alma.services.blueprints import read_text
    from alma.services.plan_files import read_plan_file, require_same_plan

    with reported(json_output):
        if sum(x is not None for x in (file, destroy, rollback, plan_id)) != 1:
            raise InvalidInputError("give one of: a blueprint FILE, --destroy STACK, --rollback STACK, or --plan ID")
        text = read_text(file, sys.stdin.buffer) if file is not None else None
        planned = read_plan_file(text) if text is not None else None  # `alma plan --out`'s file: that plan

        async def body(services: Services) -> IprView:
            if planned is not None:
                plan = await services.plans.get(str(planned["plan_id"]))
                require_same_plan(planned, plan)
            elif text is not None and file is not None:
                plan = (await services.plans.plan_blueprint(text, file)).plan
            elif plan_id is not None:
                plan = await services.plans.get(plan_id)
            elif destroy is not None:
                plan = await services.plans.plan_destroy(destroy)
            else:
                assert rollback is not None
                plan = await services.plans.plan_rollback(rollback, to)
            return await services.iprs.create(plan, title, description, reviewers)

        view = run_with_services(body)
        if json_output:
            print_json(IprOut.of(view).contract())
            return
        _print_view(view)
        stdout().print(f"\nOpened IPR #{view.ipr.id}. A reviewer runs `alma ipr review {view.ipr.id} --approve`.")


def find(status: str | None, stack: str | None, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.iprs.find(status, stack)

        found = run_with_services(body)
        if json_output:
            print_json([IprSummaryOut.of(i).model_dump(mode="json") for i in found])
            return
        rows: list[list[Cell]] = [
            [f"#{i.id}", i.status, i.stack, i.title, i.author, str(i.revision), i.updated_at.isoformat()[:19]]
            for i in found
        ]
        # Written as plain text (what people typed is never markup): the list starts without Rich.
        write_table(["IPR", "STATUS", "STACK", "TITLE", "AUTHOR", "REV", "UPDATED (UTC)"], rows)


def show(ipr_id: int, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> IprView:
            return await services.iprs.show(ipr_id)

        view = run_with_services(body)
        if json_output:
            print_json(IprOut.of(view).contract())
        else:
            _print_view(view)


def review(
    ipr_id: int,
    approve: bool,
    request_changes: bool,
    reject: bool,
    comment: str,
    json_output: bool,
    revision: int | None = None,
) -> None:
    verdict: Verdict = (
        "approve" if approve else "request_changes" if request_changes else "reject" if reject else "comment"
    )
    with reported(json_output):

        async def body(services: Services) -> IprView:
            return await services.iprs.review(ipr_id, verdict, comment, revision=revision)

        view = run_with_services(body)
        _done(
            view,
            json_output,
            f"IPR #{ipr_id}: {verdict.replace('_', ' ')} recorded; status {view.ipr.status} "
            f"({len(view.approvals)}/{view.needs} approvals).",
        )


def revise(ipr_id: int, file: str | None, json_output: bool) -> None:
    from alma.services.blueprints import read_text

    with reported(json_output):
        text = read_text(file, sys.stdin.buffer) if file is not None else None

        async def body(services: Services) -> IprView:
            return await services.iprs.revise(ipr_id, text, file or "<blueprint>")

        view = run_with_services(body)
        if json_output:
            print_json(IprOut.of(view).contract())
            return
        _print_view(view)
        stdout().print(f"\nIPR #{ipr_id} is now at revision {view.ipr.revision}; it needs review again.")


def apply(ipr_id: int, parallelism: int | None, when_approved: bool, json_output: bool) -> None:
    from alma.cli.runs import report_run, run_inline

    with reported(json_output):

        async def body(services: Services) -> RunResult:
            view = await services.iprs.show(ipr_id)
            prepared = await services.runs.prepare(view.plan, ipr_id=ipr_id, when_approved=when_approved)
            return await run_inline(services, prepared, parallelism, json_output)

        report_run(run_with_services(body), json_output)


def close(ipr_id: int, comment: str, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> IprView:
            return await services.iprs.close(ipr_id, comment)

        _done(run_with_services(body), json_output, f"IPR #{ipr_id} closed.")
