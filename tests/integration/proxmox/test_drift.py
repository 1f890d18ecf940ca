"""Drift against fakepve over HTTPS: a container's memory changed in its config by someone else, a guest
destroyed, and a guest carrying the stack's ownership marker that ALMA never recorded; the recorded
blueprint puts each back."""

from __future__ import annotations

import json
from pathlib import Path

from alma.engines import ResourceRef
from tests.integration.drift_cycle import drift_cycle
from tests.integration.proxmox.fakes import Served


def _specs(memory: int) -> dict[str, object]:
    return {"kind": "lxc", "template": "alpine", "cores": 1, "memory": memory, "disk": "4G"}


def _container(name: str, memory: int) -> dict[str, object]:
    return {"type": "compute", "name": name, "provider": "proxmox", "specs": _specs(memory)}


async def test_changed_missing_and_unmanaged_guests_are_reported_and_repaired(served: Served, tmp_path: Path) -> None:
    settings = served.settings(tmp_path / "home", approval_actions=[], approval_environments=[])
    blueprint = json.dumps(
        {"version": "1.0", "name": "lab", "resources": [_container("web", 512), _container("db", 512)]}
    )
    outside = served.settings(tmp_path / "outside")

    async def disturb() -> None:
        from alma.engines.proxmox import ProxmoxEngine

        (web,) = served.guests_named("web")
        web.config["memory"] = 2048
        other = ProxmoxEngine(outside)  # another ALMA acting on the cluster
        try:
            db = ResourceRef("lab", "db", "compute")
            await other.apply(other.diff(db, None, await other.read(db)))
            ghost = ResourceRef("lab", "ghost", "compute")
            await other.apply(other.diff(ghost, other.normalize("compute", _specs(256)), None))
        finally:
            await other.aclose()

    report = await drift_cycle(
        settings,
        "lab",
        blueprint,
        disturb,
        [("web", "changed", "update"), ("db", "missing", "create"), ("ghost", "unmanaged", "delete")],
    )
    web = next(r for r in report.resources if r.resource == "web")
    assert [(f.path, f.recorded, f.actual) for f in web.fields] == [("memory", 512, 2048)]
    assert served.guests_named("ghost") == []
