"""Applying each kind by server-side apply, reading back, re-planning as noop, and deleting."""

from __future__ import annotations

from typing import Any

import kmock

from alma.engines import Engine, ResourceRef
from tests.integration.kubernetes.cluster import NAMESPACES, ApplyingCluster

DEPLOYMENTS = kmock.resource("apps/v1/deployments")
SERVICES = kmock.resource("v1/services")
CONFIG_MAPS = kmock.resource("v1/configmaps")
CLAIMS = kmock.resource("v1/persistentvolumeclaims")
OWNED = {"app.kubernetes.io/managed-by": "alma", "alma.dev/stack": "shop"}


async def _create(engine: Engine, ref: ResourceRef, specs: dict[str, Any]) -> dict[str, Any]:
    desired = engine.normalize(ref.type, specs)
    assert engine.check(ref.type, specs) == []
    change = engine.diff(ref, desired, None)
    assert change.action == "create"
    assert await engine.apply(change) is not None
    return desired


async def test_a_service_is_applied_server_side_as_a_deployment_a_service_and_a_config_map(
    engine: Engine, cluster: ApplyingCluster
) -> None:
    ref = ResourceRef("shop", "web", "service")
    specs = {"namespace": "apps", "image": "nginx:1.27", "replicas": 2, "ports": [443, 80], "config": {"A": "1"}}
    await _create(engine, ref, specs)

    patches = list(cluster[kmock.method.PATCH])
    assert {(r.resource, r.name) for r in patches} == {
        (DEPLOYMENTS, "web"),
        (SERVICES, "web"),
        (CONFIG_MAPS, "web-config"),
    }
    for request in patches:
        assert request.headers["Content-Type"] == "application/apply-patch+yaml"
        assert request.params == {"fieldManager": "alma"}  # no force unless the specs ask for it
        assert request.data["metadata"]["labels"] == OWNED | {"alma.dev/name": "web"}
        assert request.namespace == "apps"
    deployment = cluster.objects[DEPLOYMENTS, "apps", "web"]
    assert deployment["spec"]["replicas"] == 2
    assert deployment["spec"]["template"]["spec"]["containers"][0]["envFrom"] == [
        {"configMapRef": {"name": "web-config"}}
    ]
    assert [p["port"] for p in cluster.objects[SERVICES, "apps", "web"]["spec"]["ports"]] == [80, 443]


async def test_storage_and_network_are_a_claim_and_a_namespace(engine: Engine, cluster: ApplyingCluster) -> None:
    await _create(engine, ResourceRef("shop", "data", "storage"), {"namespace": "apps", "size": "20G"})
    await _create(engine, ResourceRef("shop", "apps", "network"), {"labels": {"team": "web"}})

    claim = cluster.objects[CLAIMS, "apps", "data"]
    assert claim["spec"]["resources"] == {"requests": {"storage": "20Gi"}}
    assert claim["metadata"]["labels"] == OWNED | {"alma.dev/name": "data"}
    assert cluster.objects[NAMESPACES, None, "apps"]["metadata"]["labels"]["team"] == "web"


async def test_force_is_sent_only_when_the_specs_ask_for_it(engine: Engine, cluster: ApplyingCluster) -> None:
    await _create(engine, ResourceRef("shop", "data", "storage"), {"size": 5, "force": True})
    (patch,) = list(cluster[kmock.method.PATCH])
    assert patch.params == {"fieldManager": "alma", "force": "true"}


async def test_every_kind_reads_back_as_desired_and_replans_as_noop(engine: Engine) -> None:
    cases: list[tuple[ResourceRef, dict[str, Any]]] = [
        (ResourceRef("shop", "web", "service"), {"image": "nginx:1.27", "ports": [80], "env": {"B": "2", "A": "1"}}),
        (ResourceRef("shop", "worker", "service"), {"image": "busybox", "replicas": 0}),
        (ResourceRef("shop", "data", "storage"), {"size": "1G", "storage_class": "fast"}),
        (ResourceRef("shop", "cache", "storage"), {"size": 2}),  # the API fills the default class in
        (ResourceRef("shop", "edge", "network"), {}),
    ]
    for ref, specs in cases:
        desired = await _create(engine, ref, specs)
        observed = await engine.read(ref)
        assert observed is not None
        assert observed.specs == desired, ref
        assert engine.diff(ref, desired, observed).action == "noop", ref


async def test_reading_what_was_never_created_returns_none(engine: Engine) -> None:
    for kind in ("service", "storage", "network"):
        assert await engine.read(ResourceRef("shop", "nothing", kind)) is None


async def test_removing_ports_and_config_deletes_the_service_and_the_config_map(
    engine: Engine, cluster: ApplyingCluster
) -> None:
    ref = ResourceRef("shop", "web", "service")
    await _create(engine, ref, {"ports": [80], "config": {"A": "1"}})
    desired = engine.normalize("service", {})
    change = engine.diff(ref, desired, await engine.read(ref))
    assert change.action == "update"
    await engine.apply(change)
    assert cluster.objects[SERVICES, "default", "web"].deleted
    assert cluster.objects[CONFIG_MAPS, "default", "web-config"].deleted
    observed = await engine.read(ref)
    assert observed is not None
    assert observed.specs == desired


async def test_a_deleted_service_leaves_none_of_its_objects(engine: Engine, cluster: ApplyingCluster) -> None:
    ref = ResourceRef("shop", "web", "service")
    desired = await _create(engine, ref, {"ports": [80], "config": {"A": "1"}})
    assert await engine.apply(engine.diff(ref, None, await engine.read(ref))) is None
    assert desired
    for key in ((DEPLOYMENTS, "default", "web"), (SERVICES, "default", "web"), (CONFIG_MAPS, "default", "web-config")):
        assert cluster.objects[key].deleted
    assert await engine.read(ref) is None
