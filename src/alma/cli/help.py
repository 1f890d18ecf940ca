"""``alma --help`` lists every command with the whole first paragraph of its help, wrapped to the terminal:
click cuts each to one line ending in "..." (issue 11 item 15)."""

from __future__ import annotations

import typer.core
from typer import _click


class FullHelpGroup(typer.core.TyperGroup):
    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = command.short_help or (command.help or "").split("\n\n")[0]
            rows.append((name, " ".join(text.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
