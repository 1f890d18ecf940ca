"""Every template that renders for Kubernetes plans against the emulated cluster over HTTP."""

from __future__ import annotations

from pathlib import Path

from alma.templates import CATALOGUE
from tests.conftest import make_settings
from tests.integration.kubernetes.cluster import ApplyingCluster
from tests.integration.templates_plan import plan_every_template


async def test_every_kubernetes_template_plans_against_the_emulated_cluster(
    cluster: ApplyingCluster, kubeconfig: Path, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "home", kubeconfig=kubeconfig)
    planned = await plan_every_template(settings, "kubernetes", "tpl")
    assert planned == [t.name for t in CATALOGUE if "kubernetes" in t.providers]
