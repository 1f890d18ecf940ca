"""Exporting a stack on fakepve: bpg/proxmox resources for a container and a cloned VM, each imported as
NODE/VMID with the node and VM id fakepve gave it."""

from __future__ import annotations

import json
from pathlib import Path

from alma.bootstrap import build
from tests.integration.export_check import addresses_in, check_terraform
from tests.integration.proxmox.fakes import TEMPLATE_VM, Served
from tests.unit.services.test_drift import deploy

BLUEPRINT = json.dumps(
    {
        "version": "1.0",
        "name": "lab",
        "resources": [
            {
                "type": "compute",
                "name": "proxy",
                "provider": "proxmox",
                "specs": {"kind": "lxc", "template": "alpine", "cores": 1, "memory": "512M", "disk": "4G"},
            },
            {
                "type": "compute",
                "name": "app",
                "provider": "proxmox",
                "specs": {"kind": "vm", "clone": TEMPLATE_VM, "cores": 2, "memory": "1G"},
                "dependencies": ["proxy"],
            },
        ],
    }
)


async def test_terraform_of_a_proxmox_stack_imports_each_guest_as_node_and_vmid(served: Served, tmp_path: Path) -> None:
    settings = served.settings(tmp_path / "home", approval_actions=[], approval_environments=[])
    async with await build(settings) as services:
        await deploy(services, BLUEPRINT)
        exported = await services.export.export("lab", "terraform")
        recorded = await services.stacks.resources("lab")
    document = check_terraform(exported, recorded)
    [proxy] = served.guests_named("proxy")
    [app] = served.guests_named("app")
    imports = {r.resource: r.imported for r in exported.resources}
    assert imports == {"proxy": f"{proxy.node}/{proxy.vmid}", "app": f"{app.node}/{app.vmid}"}
    found = addresses_in(document)
    vm = found["proxmox_virtual_environment_vm.app"]
    assert (vm["vm_id"], vm["node_name"], vm["clone"][0]["vm_id"]) == (app.vmid, app.node, TEMPLATE_VM)
    container = found["proxmox_virtual_environment_container.proxy"]
    assert container["cpu"][0]["cores"] == 1 and container["memory"][0]["dedicated"] == 512
    assert "variable" not in document  # every node is known: nothing to fill in
