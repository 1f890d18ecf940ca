"""How things look in a terminal: plans in colour, tables, the apply progress display."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from alma.planning import Outcome, Plan, render_plan

STYLES = (("-/+", "magenta"), ("+", "green"), ("~", "yellow"), ("-", "red"))


def stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str) + "\n")


def print_plan(console: Console, plan: Plan) -> None:
    for line in render_plan(plan).splitlines():
        stripped = line.strip()
        style = next((s for prefix, s in STYLES if stripped.startswith(prefix)), None)
        console.print(Text(line, style=style or ""))


def specs_brief(specs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(specs.items()) if v not in (None, [], {}, ""))


def table(columns: list[str], rows: list[list[str]]) -> Table:
    out = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in columns:
        out.add_column(column, overflow="fold")
    for row in rows:
        out.add_row(*row)
    return out


class RichApplyProgress:
    """Resources done/total, failures and elapsed time, on stderr while an apply runs."""

    def __init__(self, console: Console, enabled: bool) -> None:
        self._enabled = enabled
        self._failures = 0
        self._started = time.perf_counter()
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failures]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
            disable=not enabled,
        )
        self._task = self._progress.add_task("applying", total=0, failures="")

    def begin(self, total: int) -> None:
        self._progress.update(self._task, total=total)
        self._progress.start()

    def advance(self, outcome: Outcome) -> None:
        if outcome.status != "succeeded":
            self._failures += 1
        label = f"[red]{self._failures} failed[/red]" if self._failures else ""
        self._progress.update(self._task, advance=1, failures=label, description=f"{outcome.action.resource}")

    def stop(self) -> None:
        self._progress.update(self._task, description="done")
        self._progress.stop()
