"""Not built yet (issue #7): every command here refuses clearly instead of pretending."""

from __future__ import annotations

from alma.cli.failures import reported
from alma.errors import NotBuiltError


def serve(*, http: bool, host: str, port: int, read_only: bool) -> None:
    with reported(False):
        raise NotBuiltError("`alma serve` is not built yet (issue #7)")
