"""``alma ipr …`` — Infrastructure Pull Requests from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

ipr_app = typer.Typer(
    help="Infrastructure Pull Requests: review a plan before it runs.", no_args_is_help=True, rich_markup_mode=None
)
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
IprId = Annotated[int, typer.Argument(help="The IPR number.", min=1)]


@ipr_app.command("create")
def create(
    file: Annotated[str | None, typer.Argument(help="Blueprint file whose plan is to be reviewed.")] = None,
    destroy: Annotated[str | None, typer.Option("--destroy", help="Review destroying this stack.")] = None,
    rollback: Annotated[str | None, typer.Option("--rollback", help="Review rolling this stack back.")] = None,
    to: Annotated[int | None, typer.Option("--to", min=0, help="With --rollback: the revision to restore.")] = None,
    plan: Annotated[
        str | None, typer.Option("--plan", help="Review a stored plan by id (e.g. of `alma stop`, `alma scale`).")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Short title (default: from the plan).")] = None,
    description: Annotated[str, typer.Option("--description", help="Why this change.")] = "",
    reviewer: Annotated[list[str] | None, typer.Option("--reviewer", help="Requested reviewer (repeatable).")] = None,
    json_output: Json = False,
) -> None:
    """Open an IPR for a blueprint's plan, a destroy, a rollback, or a stored plan."""
    from alma.cli import ipr_commands

    ipr_commands.create(file, destroy, rollback, to, plan, title, description, reviewer or [], json_output)


@ipr_app.command("list")
def list_(
    status: Annotated[str | None, typer.Option("--status", help="Only this status (open, approved, …).")] = None,
    stack: Annotated[str | None, typer.Option("--stack", help="Only this stack.")] = None,
    json_output: Json = False,
) -> None:
    """IPRs, newest first."""
    from alma.cli import ipr_commands

    ipr_commands.find(status, stack, json_output)


@ipr_app.command("show")
def show(ipr_id: IprId, json_output: Json = False) -> None:
    """One IPR: its plan rendered, approvals and reviews."""
    from alma.cli import ipr_commands

    ipr_commands.show(ipr_id, json_output)


@ipr_app.command("review")
def review(
    ipr_id: IprId,
    approve: Annotated[bool, typer.Option("--approve", help="Approve the current revision.")] = False,
    request_changes: Annotated[bool, typer.Option("--request-changes", help="Ask the author for changes.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject the request.")] = False,
    comment: Annotated[str, typer.Option("--comment", "-m", help="A comment, with or without a verdict.")] = "",
    revision: Annotated[
        int | None,
        typer.Option(
            "--revision",
            min=1,
            help="The revision you reviewed (as `alma ipr show` printed it): refused if the IPR was revised since.",
        ),
    ] = None,
    json_output: Json = False,
) -> None:
    """Approve, request changes, reject, or comment."""
    from alma.cli import ipr_commands

    if approve + request_changes + reject > 1:
        raise typer.BadParameter("give one of --approve, --request-changes, --reject")
    if not (approve or request_changes or reject or comment):  # not "a comment needs text": no verdict was given
        raise typer.BadParameter("give a verdict (--approve, --request-changes or --reject), or --comment TEXT")
    ipr_commands.review(ipr_id, approve, request_changes, reject, comment, json_output, revision)


@ipr_app.command("revise")
def revise(
    ipr_id: IprId,
    file: Annotated[str | None, typer.Argument(help="The revised blueprint (default: re-plan the same one).")] = None,
    json_output: Json = False,
) -> None:
    """Make a new revision: a fresh plan to review (earlier approvals no longer count)."""
    from alma.cli import ipr_commands

    ipr_commands.revise(ipr_id, file, json_output)


@ipr_app.command("apply")
def apply(
    ipr_id: IprId,
    parallelism: Annotated[int | None, typer.Option("--parallelism", "-p", min=1, max=1000)] = None,
    when_approved: Annotated[
        bool, typer.Option("--when-approved", help="Start now and wait (durably) for the approval.")
    ] = False,
    json_output: Json = False,
) -> None:
    """Apply exactly the approved plan of an IPR (through the deployment workflow)."""
    from alma.cli import ipr_commands

    ipr_commands.apply(ipr_id, parallelism, when_approved, json_output)


@ipr_app.command("close")
def close(
    ipr_id: IprId, comment: Annotated[str, typer.Option("--comment", "-m")] = "", json_output: Json = False
) -> None:
    """Close an IPR without applying it."""
    from alma.cli import ipr_commands

    ipr_commands.close(ipr_id, comment, json_output)
