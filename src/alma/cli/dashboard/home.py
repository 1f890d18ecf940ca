"""The dashboard's main screen: five tabs over one ``DataSource``, keyboard first.

Stacks (and the selected stack's resources; ``d`` checks them for drift), Deployments (the ones running,
each with a progress bar fed by its event stream, then the selected stack's history), IPRs (Enter opens
one: its plan diff, approve or request changes), Engines (health), Events (the selected stack's latest).
Everything is read again every ``refresh_s`` seconds (engine health every ``ENGINE_EVERY`` refreshes: an
unreachable engine may take a while to say so); a source that fails says why once, not every refresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from alma.cli.dashboard import cells
from alma.cli.dashboard.live import LiveDeployment
from alma.cli.dashboard.reviews import IprScreen
from alma.cli.dashboard.source import DataSource, DeploymentRow, ResourceRow, StackRow
from alma.errors import AlmaError
from alma.services.drift import DriftReport

FOCUS = {
    "stacks": "stack-table",
    "deployments": "deployment-table",
    "iprs": "ipr-table",
    "engines": "engine-table",
    "events": "event-table",
}
ENGINE_EVERY = 15
EVENTS_SHOWN = 100
FINISHED_KEPT = 3  # finished deployments stay on the Deployments tab, newest first, until pushed out
COLUMNS = {
    "stack-table": ("STACK", "REV", "RESOURCES", "UPDATED (UTC)"),
    "resource-table": ("RESOURCE", "TYPE", "PROVIDER", "STATUS", "DRIFT", "SPECS"),
    "deployment-table": ("REV", "KIND", "STATUS", "BY", "STARTED (UTC)", "ID"),
    "ipr-table": ("#", "STACK", "STATUS", "AUTHOR", "TITLE"),
    "engine-table": ("ENGINE", "HEALTH", "DETAIL"),
    "event-table": ("AT (UTC)", "EVENT", "BY", "MESSAGE"),
}


class Home(Screen[None]):
    """The five tabs. Its bindings are its own, so an IPR's screen on top shows only the IPR's keys."""

    DEFAULT_CSS = """
    #stack-table { height: auto; max-height: 8; }
    #stack-title, #live-title, #history-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    #live { height: auto; max-height: 12; padding: 0 1; }
    Home DataTable { height: 1fr; overflow-x: hidden; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "tab('stacks')", "Stacks"),
        Binding("2", "tab('deployments')", "Deploys"),
        Binding("3", "tab('iprs')", "IPRs"),
        Binding("4", "tab('engines')", "Engines"),
        Binding("5", "tab('events')", "Events"),
        Binding("d", "drift", "Drift"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(self, source: DataSource, refresh_s: float) -> None:
        super().__init__()
        self.source = source
        self.refresh_s = refresh_s
        self.stack: str | None = None  # the selected stack
        self.drift_report: DriftReport | None = None
        self.rounds = 0
        self.followed: dict[str, LiveDeployment] = {}
        self._said: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="stacks", id="tabs"):
            with TabPane("Stacks", id="stacks"):
                yield DataTable(id="stack-table", cursor_type="row", zebra_stripes=True)
                yield Static("Resources", id="stack-title")
                yield DataTable(id="resource-table", cursor_type="row")
            with TabPane("Deployments", id="deployments"):
                yield Static("Running", id="live-title")
                yield VerticalScroll(Static("nothing is running", id="idle"), id="live")
                yield Static("History", id="history-title")
                yield DataTable(id="deployment-table", cursor_type="row")
            with TabPane("IPRs", id="iprs"):
                yield DataTable(id="ipr-table", cursor_type="row")
            with TabPane("Engines", id="engines"):
                yield DataTable(id="engine-table", cursor_type="row")
            with TabPane("Events", id="events"):
                yield DataTable(id="event-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        for table_id, columns in COLUMNS.items():
            self._table(table_id).add_columns(*columns)
        self._table("stack-table").focus()
        self.action_refresh()
        self.set_interval(self.refresh_s, self.action_refresh)

    # -- actions ---------------------------------------------------------------------------------

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._table(FOCUS[tab]).focus()  # so the arrows and Enter act on that tab

    def action_refresh(self) -> None:
        self.reload()

    def action_drift(self) -> None:
        if self.stack is None:
            self.notify("no stack selected", severity="warning")
            return
        self.check_drift(self.stack)

    @on(DataTable.RowHighlighted, "#stack-table")
    def stack_chosen(self, highlighted: DataTable.RowHighlighted) -> None:
        chosen = highlighted.row_key.value
        if chosen is not None and chosen != self.stack:
            self.stack = chosen
            self.drift_report = None
            self.reload()

    @on(DataTable.RowSelected, "#ipr-table")
    def ipr_opened(self, selected: DataTable.RowSelected) -> None:
        if selected.row_key.value is not None:
            self.app.push_screen(IprScreen(self.source, int(selected.row_key.value)))

    # -- reading ---------------------------------------------------------------------------------

    @work(exclusive=True, group="reload")
    async def reload(self) -> None:
        try:
            await self._reload()
        except NoMatches:
            return  # the screen is being taken down (the app is closing): nothing to fill
        except AlmaError as error:
            if str(error) != self._said:  # said once; the next successful refresh forgets it
                self.notify(str(error), title="cannot read", severity="error", timeout=8)
            self._said = str(error)
            return
        self._said = None

    async def _reload(self) -> None:
        source = self.source
        stacks = await source.stacks()
        if self.stack not in {s.name for s in stacks}:
            self.stack = stacks[0].name if stacks else None
        self._fill_stacks(stacks)
        running: list[DeploymentRow] = []
        for stack in stacks:
            history = await source.deployments(stack.name)
            running += [d for d in history if d.status == "running"]
            if stack.name == self.stack:
                self._fill(
                    "deployment-table",
                    [
                        (
                            d.id,
                            (
                                str(d.revision),
                                d.kind,
                                cells.status(d.status),
                                d.actor,
                                cells.day_and_clock(d.started_at),
                                cells.short_id(d.id),
                            ),
                        )
                        for d in reversed(history)
                    ],
                )
        for deployment in running:
            self._watch(deployment)
        if self.stack is not None:
            self._fill_resources(await source.resources(self.stack))
            self._fill(
                "event-table",
                [
                    (str(e.id), (cells.clock(e.at), e.kind, e.actor, e.message))
                    for e in reversed(await source.events(self.stack, EVENTS_SHOWN))
                ],
            )
        self._fill(
            "ipr-table",
            [
                (str(i.id), (str(i.id), i.stack, cells.status(i.status), i.author, i.title))
                for i in reversed(await source.iprs())
            ],
        )
        if self.rounds % ENGINE_EVERY == 0:
            self._fill(
                "engine-table", [(e.name, (e.name, cells.health(e.ok), e.detail)) for e in await source.engines()]
            )
        self.rounds += 1

    @work(exclusive=True, group="drift")
    async def check_drift(self, stack: str) -> None:
        self.notify(f"reading {stack} through its engines…", title="drift", timeout=2)
        try:
            report = await self.source.drift(stack)
        except AlmaError as error:
            self.notify(str(error), title="drift", severity="error", timeout=8)
            return
        if stack != self.stack:
            return
        self.drift_report = report
        try:
            self._fill_resources(await self.source.resources(stack))
        except NoMatches:
            return  # the app is closing
        found = report.differences()
        if found:
            names = ", ".join(f"{r.resource} ({r.drift.replace('_', ' ')})" for r in found)
            self.notify(f"{len(found)} resource(s) differ: {names}", title=f"drift in {stack}", severity="warning")
        else:
            self.notify(f"{stack} is as recorded", title="no drift")

    def _watch(self, deployment: DeploymentRow) -> None:
        if deployment.id in self.followed:
            return
        widget = LiveDeployment(deployment)
        self.followed[deployment.id] = widget
        live = self.query_one("#live", VerticalScroll)
        for idle in live.query("#idle"):
            idle.remove()
        live.mount(widget, before=0)
        self.follow(widget)

    @work(group="follow")
    async def follow(self, widget: LiveDeployment) -> None:
        try:
            async for event in self.source.follow(widget.deployment.id):
                widget.advance(event)
            widget.ended("ended")
        except NoMatches:
            return  # taken down while it streamed (the app is closing)
        except AlmaError as error:
            self.notify(str(error), title=f"deployment {cells.short_id(widget.deployment.id)}", severity="error")
        finished = [w for w in self.followed.values() if w.outcome is not None]
        for old in finished[:-FINISHED_KEPT]:
            del self.followed[old.deployment.id]
            await old.remove()

    # -- tables ----------------------------------------------------------------------------------

    def _table(self, table_id: str) -> DataTable[object]:
        return self.query_one(f"#{table_id}", DataTable)

    def _fill_stacks(self, stacks: list[StackRow]) -> None:
        self._fill(
            "stack-table",
            [(s.name, (s.name, str(s.revision), str(s.resources), cells.day_and_clock(s.updated_at))) for s in stacks],
            keep=self.stack,
        )
        title = f"Resources of {self.stack}" if self.stack else "No stack recorded yet: deploy one (`alma deploy FILE`)"
        self.query_one("#stack-title", Static).update(title)

    def _fill_resources(self, resources: list[ResourceRow]) -> None:
        report = self.drift_report
        drift = {r.resource: r.drift for r in report.resources} if report is not None else {}
        rows = [
            (
                r.name,
                (
                    r.name,
                    r.type,
                    r.provider,
                    cells.status(r.status),
                    cells.drift(drift.get(r.name)),
                    cells.specs(r.specs),
                ),
            )
            for r in resources
        ]
        if report is not None:  # what the engine holds but nobody recorded has no row of its own
            rows += [
                (r.resource, (r.resource, r.type, r.provider, cells.status("unrecorded"), cells.drift(r.drift), ""))
                for r in report.resources
                if r.drift == "unmanaged"
            ]
        self._fill("resource-table", rows)

    def _fill(self, table_id: str, rows: Sequence[tuple[str, Sequence[object]]], keep: str | None = None) -> None:
        """Replace a table's rows, keeping the cursor on the same row (by key) when it is still there."""
        table = self._table(table_id)
        current = keep
        if current is None and table.row_count:
            current = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        # A refill moves the cursor: that is not someone choosing a row, so its messages are not sent.
        with self.prevent(DataTable.RowHighlighted, DataTable.RowSelected):
            table.clear()
            for key, values in rows:
                table.add_row(*values, key=key)
            keys = [key for key, _ in rows]
            if current in keys:
                table.move_cursor(row=keys.index(current), animate=False)
