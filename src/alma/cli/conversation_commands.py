"""Not built yet (issue #5): every command here refuses clearly instead of pretending."""

from __future__ import annotations

from alma.cli.failures import reported
from alma.errors import NotBuiltError


def intent(text: str, session: str | None, json_output: bool) -> None:
    with reported(False):
        raise NotBuiltError("`alma intent` is not built yet (issue #5)")
