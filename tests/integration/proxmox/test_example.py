"""The Proxmox example blueprint plans against fakepve."""

from __future__ import annotations

from pathlib import Path

from alma.bootstrap import build
from tests.integration.proxmox.fakes import Served

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "proxmox-stack.yaml"


async def test_the_proxmox_example_plans_against_fakepve(served: Served, tmp_path: Path) -> None:
    text = EXAMPLE.read_text()
    settings = served.settings(tmp_path / "home", approval_actions=[], approval_environments=[])
    async with await build(settings) as services:
        plan = (await services.plans.plan_blueprint(text, EXAMPLE.name)).plan
    assert [(a.resource, a.action) for a in plan.actions] == [("proxy", "create"), ("app", "create")]
