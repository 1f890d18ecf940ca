"""How things look in a terminal: plans in colour, tables, JSON (the apply progress is in ``progress``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from alma import json_text
from alma.cli.tables import Cell, render

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from alma.planning.plan import Plan

# Rich is imported by the functions that print through it: the commands people run most write their
# tables and JSON without it (``tables.write_table``, ``print_json``) and start faster for it.

STYLES = (("-/+", "magenta"), ("+", "green"), ("~", "yellow"), ("-", "red"))


def stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def stderr() -> Console:
    from rich.console import Console

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
    from rich.text import Text

    with console.capture() as captured:
        console.print(Text("\0", style=style), end="")
    before, _, after = captured.get().partition("\0")
    return before, after


def specs_brief(specs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(specs.items()) if v not in (None, [], {}, ""))


def table(columns: list[str], rows: list[list[str]]) -> FoldedTable:
    """A table for ``console.print``: cells are Rich markup (escape data with ``rich.markup.escape``); values
    are folded at spaces, never split (see ``tables``)."""
    return FoldedTable(columns, rows)


class FoldedTable:
    """``tables.render`` as a Rich renderable, at the width of the console it is printed on."""

    def __init__(self, columns: list[str], rows: list[list[str]]) -> None:
        self._columns = columns
        self._rows: list[list[Cell]] = [[_plain(cell) for cell in row] for row in rows]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        for segments in render(self._columns, self._rows, options.max_width):
            line = Text(end="\n", no_wrap=True, overflow="ignore")
            for text, style in segments:
                line.append(text, style=style or "")
            yield line


def _plain(cell: str) -> Cell:
    """A markup cell as its text, with its style when one style covers all of it (``[green]ok[/green]``)."""
    from rich.text import Text

    parsed = Text.from_markup(cell)
    spans = [s for s in parsed.spans if s.start == 0 and s.end == len(parsed.plain)]
    return (parsed.plain, str(spans[0].style)) if len(spans) == 1 and len(parsed.spans) == 1 else parsed.plain
