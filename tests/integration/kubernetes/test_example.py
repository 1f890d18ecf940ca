"""The Kubernetes example blueprint plans against the emulated cluster."""

from __future__ import annotations

from pathlib import Path

from alma.bootstrap import build
from tests.conftest import make_settings

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "kubernetes-stack.yaml"


async def test_the_kubernetes_example_plans_against_the_emulated_cluster(kubeconfig: Path, tmp_path: Path) -> None:
    text = EXAMPLE.read_text()
    async with await build(make_settings(tmp_path / "home", kubeconfig=kubeconfig)) as services:
        plan = (await services.plans.plan_blueprint(text, EXAMPLE.name)).plan
    assert plan.actions
    assert plan.summary()["create"] == len(plan.actions)
