"""Containers: created from a template found (or downloaded) by name, changed in place, replaced, deleted."""

from __future__ import annotations

from typing import Any

import pytest

from alma.engines import JSONDict, Observed, ResourceRef
from alma.engines.proxmox import ProxmoxEngine
from alma.errors import PermanentEngineError
from tests.integration.proxmox.conftest import ref
from tests.integration.proxmox.fakes import ALPINE, OLD_ALPINE, Served

WEB: JSONDict = {
    "kind": "lxc",
    "template": "alpine",
    "cores": 1,
    "memory": "512M",
    "disk": "4G",
    "ip": "10.0.0.5/24",
    "gateway": "10.0.0.1",
    "ssh_keys": ["ssh-ed25519 AAAAC3Nza test@alma"],
}


async def create(engine: ProxmoxEngine, target: ResourceRef, specs: JSONDict) -> tuple[JSONDict, Observed]:
    desired = engine.normalize("compute", specs)
    observed = await engine.apply(engine.diff(target, desired, None))
    assert observed is not None
    return desired, observed


def vmid_of(observed: Observed) -> int:
    return int(observed.facts["vmid"])


async def test_a_missing_template_is_downloaded_then_the_container_is_created_and_started(
    served: Served, engine: ProxmoxEngine
) -> None:
    assert not served.pve.storages["local"].get("volumes")
    desired, observed = await create(engine, ref("web"), WEB)
    ct = served.guest(vmid_of(observed))
    assert ct.status == "running"
    assert ct.config["hostname"] == "web"
    assert "alma" in ct.config["tags"].split(";")
    assert observed.specs == desired
    assert observed.facts["node"] == "pve1"
    assert observed.facts["storage"] == "local-lvm"
    assert observed.facts["bridge"] == "vmbr0"
    downloads = [body for method, path, body in served.pve.requests if path.endswith("/download-url")]
    assert len(downloads) == 1
    assert ALPINE.encode() in downloads[0]  # the newest alpine of the index, checked by its sha512
    assert b"checksum-algorithm=sha512" in downloads[0]
    assert engine.diff(ref("web"), desired, await engine.read(ref("web"))).action == "noop"


async def test_a_template_already_on_storage_is_used_without_downloading(served: Served, engine: ProxmoxEngine) -> None:
    served.pve.store_file("local", OLD_ALPINE, 1024, content="vztmpl")
    await create(engine, ref("web"), WEB)
    assert not [path for _, path, _ in served.pve.requests if path.endswith("/download-url")]


async def test_a_template_in_neither_storage_nor_index_is_a_clear_error(served: Served, engine: ProxmoxEngine) -> None:
    served.pve.appliances = []
    with pytest.raises(PermanentEngineError, match="no container template matching 'alpine'") as raised:
        await create(engine, ref("web"), WEB)
    assert raised.value.resource == "web"
    assert served.pve.cts == []


async def test_cores_and_memory_change_in_place_and_the_disk_grows(served: Served, engine: ProxmoxEngine) -> None:
    _, created = await create(engine, ref("web"), WEB)
    desired = engine.normalize("compute", {**WEB, "cores": 2, "memory": "1G", "disk": "6G"})
    change = engine.diff(ref("web"), desired, await engine.read(ref("web")))
    assert change.action == "update"
    assert {f.path for f in change.fields} == {"cores", "memory", "disk"}
    updated = await engine.apply(change)
    assert updated is not None
    assert updated.specs == desired
    assert updated.external_id == created.external_id
    ct = served.guest(vmid_of(created))
    assert (ct.config["cores"], ct.config["memory"], ct.status) == (2, 1024, "running")


async def test_a_template_change_or_disk_shrink_replaces_the_container(served: Served, engine: ProxmoxEngine) -> None:
    _, created = await create(engine, ref("web"), WEB)
    for specs in ({**WEB, "template": "debian"}, {**WEB, "template": "debian", "disk": "2G"}):
        desired = engine.normalize("compute", specs)
        observed = await engine.read(ref("web"))
        change = engine.diff(ref("web"), desired, observed)
        assert change.action == "replace"
        replaced = await engine.apply(change)
        assert replaced is not None
        assert replaced.specs == desired
        assert observed is not None
        assert replaced.external_id != observed.external_id
        assert served.guest(vmid_of(observed)) is None
    assert len(served.pve.cts) == 1
    assert served.guest(vmid_of(created)) is None


async def test_deleting_a_running_container_stops_it_first(served: Served, engine: ProxmoxEngine) -> None:
    _, created = await create(engine, ref("web"), WEB)
    assert served.guest(vmid_of(created)).status == "running"
    assert await engine.apply(engine.diff(ref("web"), None, created)) is None
    assert served.guest(vmid_of(created)) is None
    calls = [(m, p.rsplit("/", 2)[-2:]) for m, p, _ in served.pve.requests if m in ("POST", "DELETE")]
    assert calls[-2:] == [("POST", ["status", "stop"]), ("DELETE", ["lxc", str(vmid_of(created))])]
    assert await engine.read(ref("web")) is None


async def test_a_stopped_container_is_started_when_start_is_true(served: Served, engine: ProxmoxEngine) -> None:
    _, created = await create(engine, ref("web"), {**WEB, "start": False})
    assert served.guest(vmid_of(created)).status == "stopped"
    started = engine.normalize("compute", WEB)
    change = engine.diff(ref("web"), started, created)
    assert [(f.path, f.before, f.after) for f in change.fields] == [("start", False, True)]
    await engine.apply(change)
    assert served.guest(vmid_of(created)).status == "running"


def test_specs_are_checked_with_paths_and_suggestions(engine: ProxmoxEngine) -> None:
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({"kind": "lxc"}, {"template"}),
        ({"template": "alpine", "corez": 2}, {"corez"}),
        ({"template": "alpine", "clone": 9000}, {"clone"}),
        ({"kind": "vm", "template": "alpine"}, {"template"}),
        ({"template": "alpine", "ip": "dhcp", "gateway": "10.0.0.1"}, {"gateway"}),
        ({"template": "alpine", "memory": "lots", "ip": "10.0.0.300/24"}, {"memory", "ip"}),
        ({"template": "alpine", "ssh_keys": ["not a key"]}, {"ssh_keys"}),
    ]
    for specs, paths in cases:
        assert {d.path for d in engine.check("compute", specs)} == paths, specs
    [suggestion] = engine.check("compute", {"template": "alpine", "corez": 2})
    assert "cores" in suggestion.message
    assert engine.check("compute", WEB) == []
