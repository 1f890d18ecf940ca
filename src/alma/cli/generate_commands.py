"""Not built yet (issue #5): every command here refuses clearly instead of pretending."""

from __future__ import annotations

from alma.cli.failures import reported
from alma.errors import NotBuiltError


def generate(text: str, provider: str, out: str | None, json_output: bool) -> None:
    with reported(False):
        raise NotBuiltError("`alma generate` is not built yet (issue #5)")


def council(text: str, provider: str, json_output: bool) -> None:
    with reported(False):
        raise NotBuiltError("`alma council` is not built yet (issue #5)")
