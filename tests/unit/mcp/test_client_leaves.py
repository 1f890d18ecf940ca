"""A client that leaves mid-apply (cancels the call, or drops the connection: the SDK cancels the request
either way) through the SDK's in-memory client over the real services (SQLite and PostgreSQL): the run
finishes and records its outcome, the lock is released, and the next call on the session works."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from mcp import Client

from alma.bootstrap import Services, build
from alma.mcp import Applies, create_server
from tests.conftest import make_settings
from tests.helpers import blueprint_text, compute
from tests.unit.mcp.connect import call, text

CHAIN = [compute(f"r{i}", [f"r{i - 1}"] if i else []) for i in range(4)]  # one action at a time


async def test_an_apply_whose_client_leaves_finishes_and_records_everything(tmp_path: Path, database_url: str) -> None:
    # Each fake action takes 150 ms, so the call is cancelled with three of four actions still to run.
    settings = make_settings(tmp_path / "home", database_url, fake_latency_ms=150)
    applies = Applies()
    async with await build(settings) as services, Client(create_server(services, applies=applies)) as client:
        planned = await call(client, "plan_blueprint", blueprint=blueprint_text("demo", CHAIN))
        first_done = asyncio.Event()

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            if progress >= 1:
                first_done.set()

        arguments = {"plan_id": planned["plan"]["plan_id"]}
        leaving = asyncio.create_task(client.call_tool("apply_plan", arguments, progress_callback=on_progress))
        await first_done.wait()
        leaving.cancel()
        await asyncio.gather(leaving, return_exceptions=True)
        assert applies.running == 1  # the run outlived its request
        await applies.finished()
        history = await services.stacks.history("demo")
        recorded = await services.stacks.resources("demo")
        lock = await services.stacks.lock("demo")
        state = await call(client, "get_state", stack="demo")  # the session goes on
    assert [(d.revision, d.status) for d in history] == [(1, "succeeded")]
    assert sorted(r.name for r in recorded) == ["r0", "r1", "r2", "r3"]
    assert lock is None
    assert state["revision"] == 1 and state["lock"] is None


async def test_a_refused_apply_its_client_reads_is_not_logged_as_one_whose_client_left(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    async with Client(create_server(services)) as client:
        planned = await call(client, "plan_blueprint", blueprint=blueprint_text("demo", CHAIN))
        # Refused inside the run (the lock is taken when it starts), with the client there to read it.
        async with services.deployments.locks.held("demo", "someone else's change"):
            with caplog.at_level(logging.INFO, logger="alma.mcp"):
                locked = await client.call_tool("apply_plan", {"plan_id": planned["plan"]["plan_id"]})
    assert locked.is_error and "StackLockedError" in text(locked) and "someone else's change" in text(locked)
    assert not [r for r in caplog.records if r.name.startswith("alma.mcp")]
