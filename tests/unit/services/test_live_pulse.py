"""Live events without Redis, across processes: one pulse per process looks at the event log and wakes the
watchers of exactly the deployments that have news — however many streams watch — and stops when nobody
watches; one look at a run's liveness is shared by every stream of it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alma.bootstrap import build
from alma.services.live import LiveEvents
from tests.conftest import make_settings


async def test_events_written_by_another_process_wake_only_their_watchers(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, live_poll_s=0.05)
    reader, writer = await build(settings), await build(settings)  # two processes' worth of services
    try:
        async with reader.live.watch("d1") as mine, reader.live.watch("d2") as other:
            mine.arm()
            other.arm()
            # The writer's commit wakes the writer's own watchers only: the reader learns from its pulse.
            writer._store.events.append("web", "resource.created", "made", actor="t", deployment_id="d1")
            await writer._store.buffer.flush()
            assert await mine.wait(5)
            assert not await other.wait(0.2)
    finally:
        await writer.aclose()
        await reader.aclose()


async def test_the_pulse_runs_only_while_someone_watches() -> None:
    looks = 0

    async def counted(after_id: int) -> tuple[int, set[str]]:
        nonlocal looks
        looks += 1
        return max(after_id, 0), set()

    live = LiveEvents(news=counted, poll_s=0.01)
    try:
        async with live.watch("d1") as watcher:
            watcher.arm()
            await watcher.wait(0.2)
        seen = looks
        assert seen >= 2
        await asyncio.sleep(0.1)  # nobody watches now: no look may happen in this window
        assert looks == seen
    finally:
        await live.aclose()


async def test_one_liveness_look_is_shared_by_every_stream_of_a_run(tmp_path: Path) -> None:
    services = await build(make_settings(tmp_path))
    calls = 0
    try:

        async def look() -> str:
            nonlocal calls
            calls += 1
            await asyncio.sleep(0.05)  # a database read in flight while the other streams ask
            return "alive"

        async with services.live.watch("d1"):
            answers = await asyncio.gather(*(services.live.shared_look("d1", 10.0, look) for _ in range(100)))
            assert answers == ["alive"] * 100 and calls == 1
            await services.live.shared_look("d1", 0.0, look)  # older than allowed: looked at again
            assert calls == 2
    finally:
        await services.aclose()
