"""How things look in a terminal: plans in colour, tables, JSON (the apply progress is in ``progress``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from alma import json_text

if TYPE_CHECKING:
    from alma.planning.plan import Plan

STYLES = (("-/+", "magenta"), ("+", "green"), ("~", "yellow"), ("-", "red"))


def stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


# On a terminal, a plan that changes more resources than this is shown as a summary (``--full``: all of it).
SUMMARY_OVER = 200


def print_json(value: Any) -> None:
    sys.stdout.write(json_text.dumps(value) + "\n")


def print_plan(console: Console, plan: Plan, *, full: bool = False) -> None:
    """The plan as Terraform users read it, coloured on a terminal. Written straight to the console's file
    (one Rich render per line cost a second for a thousand resources), each line wrapped in exactly what
    Rich writes for its style; a huge plan on a terminal is summarised unless ``full``. Piped, every line is
    written: the time grows with the plan's size."""
    from alma.planning.render import plan_lines  # the plan model and its renderer: only commands with plans

    summary_over = None if full or not console.is_terminal else SUMMARY_OVER
    wrap = {style: _style_codes(console, style) for _, style in STYLES}
    out: list[str] = []
    for line in plan_lines(plan, summary_over=summary_over):
        stripped = line.lstrip()
        style = next((s for prefix, s in STYLES if stripped.startswith(prefix)), None)
        out.append(f"{wrap[style][0]}{line}{wrap[style][1]}\n" if style else f"{line}\n")
    console.file.write("".join(out))
    console.file.flush()


def _style_codes(console: Console, style: str) -> tuple[str, str]:
    """What Rich writes before and after a line in ``style`` on this console (nothing when piped)."""
    with console.capture() as captured:
        console.print(Text("\0", style=style), end="")
    before, _, after = captured.get().partition("\0")
    return before, after


def specs_brief(specs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(specs.items()) if v not in (None, [], {}, ""))


def table(columns: list[str], rows: list[list[str]]) -> Table:
    out = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in columns:
        out.add_column(column, overflow="fold")
    for row in rows:
        out.add_row(*row)
    return out
