"""Fixtures over the real daemon: an SDK client for looking behind the engine, a stack of one's own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import docker
import pytest

from alma.engines import Engine
from tests.integration.docker.daemon import HOST, make_engine, require_docker, sweep, unique_stack


@pytest.fixture
def sdk() -> Iterator[docker.DockerClient]:
    """The daemon seen directly, to check what the engine did and to make objects ALMA does not own."""
    require_docker()
    client = docker.DockerClient(base_url=HOST, timeout=30)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def stack(sdk: docker.DockerClient) -> Iterator[str]:
    name = unique_stack()
    try:
        yield name
    finally:
        sweep(sdk, name)


@pytest.fixture
async def engine(tmp_path: Path, stack: str) -> AsyncIterator[Engine]:
    built = make_engine(tmp_path / "home")
    try:
        yield built
    finally:
        await built.aclose()
