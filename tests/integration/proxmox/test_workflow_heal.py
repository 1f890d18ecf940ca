"""The deployment workflow against fakepve: Check finds the missing container template, Heal downloads
it and says so, then Execute creates the container."""

from __future__ import annotations

import json
from pathlib import Path

from alma.bootstrap import build
from tests.helpers import run_plan
from tests.integration.proxmox.fakes import ALPINE, Served


async def test_the_workflow_heals_a_missing_template_before_executing(served: Served, tmp_path: Path) -> None:
    settings = served.settings(tmp_path / "home", approval_actions=[], approval_environments=[], user="ops")
    blueprint = json.dumps(
        {
            "version": "1.0",
            "name": "lab",
            "resources": [
                {
                    "type": "compute",
                    "name": "web",
                    "provider": "proxmox",
                    "specs": {"kind": "lxc", "template": "alpine", "cores": 1, "memory": "512M", "disk": "4G"},
                }
            ],
        }
    )
    assert not served.pve.storages["local"].get("volumes")
    async with await build(settings) as services:
        plan = (await services.plans.plan_blueprint(blueprint)).plan
        result = await run_plan(services, plan.id)
        assert result.outcome == "succeeded", result
        heal = [note for note in result.notes if note.startswith("heal:")]
        assert len(heal) == 1
        assert "container template 'alpine' is missing on node 'pve1'" in heal[0]
        assert f"downloaded local:vztmpl/{ALPINE}" in heal[0]
        [web] = await services.stacks.resources("lab")
        assert web.status == "running"
    downloads = [path for method, path, body in served.pve.requests if path.endswith("/download-url")]
    assert len(downloads) == 1  # by Heal; the create found the template in place
