"""An Infrastructure Pull Request opened from the queue: its plan diff (as `alma plan` prints it), who
approved what, and the review the acting user can give — approve, or request changes with a comment.
The source decides with that user's rights: a refusal (self-approval, a viewer's key) is shown as it is
given, and nothing changes."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, Label, Static

from alma.cli.dashboard.cells import status
from alma.cli.dashboard.source import DataSource, IprDetail, Verdict
from alma.errors import AlmaError

DIFF_STYLES = (("-/+", "magenta"), ("+", "green"), ("~", "yellow"), ("-", "red"))


def diff_text(plan_text: str) -> Text:
    """The rendered plan, coloured as the CLI colours it."""
    out = Text()
    for line in plan_text.splitlines():
        stripped = line.strip()
        style = next((s for prefix, s in DIFF_STYLES if stripped.startswith(prefix)), "")
        out.append(line + "\n", style=style)
    return out


class CommentScreen(ModalScreen[str | None]):
    """Asks for the comment that goes with a request for changes; Escape cancels."""

    DEFAULT_CSS = """
    CommentScreen { align: center middle; }
    CommentScreen > Vertical { width: 70; height: auto; border: round $warning; padding: 0 1; background: $panel; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, ipr_id: int) -> None:
        super().__init__()
        self._ipr_id = ipr_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Request changes on IPR #{self._ipr_id}: what should change? (Enter sends, Esc cancels)")
            yield Input(placeholder="comment", id="comment")

    def on_input_submitted(self, submitted: Input.Submitted) -> None:
        self.dismiss(submitted.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class IprScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "review('approve')", "Approve"),
        Binding("c", "request_changes", "Request changes"),
        Binding("escape", "app.pop_screen", "Back"),
    ]
    DEFAULT_CSS = """
    IprScreen #summary { height: auto; padding: 0 1; }
    IprScreen #diff { padding: 0 1; }
    """

    def __init__(self, source: DataSource, ipr_id: int) -> None:
        super().__init__()
        self._source = source
        self._ipr_id = ipr_id
        self.detail: IprDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"IPR #{self._ipr_id}: loading…", id="summary")
        with VerticalScroll(id="diff"):
            yield Static(id="plan")
            yield Static(id="reviews")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="ipr")
    async def load(self) -> None:
        try:
            self.show(await self._source.ipr(self._ipr_id))
        except AlmaError as error:
            self.notify(str(error), title=f"IPR #{self._ipr_id}", severity="error")

    def show(self, detail: IprDetail) -> None:
        self.detail = detail
        ipr = detail.ipr
        summary = Text.assemble(
            (f"IPR #{ipr.id} ", "bold"),
            (ipr.title, "bold"),
            "\n",
            f"stack {ipr.stack} · by {ipr.author} · revision {ipr.revision} · ",
            status(ipr.status),
            f" · approvals {detail.approvals}/{detail.needed}\nplan {detail.plan_id} · hash {detail.plan_hash[:16]}",
        )
        if detail.reasons:
            summary.append("\nwhy it needs review: " + "; ".join(detail.reasons), style="dim")
        self.query_one("#summary", Static).update(summary)
        self.query_one("#plan", Static).update(diff_text(detail.plan_text))
        reviews = "\n".join(detail.reviews) if detail.reviews else "no reviews yet"
        self.query_one("#reviews", Static).update(Text("Reviews\n", style="bold") + Text(reviews))

    def action_request_changes(self) -> None:
        def send(comment: str | None) -> None:
            if comment is not None:
                self.action_review("request_changes", comment)

        self.app.push_screen(CommentScreen(self._ipr_id), send)

    def action_review(self, verdict: Verdict, comment: str = "") -> None:
        self.submit(verdict, comment)

    @work(exclusive=True, group="ipr")
    async def submit(self, verdict: Verdict, comment: str) -> None:
        shown = self.detail.ipr.revision if self.detail is not None else None  # what the reviewer read
        try:
            detail = await self._source.review(self._ipr_id, verdict, comment, shown)
        except AlmaError as error:
            self.notify(str(error), title="refused", severity="error", timeout=8)
            self.call_later(self.load)  # revised meanwhile, perhaps: show what it is now
            return
        self.show(detail)
        said = "approved" if verdict == "approve" else "changes requested"
        self.notify(f"IPR #{self._ipr_id}: {said}; it is {detail.ipr.status.replace('_', ' ')}", title="reviewed")
