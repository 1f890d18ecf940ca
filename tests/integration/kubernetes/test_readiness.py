"""Applying a Deployment waits until it is rolled out, and says so clearly when it is not in time."""

from __future__ import annotations

import asyncio

import kmock
import pytest

from alma.engines import Engine, Readiness, ResourceRef
from alma.errors import PermanentEngineError
from tests.integration.kubernetes.cluster import ApplyingCluster
from tests.integration.kubernetes.world import MakeEngine

WEB = ResourceRef("shop", "web", "service")


async def test_apply_returns_only_once_every_replica_is_available(engine: Engine, cluster: ApplyingCluster) -> None:
    cluster.deployments_stall = True
    desired = engine.normalize("service", {"replicas": 3})
    applying = asyncio.create_task(engine.apply(engine.diff(WEB, desired, None)))
    await asyncio.wait_for(cluster.deployment_applied.wait(), timeout=5)
    assert not applying.done()  # applied, not rolled out: the engine must still be waiting

    cluster.finish_rollout("default", "web")
    observed = await asyncio.wait_for(applying, timeout=5)

    assert observed is not None
    assert observed.status == "running"
    fetches = list(cluster[kmock.action.FETCH, kmock.resource("apps/v1/deployments"), kmock.name("web")])
    assert len(fetches) >= 2  # the namesake check, then at least one readiness poll


async def test_a_deployment_not_ready_in_time_is_an_error_naming_the_timeout(
    make_engine: MakeEngine, cluster: ApplyingCluster
) -> None:
    cluster.deployments_stall = True
    engine = make_engine(kube_ready_timeout_s=0.3)
    desired = engine.normalize("service", {"replicas": 2})

    with pytest.raises(PermanentEngineError, match=r"not ready within 0.3s.*0/2 replicas available") as raised:
        await engine.apply(engine.diff(WEB, desired, None))

    assert raised.value.resource == "web"
    observed = await engine.read(WEB)  # labelled, so a re-plan sees it and a retried create adopts it
    assert observed is not None
    assert observed.status == "progressing"


async def test_zero_replicas_are_ready_as_soon_as_the_controller_has_seen_them(
    engine: Engine, cluster: ApplyingCluster
) -> None:
    cluster.deployments_stall = True
    observed = await engine.apply(engine.diff(WEB, engine.normalize("service", {"replicas": 0}), None))
    assert observed is not None
    assert observed.status == "stopped"


async def test_readiness_names_a_deployment_that_has_not_rolled_out(
    make_engine: MakeEngine, cluster: ApplyingCluster
) -> None:
    engine = make_engine()
    assert isinstance(engine, Readiness)
    assert await engine.ready(WEB) == "it does not exist"
    await engine.apply(engine.diff(WEB, engine.normalize("service", {}), None))
    assert await engine.ready(WEB) is None

    cluster.deployments_stall = True
    change = engine.diff(WEB, engine.normalize("service", {"replicas": 2}), await engine.read(WEB))
    with pytest.raises(PermanentEngineError):
        await make_engine(kube_ready_timeout_s=0.2).apply(change)
    assert await engine.ready(WEB) == "its Deployment is progressing"
