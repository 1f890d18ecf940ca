"""A cloned VM's disk: the template's size when the spec names none, grown after the clone when the spec
asks for more, refused before anything is cloned when it asks for less; read back whatever way PVE
writes the size (``8G``, ``8192M``, ``1T``) or when the disk entry has no ``size=`` at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alma.bootstrap import build
from alma.engines import JSONDict
from alma.engines.proxmox import ProxmoxEngine
from alma.errors import PermanentEngineError
from tests.helpers import run_plan
from tests.integration.proxmox.conftest import ref
from tests.integration.proxmox.fakes import TEMPLATE_VM, Served, add_template_vm
from tests.integration.proxmox.test_lxc import create, vmid_of

GIB = 1024**3
STORED_TPL, BARE_TPL = 9002, 9003  # no size= in the config: storage knows 10G / nothing knows
VM: JSONDict = {"kind": "vm", "clone": "debian-12-tpl", "cores": 1, "memory": "1G", "bridge": "vmbr0"}


@pytest.fixture(autouse=True)
def templates_without_size(served: Served) -> None:
    add_template_vm(served.pve, STORED_TPL, "stored-tpl", f"local-lvm:base-{STORED_TPL}-disk-0", 10 * GIB)
    add_template_vm(served.pve, BARE_TPL, "bare-tpl", f"local-lvm:base-{BARE_TPL}-disk-0")


def _resizes(served: Served) -> list[bytes]:
    return [body for method, path, body in served.pve.requests if method == "PUT" and path.endswith("/resize")]


def _size_of(served: Served, vmid: int) -> str | None:
    drive = str(served.guest(vmid).config["scsi0"])
    return next((p.split("=", 1)[1] for p in drive.split(",") if p.startswith("size=")), None)


@pytest.mark.parametrize(("clone", "size"), [("debian-12-tpl", 8), ("stored-tpl", 10)])
async def test_a_clone_without_disk_takes_the_templates_size_and_replans_as_noop(
    served: Served, engine: ProxmoxEngine, clone: str, size: int
) -> None:
    desired, observed = await create(engine, ref("app"), {**VM, "clone": clone})
    assert desired["disk"] is None  # "the template's": the plan says so, and nothing is resized
    assert observed.specs["disk"] == size
    assert _resizes(served) == []
    assert engine.diff(ref("app"), desired, await engine.read(ref("app"))).action == "noop"


async def test_a_clone_of_a_template_whose_size_nobody_knows_reads_back_without_a_disk_opinion(
    served: Served, engine: ProxmoxEngine
) -> None:
    desired, observed = await create(engine, ref("app"), {**VM, "clone": "bare-tpl"})
    assert _size_of(served, vmid_of(observed)) is None  # the reported case: no size= on the clone either
    assert observed.specs["disk"] is None
    assert engine.diff(ref("app"), desired, await engine.read(ref("app"))).action == "noop"


@pytest.mark.parametrize("clone", ["debian-12-tpl", "stored-tpl", "bare-tpl"])
async def test_a_larger_disk_than_the_templates_is_grown_after_the_clone(
    served: Served, engine: ProxmoxEngine, clone: str
) -> None:
    desired, observed = await create(engine, ref("app"), {**VM, "clone": clone, "disk": "12G"})
    assert observed.specs["disk"] == 12 == desired["disk"]
    assert _size_of(served, vmid_of(observed)) == "12G"
    assert _resizes(served) == [b"disk=scsi0&size=12G"]
    assert served.guest(vmid_of(observed)).status == "running"
    assert engine.diff(ref("app"), desired, await engine.read(ref("app"))).action == "noop"


async def test_the_templates_own_size_given_as_disk_clones_without_a_resize(
    served: Served, engine: ProxmoxEngine
) -> None:
    desired, observed = await create(engine, ref("app"), {**VM, "clone": "stored-tpl", "disk": "10G"})
    assert observed.specs["disk"] == 10 == desired["disk"]
    assert _resizes(served) == []


@pytest.mark.parametrize(("clone", "vmid", "size"), [("debian-12-tpl", TEMPLATE_VM, 8), ("stored-tpl", STORED_TPL, 10)])
async def test_preflight_refuses_a_disk_smaller_than_the_templates_naming_its_size(
    served: Served, engine: ProxmoxEngine, clone: str, vmid: int, size: int
) -> None:
    desired = engine.normalize("compute", {**VM, "clone": clone, "disk": "4G"})
    [issue] = await engine.preflight([engine.diff(ref("app"), desired, None)])
    assert issue.resource == "app" and not issue.fixable
    assert f"the disk of template VM {vmid} ({clone}) is {size}G: 'disk' must be at least {size}G" in issue.message
    with pytest.raises(PermanentEngineError, match=f"at least {size}G"):
        await engine.apply(engine.diff(ref("app"), desired, None))  # and apply refuses it too, before cloning
    assert served.guests_named("app") == []


async def test_preflight_says_nothing_of_disks_it_cannot_judge_and_names_a_missing_template(
    engine: ProxmoxEngine,
) -> None:
    fine = [
        engine.diff(ref("a"), engine.normalize("compute", {**VM, "clone": "bare-tpl", "disk": "4G"}), None),
        engine.diff(ref("b"), engine.normalize("compute", {**VM, "disk": "8G"}), None),
        engine.diff(ref("c"), engine.normalize("compute", VM), None),
    ]
    assert await engine.preflight(fine) == []
    missing = engine.diff(ref("d"), engine.normalize("compute", {**VM, "clone": "nope-tpl"}), None)
    [issue] = await engine.preflight([missing])
    assert (issue.resource, issue.fixable) == ("d", False)
    assert "no VM 'nope-tpl'" in issue.message


@pytest.mark.parametrize(("written", "gib"), [("8G", 8), ("8192M", 8), ("1T", 1024), ("10485760K", 10)])
async def test_a_disk_size_reads_back_in_whatever_unit_pve_writes_it(
    served: Served, engine: ProxmoxEngine, written: str, gib: int
) -> None:
    _, observed = await create(engine, ref("app"), VM)
    vm = served.guest(vmid_of(observed))
    volume = str(vm.config["scsi0"]).split(",", 1)[0]
    vm.config["scsi0"] = f"{volume},iothread=1,size={written}"
    seen = await engine.read(ref("app"))
    assert seen is not None and seen.specs["disk"] == gib


async def test_a_disk_entry_without_size_reads_back_the_size_storage_reports(
    served: Served, engine: ProxmoxEngine
) -> None:
    _, observed = await create(engine, ref("app"), {**VM, "clone": "stored-tpl"})
    vm = served.guest(vmid_of(observed))
    vm.config["scsi0"] = str(vm.config["scsi0"]).split(",", 1)[0]  # as the report had it: no size=
    seen = await engine.read(ref("app"))
    assert seen is not None and seen.specs["disk"] == 10


async def test_growing_the_disk_of_a_clone_whose_size_was_unknown_resizes_it_in_place(
    served: Served, engine: ProxmoxEngine
) -> None:
    _, created = await create(engine, ref("app"), {**VM, "clone": "bare-tpl"})
    desired = engine.normalize("compute", {**VM, "clone": "bare-tpl", "disk": "16G"})
    change = engine.diff(ref("app"), desired, await engine.read(ref("app")))
    assert change.action == "update"
    updated = await engine.apply(change)
    assert updated is not None and updated.external_id == created.external_id
    assert updated.specs["disk"] == 16


def _blueprint(specs: JSONDict) -> str:
    resource = {"type": "compute", "name": "app", "provider": "proxmox", "specs": specs}
    return json.dumps({"version": "1.0", "name": "lab", "resources": [resource]})


async def test_a_deploy_that_clones_a_template_without_size_succeeds_and_replans_as_noop(
    served: Served, tmp_path: Path
) -> None:
    settings = served.settings(tmp_path / "home", approval_actions=[], approval_environments=[], user="ops")
    text = _blueprint({**VM, "clone": BARE_TPL})
    async with await build(settings) as services:
        plan = (await services.plans.plan_blueprint(text)).plan
        result = await run_plan(services, plan.id)
        assert result.outcome == "succeeded", result.error
        again = (await services.plans.plan_blueprint(text)).plan
    assert not again.has_changes


async def test_a_deploy_asking_for_less_than_the_templates_disk_stops_before_cloning(
    served: Served, tmp_path: Path
) -> None:
    settings = served.settings(tmp_path / "home", approval_actions=[], approval_environments=[], user="ops")
    async with await build(settings) as services:
        plan = (await services.plans.plan_blueprint(_blueprint({**VM, "clone": TEMPLATE_VM, "disk": "4G"}))).plan
        result = await run_plan(services, plan.id)
    assert result.outcome == "failed"
    assert (
        result.error is not None
        and "template VM 9000 (debian-12-tpl) is 8G" in result.error
        and "at least 8G" in result.error
    )
    assert result.report is None  # nothing ran
    assert not [p for m, p, _ in served.pve.requests if m == "POST" and p.endswith("/clone")]


async def test_a_resize_that_fails_takes_the_clone_away_again_and_a_retry_starts_clean(
    served: Served, engine: ProxmoxEngine
) -> None:
    served.pve.fail("PUT", "/resize", 403, "Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)")
    desired = engine.normalize("compute", {**VM, "disk": "12G"})
    with pytest.raises(PermanentEngineError, match="not permitted"):
        await engine.apply(engine.diff(ref("app"), desired, None))
    assert served.guests_named("app") == []  # the half-made clone is gone
    served.pve.failures.clear()
    observed = await engine.apply(engine.diff(ref("app"), desired, None))
    assert observed is not None and observed.specs["disk"] == 12
    assert len(served.guests_named("app")) == 1
