"""Blocking work of the store (the embedded database's file, a lock file) off the event loop, when there is one.

While an event loop runs (the API, an apply), a read of the file runs in a worker thread so the loop never
waits on it. A read command runs without an event loop (``alma.cli.commands.run_reading``): nothing else
waits then, so the work runs right where it is asked for, and such a process never imports asyncio for it
(~15 ms of CPU: asyncio and the ssl module it loads).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def in_thread(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)``: in a worker thread when an event loop runs in this thread, else here."""
    asyncio = sys.modules.get("asyncio")  # not imported: no event loop can be running
    if asyncio is None or asyncio._get_running_loop() is None:
        return function(*args)
    result: T = await asyncio.to_thread(function, *args)
    return result
