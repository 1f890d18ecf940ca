"""Only objects labelled as ALMA's, for this stack and name, are seen, changed or deleted."""

from __future__ import annotations

from typing import Any

import kmock
import pytest

from alma.engines import Engine, Observed, ResourceRef
from alma.errors import PermanentEngineError
from tests.integration.kubernetes.cluster import ApplyingCluster

DEPLOYMENTS = kmock.resource("apps/v1/deployments")
WEB = ResourceRef("shop", "web", "service")


def _deployment(labels: dict[str, str], *, selector: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "uid": "someone-elses", "labels": labels, "generation": 1},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": selector or {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "app", "image": "nginx:stable"}]}},
        },
    }


@pytest.mark.parametrize(
    "labels",
    [{"app": "web"}, {"app.kubernetes.io/managed-by": "alma", "alma.dev/stack": "other", "alma.dev/name": "web"}],
    ids=["unlabelled", "another-stack"],
)
async def test_objects_not_labelled_for_this_resource_are_invisible_and_untouched(
    engine: Engine, cluster: ApplyingCluster, labels: dict[str, str]
) -> None:
    cluster.objects[DEPLOYMENTS, "default", "web"] = _deployment(labels)

    assert await engine.read(WEB) is None
    assert (await engine.read_many([WEB]))[WEB.key] is None
    stale = Observed(WEB, engine.normalize("service", {}), "running", "someone-elses")
    assert await engine.apply(engine.diff(WEB, None, stale)) is None
    assert not cluster.objects[DEPLOYMENTS, "default", "web"].deleted
    with pytest.raises(PermanentEngineError, match="already exists and is not managed by ALMA"):
        await engine.apply(engine.diff(WEB, engine.normalize("service", {}), None))
    assert cluster.objects[DEPLOYMENTS, "default", "web"]["metadata"]["labels"] == labels


async def test_a_deployment_with_a_foreign_selector_plans_as_replace_and_is_recreated(
    engine: Engine, cluster: ApplyingCluster
) -> None:
    ours = {"app.kubernetes.io/managed-by": "alma", "alma.dev/stack": "shop", "alma.dev/name": "web"}
    cluster.objects[DEPLOYMENTS, "default", "web"] = _deployment(ours, selector={"app": "web"})
    desired = engine.normalize("service", {})

    change = engine.diff(WEB, desired, await engine.read(WEB))

    assert change.action == "replace"
    assert any(f.path == "selector" and f.forces_replace for f in change.fields)
    observed = await engine.apply(change)
    assert observed is not None
    assert observed.external_id != "someone-elses"
    assert engine.diff(WEB, desired, observed).action == "noop"


async def test_fields_owned_by_another_manager_are_taken_over_only_with_force(
    engine: Engine, cluster: ApplyingCluster
) -> None:
    ours = {"app.kubernetes.io/managed-by": "alma", "alma.dev/stack": "shop", "alma.dev/name": "web"}
    seeded = _deployment(ours, selector={"alma.dev/stack": "shop", "alma.dev/name": "web"})
    seeded["metadata"]["managedFields"] = [{"manager": "kubectl", "operation": "Update"}]
    cluster.objects[DEPLOYMENTS, "default", "web"] = seeded
    observed = await engine.read(WEB)

    plain = engine.normalize("service", {"replicas": 2})
    with pytest.raises(PermanentEngineError, match="force: true"):
        await engine.apply(engine.diff(WEB, plain, observed))

    forced = engine.normalize("service", {"replicas": 2, "force": True})
    after = await engine.apply(engine.diff(WEB, forced, observed))
    assert after is not None
    assert after.specs == forced
