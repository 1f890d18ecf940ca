"""Fixtures: an emulated cluster over real HTTP, a kubeconfig pointing at it, and engines using it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from alma.engines import Engine
from tests.integration.kubernetes.cluster import ApplyingCluster
from tests.integration.kubernetes.world import MakeEngine, engine_for, running_cluster, write_kubeconfig


@pytest.fixture
async def cluster() -> AsyncIterator[ApplyingCluster]:
    async with running_cluster() as running:
        yield running


@pytest.fixture
def kubeconfig(cluster: ApplyingCluster, tmp_path: Path) -> Path:
    return write_kubeconfig(tmp_path / "kubeconfig", str(cluster.url))


@pytest.fixture
async def make_engine(kubeconfig: Path, tmp_path: Path) -> AsyncIterator[MakeEngine]:
    built: list[Engine] = []

    def make(**settings: Any) -> Engine:
        engine = engine_for(settings.pop("kubeconfig", kubeconfig), tmp_path / "home", **settings)
        built.append(engine)
        return engine

    yield make
    for engine in built:
        await engine.aclose()  # unclosed httpx clients would warn, and warnings are errors


@pytest.fixture
def engine(make_engine: MakeEngine) -> Engine:
    return make_engine()
