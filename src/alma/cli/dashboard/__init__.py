"""``alma dashboard``: a terminal app over the local store, or over a remote ``alma serve`` (``--url``
and a key). Textual is imported here only, when the command runs, so no other command pays for it."""

from __future__ import annotations

import asyncio
import sys

from alma.cli.failures import reported
from alma.errors import InvalidInputError
from alma.settings import Settings


def run(url: str | None, key: str | None, refresh_s: float) -> None:
    with reported(False):
        if url is not None:
            from alma.cli.dashboard.remote import check_remote

            check_remote(url, key)
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise InvalidInputError(
                "alma dashboard is interactive: run it in a terminal (for scripts: alma state list / "
                "history / ipr list / engines / events / drift, each with --json)"
            )
        asyncio.run(_main(url, key, refresh_s))


async def _main(url: str | None, key: str | None, refresh_s: float) -> None:
    from alma.cli.dashboard.app import DashboardApp
    from alma.cli.dashboard.local import LocalSource
    from alma.cli.dashboard.remote import RemoteSource
    from alma.cli.dashboard.source import DataSource

    source: DataSource = RemoteSource(url, key or "") if url else await LocalSource.open(Settings())
    try:
        await DashboardApp(source, refresh_s=refresh_s).run_async()
    finally:
        await source.aclose()
