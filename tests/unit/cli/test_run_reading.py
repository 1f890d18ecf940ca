"""``run_reading`` runs a reading body without an event loop on a current embedded database, and with one
whenever the body wants it (or the database is not current yet): the same answers and errors either way."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from alma.bootstrap import Services
from alma.cli.commands import run_reading, run_with_services
from alma.errors import NotFoundError
from alma.settings import Settings
from alma.store.threads import in_thread


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.upper().startswith("ALMA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ALMA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def made_current(home: Path) -> None:
    async def nothing(services: Services) -> None:
        return None

    run_with_services(nothing)  # creates and migrates the embedded database
    assert (home / "alma.db").is_file()


def test_a_reading_body_runs_without_an_event_loop_on_a_current_database(home: Path) -> None:
    made_current(home)
    seen: list[object] = []

    async def body(services: Services) -> list[str]:
        seen.append(asyncio._get_running_loop())
        return [r.name for r in await services.stacks.resources(None)]

    assert run_reading(body) == []
    assert seen == [None]


def test_a_body_that_wants_an_event_loop_is_run_again_with_one(home: Path) -> None:
    made_current(home)
    loops: list[object] = []

    async def body(services: Services) -> int:
        loops.append(asyncio._get_running_loop())
        await asyncio.sleep(0.001)  # needs the running loop
        return len(await services.stacks.resources(None))

    assert run_reading(body) == 0
    assert loops[0] is None and loops[-1] is not None and len(loops) == 2


def test_a_new_database_is_made_with_an_event_loop_as_before(home: Path) -> None:
    loops: list[object] = []

    async def body(services: Services) -> int:
        loops.append(asyncio._get_running_loop())
        return len(await services.stacks.resources(None))

    assert run_reading(body) == 0
    assert len(loops) == 1 and loops[0] is not None
    assert (home / "alma.db").is_file()


def test_errors_of_a_reading_body_are_raised_once_and_unchanged(home: Path) -> None:
    made_current(home)
    calls: list[int] = []

    async def body(services: Services) -> object:
        calls.append(1)
        return await services.stacks.history("nowhere")

    with pytest.raises(NotFoundError) as loop_free:
        run_reading(body)
    with pytest.raises(NotFoundError) as with_loop:
        run_with_services(body)
    assert str(loop_free.value) == str(with_loop.value)
    assert calls == [1, 1]


async def test_store_work_runs_in_a_worker_thread_while_an_event_loop_runs() -> None:
    assert await in_thread(threading.get_ident) != threading.get_ident()


def test_store_work_runs_here_without_an_event_loop() -> None:
    coroutine = in_thread(threading.get_ident)
    with pytest.raises(StopIteration) as done:
        coroutine.send(None)
    assert done.value.value == threading.get_ident()


def test_settings_are_read_once_per_run(home: Path) -> None:
    made_current(home)

    async def body(services: Services) -> Settings:
        return services.settings

    assert run_reading(body).home == home
