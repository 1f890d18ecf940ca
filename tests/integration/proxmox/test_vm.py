"""VMs: cloned from a template VM (found by id or name), changed in place with a reboot, replaced, deleted."""

from __future__ import annotations

import pytest

from alma.engines import JSONDict
from alma.engines.proxmox import ProxmoxEngine
from alma.errors import PermanentEngineError
from tests.integration.proxmox.conftest import ref
from tests.integration.proxmox.fakes import OTHER_TEMPLATE_VM, TEMPLATE_VM, Served
from tests.integration.proxmox.test_lxc import create, vmid_of

APP: JSONDict = {"kind": "vm", "clone": "debian-12-tpl", "cores": 2, "memory": "2G", "disk": "8G", "bridge": "vmbr0"}


async def test_a_vm_cloned_from_a_template_by_name_reads_back_as_desired(served: Served, engine: ProxmoxEngine) -> None:
    desired, observed = await create(engine, ref("app"), APP)
    vm = served.guest(vmid_of(observed))
    assert vm.status == "running"
    assert vm.name == "app"
    assert vm.config["cores"] in (2, "2")
    assert "alma" in vm.config["tags"].split(";")
    assert observed.specs == desired
    clones = [p for m, p, _ in served.pve.requests if m == "POST" and p.endswith("/clone")]
    assert clones == [f"/api2/json/nodes/pve1/qemu/{TEMPLATE_VM}/clone"]
    assert engine.diff(ref("app"), desired, await engine.read(ref("app"))).action == "noop"


async def test_changing_cores_and_memory_of_a_running_vm_says_it_reboots_and_does(
    served: Served, engine: ProxmoxEngine
) -> None:
    _, created = await create(engine, ref("app"), APP)
    desired = engine.normalize("compute", {**APP, "cores": 4, "memory": "4G"})
    change = engine.diff(ref("app"), desired, await engine.read(ref("app")))
    assert change.action == "update"
    assert {f.path for f in change.fields} == {"cores", "memory", "restart"}
    updated = await engine.apply(change)
    assert updated is not None
    assert (updated.specs, updated.external_id) == (desired, created.external_id)
    assert any(p.endswith("/status/reboot") for _, p, _ in served.pve.requests)


async def test_cloning_another_template_replaces_the_vm(served: Served, engine: ProxmoxEngine) -> None:
    _, created = await create(engine, ref("app"), APP)
    desired = engine.normalize("compute", {**APP, "clone": OTHER_TEMPLATE_VM})
    change = engine.diff(ref("app"), desired, await engine.read(ref("app")))
    assert change.action == "replace"
    replaced = await engine.apply(change)
    assert replaced is not None
    assert replaced.specs == desired
    assert served.guest(vmid_of(created)) is None
    assert served.guest(vmid_of(replaced)) is not None


async def test_deleting_a_running_vm_stops_it_then_destroys_it(served: Served, engine: ProxmoxEngine) -> None:
    _, created = await create(engine, ref("app"), APP)
    await engine.apply(engine.diff(ref("app"), None, created))
    assert served.guest(vmid_of(created)) is None
    assert served.guest(TEMPLATE_VM) is not None  # the template is not ALMA's, and stays


async def test_cloning_a_vm_that_is_not_a_template_or_does_not_exist_is_refused(
    served: Served, engine: ProxmoxEngine
) -> None:
    served.pve.add_vm(300, "plain", status="running", config={"scsi0": "local-lvm:vm-300-disk-0,size=8G"})
    for clone, message in ((300, "not a template"), ("nope", "no VM 'nope'")):
        with pytest.raises(PermanentEngineError, match=message):
            await create(engine, ref("app"), {**APP, "clone": clone})
    assert served.guests_named("app") == []


async def test_a_disk_smaller_than_the_templates_is_refused_before_cloning(
    served: Served, engine: ProxmoxEngine
) -> None:
    with pytest.raises(PermanentEngineError, match="at least 8G"):
        await create(engine, ref("app"), {**APP, "disk": "4G"})
    assert served.guests_named("app") == []


async def test_a_vm_created_without_clone_gets_a_disk_on_the_discovered_storage(
    served: Served, engine: ProxmoxEngine
) -> None:
    desired, observed = await create(engine, ref("bare"), {"kind": "vm", "disk": "16G", "start": False})
    assert observed.specs == desired
    assert observed.facts["storage"] == "local-lvm"
    assert served.guest(vmid_of(observed)).config["scsi0"].startswith("local-lvm:")
