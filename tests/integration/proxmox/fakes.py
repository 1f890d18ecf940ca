"""A fakepve server for the Proxmox engine's tests: real HTTPS on loopback, a cluster seeded with
template VMs and an appliance index. Test-only (fakepve is AGPL); the product never imports it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakepve import FakePve, PveError  # type: ignore[import-untyped]
from fakepve.certs import make_cert  # type: ignore[import-untyped]
from fakepve.lxc import format_size, parse_size  # type: ignore[import-untyped]
from fakepve.qemu import is_cdrom, join_drive, split_drive, volume_ref  # type: ignore[import-untyped]
from pydantic import SecretStr

from alma.settings import Settings

TOKEN_ID = "root@pam!alma"
TOKEN_SECRET = "tok-secret-5d1f0c"
PASSWORD = "pw-secret-8e2a71"
ALPINE = "alpine-3.20-default_20240908_amd64.tar.xz"
OLD_ALPINE = "alpine-3.19-default_20240207_amd64.tar.xz"
DEBIAN = "debian-12-standard_12.7-1_amd64.tar.zst"
TEMPLATE_VM, OTHER_TEMPLATE_VM = 9000, 9001


def appliance(template: str) -> dict[str, Any]:
    """An entry of the appliance index as PVE's ``pveam`` keeps it."""
    return {
        "template": template,
        "package": template.split("_")[0],
        "os": template.split("-")[0],
        "section": "system",
        "type": "lxc",
        "location": f"http://download.example.invalid/images/system/{template}",
        "sha512sum": "ab" * 64,
    }


class IndexedFakePve(FakePve):  # type: ignore[misc]
    """fakepve 0.5.0 with two things it does not model, served through its own ``_routes_*`` extension
    point (after its schema and permission checks):

    - ``GET /nodes/{node}/aplinfo``: fakepve answers a placeholder (it models no appliance index); this
      serves one.
    - ``PUT /nodes/{node}/qemu/{vmid}/resize``: fakepve models it for containers only (a VM's lands in its
      catch-all, which answers a UPID and changes nothing). This follows qemu-server's ``resize_vm``
      (PVE 8+: a ``resize`` task): ``size`` absolute or ``+N``; the current size is the volume's on
      storage; smaller is "shrinking disks is not supported"; equal changes nothing; otherwise the drive's
      ``size=`` and the volume are set to the new size. PVE always knows a volume's size; fakepve knows
      none for a volume it never allocated (a seeded guest's disk without ``size=``): that counts as 0.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.appliances: list[dict[str, Any]] = [appliance(t) for t in (OLD_ALPINE, ALPINE, DEBIAN)]

    def _routes_appliances(self) -> list[tuple[str, str, Any]]:
        return [("GET", "/nodes/{node}/aplinfo", self._aplinfo)]

    async def _aplinfo(self, values: dict[str, Any], user: str) -> list[dict[str, Any]]:
        return list(self.appliances)

    def _routes_vm_resize(self) -> list[tuple[str, str, Any]]:
        return [("PUT", "/nodes/{node}/qemu/{vmid}/resize", self._vm_resize)]

    async def _vm_resize(self, values: dict[str, Any], user: str) -> str:
        vm = self.find(values["node"], values["vmid"])
        disk, text = str(values["disk"]), str(values["size"])
        wanted = parse_size(text.lstrip("+"))
        if wanted is None:
            raise PveError(400, "Parameter verification failed.", {"size": "value does not match the regex pattern"})
        if vm.lock:
            raise PveError(500, f"VM is locked ({vm.lock})")
        if disk not in vm.config:
            raise PveError(500, f"disk '{disk}' does not exist")
        volume, props = split_drive(vm.config[disk])
        if is_cdrom(volume, props):
            raise PveError(500, "you can't resize a cdrom")
        storage, name = volume_ref(volume)
        size = int((self._volumes(storage).get(name) or {}).get("size") or 0)
        new = size + wanted if text.startswith("+") else wanted
        if new < size:
            raise PveError(500, "shrinking disks is not supported")

        async def body() -> None:
            if new == size:
                return
            vm.config[disk] = join_drive(volume, {**props, "size": format_size(new)})
            allocated = self.storages[storage].get("volumes", {}).get(name)
            if allocated is not None:
                allocated["size"] = new

        upid: str = await self.task(vm.node, "resize", vm.vmid, user, body, vm=vm)
        return upid


def seed(pve: Any) -> None:
    pve.apitokens[TOKEN_ID] = TOKEN_SECRET
    for vmid, name in ((TEMPLATE_VM, "debian-12-tpl"), (OTHER_TEMPLATE_VM, "ubuntu-24-tpl")):
        pve.add_vm(
            vmid,
            name,
            template=True,
            config={
                "scsi0": f"local-lvm:base-{vmid}-disk-0,size=8G",
                "net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0",
                "boot": "order=scsi0;net0",
                "cores": 1,
                "memory": 1024,
            },
        )


def add_template_vm(pve: Any, vmid: int, name: str, drive: str, stored_bytes: int | None = None) -> None:
    """A template VM whose boot disk entry is ``drive`` (as its config writes it, with or without ``size=``);
    ``stored_bytes``: the volume's size as storage reports it (None: storage has no record of it)."""
    pve.add_vm(
        vmid,
        name,
        template=True,
        config={"scsi0": drive, "net0": "virtio=BC:24:11:00:00:02,bridge=vmbr0", "boot": "order=scsi0;net0"},
    )
    if stored_bytes is not None:
        storage, volume = drive.split(",", 1)[0].split(":", 1)
        pve.storages[storage].setdefault("volumes", {})[volume] = {
            "content": "images",
            "format": "raw",
            "size": stored_bytes,
            "vmid": vmid,
            "ctime": 0,
        }


@dataclass
class Served:
    pve: Any
    cafile: Path

    def settings(self, home: Path, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "home": home,
            "proxmox_url": self.pve.url,
            "proxmox_token": SecretStr(f"{TOKEN_ID}={TOKEN_SECRET}"),
            "proxmox_ca_bundle": self.cafile,
        }
        values.update(overrides)
        return Settings(**values)

    def guest(self, vmid: int) -> Any:
        return self.pve.guest(vmid)

    def guests_named(self, name: str) -> list[Any]:
        return [g for g in [*self.pve.vms, *self.pve.cts] if g.name == name]


@asynccontextmanager
async def serve(directory: Path) -> AsyncIterator[Served]:
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    certfile, keyfile, _ = make_cert(str(directory), hosts=("127.0.0.1",))
    pve = IndexedFakePve(user="root@pam", password=PASSWORD, host="127.0.0.1", port=0)
    pve.time_scale = 0  # every task has finished when its request returns
    seed(pve)
    await pve.start(certfile, keyfile)
    try:
        yield Served(pve, Path(certfile))
    finally:
        await pve.stop()
