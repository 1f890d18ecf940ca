"""The dashboard app: says who acts (the source's user, or the key's holder and role) and shows ``Home``.
Opening an IPR pushes its own screen (``reviews``); ``q`` quits from anywhere."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from alma.cli.dashboard.home import Home
from alma.cli.dashboard.source import DataSource
from alma.errors import AlmaError


class DashboardApp(App[None]):
    TITLE = "ALMA"
    ENABLE_COMMAND_PALETTE = False  # every action has its key in the footer
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def __init__(self, source: DataSource, *, refresh_s: float = 2.0) -> None:
        super().__init__()
        self.source = source
        self.home = Home(source, refresh_s)

    async def on_mount(self) -> None:
        try:
            who = await self.source.actor()
        except AlmaError as error:
            self.sub_title = f"{self.source.where} · {error}"
        else:
            role = f" ({who.role})" if who.role else ""
            self.sub_title = f"acting as {who.name}{role} · {self.source.where}"
        await self.push_screen(self.home)
