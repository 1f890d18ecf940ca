"""Exporting the Kubernetes example on the emulated cluster: hashicorp/kubernetes resources for each
object the engine applied, imported by NAMESPACE/NAME (a namespace by its name)."""

from __future__ import annotations

from pathlib import Path

from alma.bootstrap import build
from tests.conftest import make_settings
from tests.integration.export_check import addresses_in, check_terraform
from tests.integration.kubernetes.cluster import ApplyingCluster
from tests.integration.kubernetes.test_example import EXAMPLE
from tests.unit.services.test_drift import deploy


async def test_terraform_of_the_kubernetes_example_imports_every_object_it_made(
    cluster: ApplyingCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    async with await build(make_settings(tmp_path / "home", kubeconfig=kubeconfig)) as services:
        await deploy(services, EXAMPLE.read_text())
        exported = await services.export.export("shop", "terraform")
        recorded = await services.stacks.resources("shop")
    document = check_terraform(exported, recorded)
    imported = {r.address: r.imported for r in exported.resources}
    assert imported == {
        "kubernetes_namespace_v1.shop": "shop",
        "kubernetes_persistent_volume_claim_v1.cache-data": "shop/cache-data",
        "kubernetes_deployment_v1.cache": "shop/cache",
        "kubernetes_service_v1.cache": "shop/cache",
        "kubernetes_config_map_v1.web": "shop/web-config",
        "kubernetes_deployment_v1.web": "shop/web",
        "kubernetes_service_v1.web": "shop/web",
    }
    service = addresses_in(document)["kubernetes_service_v1.web"]["spec"][0]
    assert service["type"] == "LoadBalancer" and [p["port"] for p in service["port"]] == [80, 443]
