"""The real Docker daemon the Docker engine's tests use, found once when the tests are collected.

``scripts/dockerd`` starts it and prints ``ALMA_TEST_DOCKER=1``; without that the tests skip. The
variable is read at import, before the suite's autouse fixture strips ``ALMA_*`` from the environment.
Tests clean up only what they made: objects labelled ``alma.managed=true`` for their own stack, plus the
unlabelled objects they created on purpose, by name.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import docker
import pytest

from alma.engines import Engine, EngineContext
from alma.engines.docker import create_engine
from alma.engines.memory import MemoryKeyValueStore
from alma.settings import Settings

ENABLED = os.environ.get("ALMA_TEST_DOCKER") == "1"
SKIP_REASON = 'ALMA_TEST_DOCKER is not set: run `eval "$(scripts/dockerd)"` to start a local Docker daemon'
IMAGE = os.environ.get("ALMA_TEST_DOCKER_IMAGE", "alma-test/busybox")
IMAGE_1, IMAGE_2 = f"{IMAGE}:1", f"{IMAGE}:2"  # two tags of one local image: scripts/dockerd makes both
HOST = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
# PID 1 ignores SIGTERM unless it handles it: this one does, so a stop takes no 10 s grace period.
SLEEPER = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]


def require_docker() -> None:
    if not ENABLED:
        pytest.skip(SKIP_REASON)


def unique_stack(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def make_engine(home: Path, host: str = HOST, timeout_s: float = 30.0) -> Engine:
    settings = Settings(home=home, docker_host=host, docker_timeout_s=timeout_s)
    return create_engine(EngineContext(settings, lambda _namespace: MemoryKeyValueStore()))


def sweep(client: docker.DockerClient, stack: str) -> None:
    """Remove every ALMA-labelled object of ``stack``: containers first, they hold networks and volumes."""
    labels: dict[str, str | list[str] | bool] = {"label": ["alma.managed=true", f"alma.stack={stack}"]}
    for container in client.containers.list(all=True, filters=labels):
        container.remove(force=True, v=True)
    for network in client.networks.list(filters=labels):
        network.remove()
    for volume in client.volumes.list(filters=labels):
        volume.remove(force=True)


async def wait_until(condition: Callable[[], Awaitable[bool]], *, timeout_s: float = 20.0, what: str) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` when it does not within the timeout."""
    async with asyncio.timeout(timeout_s):
        # The daemon offers no event to await for these conditions: poll, briefly, until they hold.
        while not await condition():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    assert await condition(), what
