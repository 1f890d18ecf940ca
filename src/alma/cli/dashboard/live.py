"""One deployment as it runs: a line saying what it is and what it did last, and a progress bar that the
deployment's event stream advances (one step per resource whose action finished, failed or not)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, ProgressBar

from alma.cli.dashboard.cells import short_id, status
from alma.cli.dashboard.source import INTERRUPTED, DeploymentRow, EventRow


class LiveDeployment(Vertical):
    DEFAULT_CSS = """
    LiveDeployment { height: 2; margin-bottom: 1; }
    LiveDeployment Label { width: 100%; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, deployment: DeploymentRow) -> None:
        super().__init__(id=f"live-{deployment.id}")
        self.deployment = deployment
        self.finished: set[str] = set()
        self.failed = 0
        self.outcome: str | None = None
        self._last = "starting"

    def compose(self) -> ComposeResult:
        yield Label(self._headline(), id="headline")
        yield ProgressBar(total=max(self.deployment.changes, 1), show_eta=False, id="bar")

    def advance(self, event: EventRow) -> None:
        """Take one event of the deployment's stream into account."""
        if event.finishes_a_resource and event.resource and event.resource not in self.finished:
            self.finished.add(event.resource)
            if event.kind in ("resource.failed", "resource.skipped", "resource.cancelled"):
                self.failed += 1
            self.query_one("#bar", ProgressBar).update(progress=len(self.finished))
        if event.kind.startswith("deployment.") and event.kind not in ("deployment.started", "deployment.resumed"):
            self.outcome = event.kind.removeprefix("deployment.")
        elif event.kind == INTERRUPTED:
            self.outcome = "interrupted"
            self.tooltip = event.message  # why, in full (who held it: host and pid)
            self._last = f"nothing runs it: `alma resume {self.deployment.id}` continues it"
            self.query_one("#headline", Label).update(self._headline())
            return
        self._last = event.message
        self.query_one("#headline", Label).update(self._headline())

    def ended(self, status: str) -> None:
        """The stream ended: the deployment is over (its record's status, when no final event said it)."""
        self.outcome = self.outcome or status
        self.query_one("#headline", Label).update(self._headline())

    def _headline(self) -> Text:
        d = self.deployment
        return Text.assemble(
            (d.stack, "bold"),
            f" r{d.revision} {d.kind} {short_id(d.id)} by {d.actor}: ",
            status(self.outcome or "running"),
            f" {len(self.finished)}/{d.changes}",
            (f", {self.failed} failed" if self.failed else "", "red"),
            f" · {self._last}",
            no_wrap=True,
            overflow="ellipsis",
        )
