"""Fixtures: a fakepve served over real HTTPS on loopback, and engines built against it from settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from alma.engines import ResourceRef
from alma.engines.proxmox import ProxmoxEngine
from tests.integration.proxmox.fakes import Served, serve

EngineMaker = Callable[..., ProxmoxEngine]


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    async with serve(tmp_path / "pve") as running:
        yield running


@pytest.fixture
async def make_engine(served: Served, tmp_path: Path) -> AsyncIterator[EngineMaker]:
    built: list[ProxmoxEngine] = []

    def make(**overrides: Any) -> ProxmoxEngine:
        clock = overrides.pop("clock", None)
        engine = ProxmoxEngine(served.settings(tmp_path / "home", **overrides), clock=clock)
        built.append(engine)
        return engine

    yield make
    for engine in built:
        await engine.aclose()


@pytest.fixture
def engine(make_engine: EngineMaker) -> ProxmoxEngine:
    return make_engine()


def ref(name: str, stack: str = "lab") -> ResourceRef:
    return ResourceRef(stack, name, "compute")
