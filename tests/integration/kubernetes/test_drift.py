"""Drift against the emulated cluster over real HTTP: a Deployment scaled by someone else, a claim deleted,
and a claim labelled as the stack's that ALMA never recorded; the recorded blueprint puts each back."""

from __future__ import annotations

import json
from pathlib import Path

import kmock

from alma.engines import Change, ResourceRef
from tests.conftest import make_settings
from tests.integration.drift_cycle import drift_cycle
from tests.integration.kubernetes.cluster import ApplyingCluster
from tests.integration.kubernetes.world import engine_for

DEPLOYMENTS = kmock.resource("apps/v1/deployments")
CLAIMS = kmock.resource("v1/persistentvolumeclaims")
BLUEPRINT = json.dumps(
    {
        "version": "1.0",
        "name": "shop",
        "resources": [
            {"type": "service", "name": "web", "provider": "kubernetes", "specs": {"namespace": "apps", "replicas": 2}},
            {"type": "storage", "name": "data", "provider": "kubernetes", "specs": {"namespace": "apps", "size": "1G"}},
        ],
    }
)


async def test_changed_missing_and_unmanaged_kubernetes_objects_are_reported_and_repaired(
    cluster: ApplyingCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "home", kubeconfig=kubeconfig)
    outside = engine_for(kubeconfig, tmp_path / "outside")  # another ALMA, or a person, acting on the cluster

    async def disturb() -> None:
        cluster.objects[DEPLOYMENTS, "apps", "web"].patch({"spec": {"replicas": 5}})  # someone's `kubectl scale`
        await outside.apply(Change("delete", ResourceRef("shop", "data", "storage"), None, None))
        ghost = ResourceRef("shop", "ghost", "storage")
        specs = outside.normalize("storage", {"namespace": "apps", "size": "1G"})
        await outside.apply(outside.diff(ghost, specs, None))

    try:
        report = await drift_cycle(
            settings,
            "shop",
            BLUEPRINT,
            disturb,
            [("web", "changed", "update"), ("data", "missing", "create"), ("ghost", "unmanaged", "delete")],
        )
    finally:
        await outside.aclose()
    web = next(r for r in report.resources if r.resource == "web")
    assert [(f.path, f.recorded, f.actual) for f in web.fields] == [("replicas", 2, 5)]
    assert cluster.objects[DEPLOYMENTS, "apps", "web"]["spec"]["replicas"] == 2
    live_claims = {key[2] for key, obj in cluster.objects.items() if key[0] == CLAIMS and not obj.deleted}
    assert live_claims == {"data"}
