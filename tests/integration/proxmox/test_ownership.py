"""Ownership: ALMA sees and changes only the guests it marked; ``adopt`` marks an existing one."""

from __future__ import annotations

import pytest

from alma.engines.proxmox import ProxmoxEngine
from alma.errors import PermanentEngineError
from tests.integration.proxmox.conftest import EngineMaker, ref
from tests.integration.proxmox.fakes import Served
from tests.integration.proxmox.test_lxc import WEB, create, vmid_of

FOREIGN_CONFIG = {
    "hostname": "web",
    "cores": 2,
    "memory": 1024,
    "rootfs": "local-lvm:vm-200-disk-0,size=8G",
    "net0": "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:02,ip=dhcp,type=veth",
    "unprivileged": 1,
    "description": "the team's hand-made web server",
}


async def test_guests_alma_does_not_own_are_invisible_and_untouched(served: Served, engine: ProxmoxEngine) -> None:
    foreign = served.pve.add_ct(200, "web", status="running", config=dict(FOREIGN_CONFIG))
    before = dict(foreign.config)
    assert await engine.read(ref("web")) is None
    _, mine = await create(engine, ref("web"), WEB)  # same hostname: a new guest, the foreign one stays
    assert vmid_of(mine) != 200
    await engine.apply(engine.diff(ref("web"), None, mine))
    assert served.guest(200) is foreign
    assert foreign.config == before
    assert foreign.status == "running"


async def test_a_guest_with_a_copied_tag_but_no_marker_is_not_taken_for_alma_s(
    served: Served, engine: ProxmoxEngine
) -> None:
    _, mine = await create(engine, ref("web"), WEB)
    copied = dict(FOREIGN_CONFIG, tags=served.guest(vmid_of(mine)).config["tags"])
    served.pve.add_ct(200, "copy", config=copied)
    seen = await engine.read(ref("web"))
    assert seen is not None
    assert seen.external_id == mine.external_id


async def test_the_same_name_in_another_stack_is_another_resource(served: Served, engine: ProxmoxEngine) -> None:
    await create(engine, ref("web", stack="lab"), WEB)
    assert await engine.read(ref("web", stack="prod")) is None
    asked_before = len(served.pve.requests)
    found = await engine.read_many([ref("web", stack="lab"), ref("web", stack="prod"), ref("db")])
    assert [key for key, seen in found.items() if seen is not None] == ["lab/web"]
    asked = [path for _, path, _ in served.pve.requests[asked_before:]]
    assert asked.count("/api2/json/cluster/resources") == 1  # one listing for all three refs
    assert len(asked) == 2  # and the config of the one guest found


async def test_adopting_a_guest_marks_it_and_keeps_the_operators_description(
    served: Served, make_engine: EngineMaker
) -> None:
    served.pve.add_ct(200, "web", status="running", config=dict(FOREIGN_CONFIG))
    adopted = await make_engine().adopt(ref("web"), "pve1", 200)
    assert adopted.external_id == "lxc/200"
    assert (adopted.specs["cores"], adopted.specs["memory"], adopted.specs["disk"]) == (2, 1024, 8)
    assert "the team's hand-made web server" in served.guest(200).config["description"]
    engine = make_engine()
    desired = engine.normalize(
        "compute", {**WEB, "cores": 2, "memory": "1G", "disk": "8G", "ip": "dhcp", "gateway": None, "ssh_keys": []}
    )
    seen = await engine.read(ref("web"))
    assert seen is not None
    assert engine.diff(ref("web"), desired, seen).action == "noop"  # its template is unknown: no replace


async def test_adopt_refuses_a_guest_of_another_resource_and_a_missing_one(
    served: Served, engine: ProxmoxEngine
) -> None:
    _, mine = await create(engine, ref("web"), WEB)
    with pytest.raises(PermanentEngineError, match="already belongs to lab/web"):
        await engine.adopt(ref("other"), "pve1", vmid_of(mine))
    with pytest.raises(PermanentEngineError, match="no guest 4242"):
        await engine.adopt(ref("other"), "pve1", 4242)
