"""Health, and what an engine does without a daemon: these need no Docker and always run."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from alma.engines import ResourceRef
from alma.errors import TransientEngineError
from tests.integration.docker.daemon import make_engine, require_docker


def _closed_port() -> int:
    """A port nothing listens on: bound and released, so a connection there is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_an_engine_is_built_without_a_daemon_and_reports_the_unreachable_endpoint(tmp_path: Path) -> None:
    endpoint = f"tcp://127.0.0.1:{_closed_port()}"
    engine = make_engine(tmp_path, endpoint, timeout_s=2)
    try:
        health = await engine.health()
        assert not health.ok
        assert endpoint in health.detail
    finally:
        await engine.aclose()


async def test_an_unreachable_daemon_is_a_transient_error_naming_the_resource(tmp_path: Path) -> None:
    engine = make_engine(tmp_path, f"tcp://127.0.0.1:{_closed_port()}", timeout_s=2)
    try:
        with pytest.raises(TransientEngineError, match="unreachable") as raised:
            await engine.read(ResourceRef("s", "web", "compute"))
        assert raised.value.resource == "web"
    finally:
        await engine.aclose()


async def test_a_reachable_daemon_is_healthy_and_says_where_it_is(tmp_path: Path) -> None:
    require_docker()
    engine = make_engine(tmp_path)
    try:
        health = await engine.health()
        assert health.ok, health.detail
        assert "API" in health.detail
    finally:
        await engine.aclose()


async def test_a_missing_unix_socket_leaks_no_descriptor(tmp_path: Path) -> None:
    # The SDK's own Unix connect left the failed socket to the garbage collector (a ResourceWarning, an
    # error under this suite's filters, and a descriptor per probe in a long-running server).
    import gc

    engine = make_engine(tmp_path, f"unix://{tmp_path / 'no-daemon.sock'}", timeout_s=2)
    try:
        for _ in range(3):
            assert not (await engine.health()).ok
            with pytest.raises(TransientEngineError, match="unreachable"):
                await engine.read(ResourceRef("s", "web", "compute"))
    finally:
        await engine.aclose()
    gc.collect()  # a leaked socket would be finalised here, with its ResourceWarning turned into an error
