"""Every template that renders for Proxmox VE plans against fakepve over HTTPS."""

from __future__ import annotations

from pathlib import Path

from alma.templates import CATALOGUE
from tests.integration.proxmox.fakes import Served
from tests.integration.templates_plan import plan_every_template


async def test_every_proxmox_template_plans_against_fakepve(served: Served, tmp_path: Path) -> None:
    settings = served.settings(tmp_path / "home", approval_actions=[], approval_environments=[])
    guests = len(served.pve.vms) + len(served.pve.cts)
    planned = await plan_every_template(settings, "proxmox", "tpl")
    assert planned == [t.name for t in CATALOGUE if "proxmox" in t.providers]
    assert len(served.pve.vms) + len(served.pve.cts) == guests  # planning made nothing
