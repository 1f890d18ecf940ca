"""Networks and volumes on a real daemon, and containers that join and mount them by resource name."""

from __future__ import annotations

from typing import Any

import docker
import pytest

from alma.engines import Engine, JSONDict, Observed, ResourceRef
from alma.errors import PermanentEngineError
from tests.integration.docker.daemon import IMAGE_1, SLEEPER


async def _apply(engine: Engine, ref: ResourceRef, specs: dict[str, Any]) -> tuple[JSONDict, Observed]:
    desired = engine.normalize(ref.type, specs)
    observed = await engine.apply(engine.diff(ref, desired, await engine.read(ref)))
    assert observed is not None
    return desired, observed


async def test_a_container_joins_its_stacks_networks_and_mounts_its_volume(
    engine: Engine, stack: str, sdk: docker.DockerClient
) -> None:
    front, back = ResourceRef(stack, "front", "network"), ResourceRef(stack, "back", "network")
    data = ResourceRef(stack, "data", "storage")
    await _apply(engine, front, {})
    back_desired, _ = await _apply(engine, back, {"subnet": "10.231.7.0/24", "internal": True})
    await _apply(engine, data, {})
    app = ResourceRef(stack, "app", "compute")
    specs = {"image": IMAGE_1, "command": SLEEPER, "networks": ["front", "back"], "volumes": ["data:/data"]}
    desired, observed = await _apply(engine, app, specs)
    assert observed.specs == desired
    attrs = sdk.containers.get(observed.external_id).attrs
    assert set(attrs["NetworkSettings"]["Networks"]) == {f"{stack}_front", f"{stack}_back"}
    assert attrs["NetworkSettings"]["Networks"][f"{stack}_back"]["IPAddress"].startswith("10.231.7.")
    assert attrs["HostConfig"]["Binds"] == [f"{stack}_data:/data:rw"]

    refreshed = await engine.read_many([front, back, data, app])
    assert engine.diff(back, back_desired, refreshed[back.key]).action == "noop"
    assert engine.diff(app, desired, refreshed[app.key]).action == "noop"
    for ref in (app, data, back, front):  # dependents first, as a destroy plan orders them
        assert await engine.apply(engine.diff(ref, None, refreshed[ref.key])) is None
        assert await engine.read(ref) is None


async def test_a_network_change_replaces_it(engine: Engine, stack: str) -> None:
    ref = ResourceRef(stack, "net", "network")
    _, before = await _apply(engine, ref, {"subnet": "10.231.8.0/24"})
    desired = engine.normalize("network", {"subnet": "10.231.9.0/24"})
    planned = engine.diff(ref, desired, before)
    assert planned.action == "replace"
    after = await engine.apply(planned)
    assert after is not None and after.external_id != before.external_id and after.specs == desired


async def test_a_volume_alma_does_not_own_is_invisible_untouched_and_a_conflict(
    engine: Engine, stack: str, sdk: docker.DockerClient
) -> None:
    foreign = sdk.volumes.create(name=f"{stack}_shared")
    try:
        ref = ResourceRef(stack, "shared", "storage")
        assert await engine.read(ref) is None
        with pytest.raises(PermanentEngineError, match="not managed by ALMA"):
            await _apply(engine, ref, {})
        foreign.reload()
        assert not foreign.attrs.get("Labels")
    finally:
        foreign.remove()


async def test_a_network_alma_does_not_own_is_a_conflict(engine: Engine, stack: str, sdk: docker.DockerClient) -> None:
    foreign = sdk.networks.create(f"{stack}_lan")
    try:
        with pytest.raises(PermanentEngineError, match="not managed by ALMA"):
            await _apply(engine, ResourceRef(stack, "lan", "network"), {})
        assert [n.id for n in sdk.networks.list(names=[f"{stack}_lan"])] == [foreign.id]
    finally:
        foreign.remove()
