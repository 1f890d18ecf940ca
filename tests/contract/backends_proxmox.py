"""The Proxmox engine in the contract suite, against fakepve served over real HTTPS on loopback.

Faults are injected at the fake server with fakepve's own failure rules (``pve.fail``), never in ALMA:

- ``fail_resources``: every write to an existing guest of that name answers 403 (stop, shutdown,
  reboot, start, config, resize, destroy), and so does every create and clone, since a guest that does
  not exist yet has no path of its own to fail (the suite only creates the doomed resource meanwhile);
- ``permanent_fail_rate`` > 0: the same writes fail with 403 for every guest (fakepve's rules are
  deterministic, so any rate above 0 means "every time");
- ``fail_rate`` > 0: the same writes fail with PVE's config-lock timeout ("can't lock file … got
  timeout"), which the engine reports as transient.

The suite names its resources by type ("made-compute"), so it takes one sample per type: the container.
VMs (clone, update with reboot, replace, delete) are covered by ``tests/integration/proxmox``.

Rules stay for the rest of the test (each test gets a fresh fake), so the healthy engines a test builds
afterwards only read, which the rules leave alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alma.engines import Engine, EngineContext
from alma.engines.memory import MemoryKeyValueStore
from alma.engines.proxmox import create_engine
from tests.contract.framework import BadSpecs, Builder, EngineBackend, MakeEngine, Sample
from tests.integration.proxmox.fakes import Served, serve

LXC = {
    "kind": "lxc",
    "node": "pve1",
    "template": "alpine",
    "cores": 1,
    "memory": "512M",
    "disk": "4G",
    "storage": "local-lvm",
    "bridge": "vmbr0",
}
PROXMOX_SAMPLES = (
    Sample(
        "compute",
        LXC,
        {**LXC, "cores": 2, "memory": "1G", "disk": "6G"},
        {
            "template": {**LXC, "template": "debian"},
            "disk shrink": {**LXC, "disk": "2G"},
            "privilege": {**LXC, "unprivileged": False},
        },
    ),
)
PROXMOX_BAD_SPECS = (
    BadSpecs("compute", {"kind": "lxc"}, frozenset({"template"})),
    BadSpecs("compute", {"template": "alpine", "cores": 0}, frozenset({"cores"})),
    BadSpecs("compute", {"template": "alpine", "corez": 2}, frozenset({"corez"})),
    BadSpecs("compute", {"template": "alpine", "memory": "lots", "disk": "1.5G"}, frozenset({"memory", "disk"})),
    BadSpecs("compute", {"kind": "vm", "template": "alpine"}, frozenset({"template"})),
    BadSpecs("compute", {"kind": "container", "template": "alpine"}, frozenset({"kind"})),
)
_GUEST_WRITES = (
    ("POST", "/status/stop"),
    ("POST", "/status/shutdown"),
    ("POST", "/status/reboot"),
    ("POST", "/status/start"),
)
_ALL_WRITES = (
    *_GUEST_WRITES,
    ("DELETE", "/nodes/{node}/lxc/{vmid}"),
    ("DELETE", "/nodes/{node}/qemu/{vmid}"),
    ("PUT", "/nodes/{node}/lxc/{vmid}/config"),
    ("POST", "/nodes/{node}/qemu/{vmid}/config"),
    ("PUT", "/nodes/{node}/lxc/{vmid}/resize"),
    ("PUT", "/nodes/{node}/qemu/{vmid}/resize"),
)
_CREATES = (("POST", "/nodes/{node}/lxc"), ("POST", "/nodes/{node}/qemu"), ("POST", "/nodes/{node}/qemu/{vmid}/clone"))


def _inject(served: Served, names: frozenset[str], permanent: bool, transient: bool) -> None:
    pve = served.pve

    def fail(method: str, suffix: str, vmid: int | str = "{vmid}") -> None:
        if transient and not permanent:
            pve.fail(method, suffix, 500, f"can't lock file '/var/lock/lxc/lock-{vmid}.conf' - got timeout")
        else:
            pve.fail(method, suffix, 403, "Permission check failed (injected by the contract suite)")

    for method, suffix in _CREATES:
        fail(method, suffix)
    if permanent or transient:
        for method, suffix in _ALL_WRITES:
            fail(method, suffix)
    for guest in [*pve.vms, *pve.cts]:
        if guest.name in names and not guest.template:
            kind = "lxc" if guest in pve.cts else "qemu"
            base = f"/nodes/{guest.node}/{kind}/{guest.vmid}"
            for method, suffix in (
                *((m, base + s) for m, s in _GUEST_WRITES),
                ("DELETE", base),
                ("PUT", base + "/config"),
                ("POST", base + "/config"),
                ("PUT", base + "/resize"),
            ):
                fail(method, suffix, guest.vmid)


@asynccontextmanager
async def proxmox_over_fakepve(tmp_path: Path) -> AsyncIterator[EngineBackend]:
    async with serve(tmp_path / "pve") as served:
        built: list[Engine] = []

        def make_engine(
            *, fail_resources: frozenset[str] = frozenset(), fail_rate: float = 0.0, permanent_fail_rate: float = 0.0
        ) -> Engine:
            if fail_resources or fail_rate or permanent_fail_rate:
                _inject(served, fail_resources, bool(fail_resources or permanent_fail_rate), bool(fail_rate))
            settings = served.settings(tmp_path / "home")
            engine = create_engine(EngineContext(settings, lambda _namespace: MemoryKeyValueStore()))
            built.append(engine)
            return engine

        async def reopen() -> None:
            for engine in built:
                await engine.aclose()  # the cluster lives on, as a real one does

        maker: MakeEngine = make_engine
        try:
            yield EngineBackend(maker, reopen, PROXMOX_SAMPLES, PROXMOX_BAD_SPECS, "network")
        finally:
            for engine in built:
                await engine.aclose()


BACKENDS: dict[str, Builder] = {"proxmox-fakepve": proxmox_over_fakepve}
