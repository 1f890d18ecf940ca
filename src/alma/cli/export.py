"""``alma export …`` — a stack written for the tools teams already run: Terraform, Docker Compose."""

from __future__ import annotations

from typing import Annotated

import typer

export_app = typer.Typer(
    help="Write a stack for other tools: Terraform (with import blocks) or Docker Compose.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
Stack = Annotated[str, typer.Argument(help="The stack to export.", show_default=False)]
Out = Annotated[str | None, typer.Option("--out", "-o", help="Write it to this file (default: stdout).")]


@export_app.command("terraform")
def terraform(stack: Stack, out: Out = None, json_output: Json = False) -> None:
    """HCL for bpg/proxmox, kreuzwerker/docker and hashicorp/kubernetes, with import blocks for what exists."""
    from alma.cli import export_commands

    export_commands.export("terraform", stack, out, json_output)


@export_app.command("compose")
def compose(stack: Stack, out: Out = None, json_output: Json = False) -> None:
    """A Docker Compose file for a stack of Docker resources."""
    from alma.cli import export_commands

    export_commands.export("compose", stack, out, json_output)
