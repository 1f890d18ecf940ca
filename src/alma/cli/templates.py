"""``alma templates …`` — the template catalogue: list, show, and use (render a validated blueprint)."""

from __future__ import annotations

from typing import Annotated

import typer

templates_app = typer.Typer(
    help="Parameterised blueprints people deploy: list them, show one, use one.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
Name = Annotated[str, typer.Argument(help="The template's name (`alma templates list`).", show_default=False)]


@templates_app.command("list")
def list_(
    provider: Annotated[str | None, typer.Option("--provider", help="Only templates for this provider.")] = None,
    json_output: Json = False,
) -> None:
    """Every template: its name, the providers it renders for, and what it deploys."""
    from alma.cli import template_commands

    template_commands.list_templates(provider, json_output)


@templates_app.command("show")
def show(name: Name, json_output: Json = False) -> None:
    """One template's parameters: type, default, constraints and what each means."""
    from alma.cli import template_commands

    template_commands.show(name, json_output)


@templates_app.command("use")
def use(
    name: Name,
    settings: Annotated[
        list[str] | None, typer.Option("--set", help="A parameter's value, KEY=VALUE (repeatable).", show_default=False)
    ] = None,
    provider: Annotated[
        str | None, typer.Option("--provider", help="The provider to render for (default: the template's first).")
    ] = None,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Write the blueprint to this file.")] = None,
    json_output: Json = False,
) -> None:
    """Render a template into a blueprint, validated like `alma validate`: stdout, or --out FILE."""
    from alma.cli import template_commands

    template_commands.use(name, settings or [], provider, out, json_output)
