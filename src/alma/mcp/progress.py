"""Progress notifications for long tool calls.

The services report an apply's progress synchronously (``ApplyProgress.begin/advance``, called from the
executor on the event loop); MCP progress is an async notification. This adapter queues each step and a
pump task sends them in order, so the executor never waits on the client. The pump is drained before
the tool returns: every notification precedes the result. When the request is cancelled (its client
left), the pump stops and the apply, which outlives it (``changing.Applies``), reports to nobody.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from mcp.server.mcpserver import Context

from alma.planning import Outcome

Step = tuple[float, float | None, str]


class ToolProgress:
    """An ``ApplyProgress`` that sends MCP progress notifications (no-ops when the client sent no token)."""

    def __init__(self, ctx: Context[Any, Any]) -> None:
        self._ctx = ctx
        self._queue: asyncio.Queue[Step | None] = asyncio.Queue()
        self._done = 0
        self._total: float | None = None

    def step(self, message: str, progress: float, total: float | None = None) -> None:
        self._queue.put_nowait((progress, total, message))

    def begin(self, total: int) -> None:
        self._total = float(total)
        self._queue.put_nowait((0.0, self._total, f"applying {total} action(s)"))

    def advance(self, outcome: Outcome) -> None:
        self._done += 1
        message = f"{outcome.action.action} {outcome.action.resource}: {outcome.status}"
        self._queue.put_nowait((float(self._done), self._total, message))

    async def _pump(self) -> None:
        while (item := await self._queue.get()) is not None:
            progress, total, message = item
            await self._ctx.report_progress(progress, total, message)

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, ctx: Context[Any, Any]) -> AsyncIterator[ToolProgress]:
        progress = cls(ctx)
        pump = asyncio.get_running_loop().create_task(progress._pump())
        try:
            yield progress
        except BaseException:
            pump.cancel()
            raise
        progress._queue.put_nowait(None)
        await pump
