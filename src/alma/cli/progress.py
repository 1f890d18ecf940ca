"""The apply progress display: resources done of total, failures and elapsed time, on stderr."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

if TYPE_CHECKING:
    from alma.planning.executor import Outcome


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
