"""Reading a guest's configuration back as specs comparable with desired ones.

PVE answers with its own defaults, property strings in its own order ("name=eth0,bridge=vmbr0,
hwaddr=…,ip=dhcp,type=veth"), numbers as strings on some paths and sizes with units: everything is
parsed into the spec's canonical form here, so an unchanged guest re-plans to a noop.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from alma.engines.base import JSONDict

_SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
_DRIVE = re.compile(r"^(scsi|virtio|sata|ide)\d+$")


@dataclass(frozen=True, slots=True)
class Guest:
    """One guest as ``/cluster/resources`` lists it."""

    kind: str  # "lxc" or "vm"
    vmid: int
    node: str
    name: str
    status: str
    tags: str
    template: bool

    @property
    def api(self) -> str:
        """The guest's API path: ``/nodes/{node}/lxc/{vmid}`` or ``/nodes/{node}/qemu/{vmid}``."""
        return f"/nodes/{self.node}/{'lxc' if self.kind == 'lxc' else 'qemu'}/{self.vmid}"

    @property
    def external_id(self) -> str:
        return f"{self.kind}/{self.vmid}"

    @classmethod
    def from_resource(cls, item: dict[str, Any]) -> Guest | None:
        if item.get("type") not in ("lxc", "qemu") or item.get("vmid") is None:
            return None
        return cls(
            kind="lxc" if item["type"] == "lxc" else "vm",
            vmid=int(item["vmid"]),
            node=str(item.get("node", "")),
            name=str(item.get("name", "")),
            status=str(item.get("status", "unknown")),
            tags=str(item.get("tags", "")),
            template=bool(int(item.get("template") or 0)),
        )


def split_props(text: Any) -> tuple[str | None, dict[str, str]]:
    """A PVE property string: its bare first value (a volume) and its ``key=value`` pairs."""
    first: str | None = None
    props: dict[str, str] = {}
    for n, part in enumerate(str(text or "").split(",")):
        key, eq, value = part.partition("=")
        if eq:
            props[key.strip()] = value.strip()
        elif n == 0 and part:
            first = part.strip()
    return first, props


def size_gib(text: Any) -> int | None:
    """Whole GiB, rounded up, of a PVE size such as ``8G``, ``512M`` or ``1T``."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)\s*", str(text or ""), re.IGNORECASE)
    if match is None:
        return None
    return math.ceil(float(match[1]) * _SIZE_UNITS[match[2].upper()] / 1024**3)


def boot_disk(config: dict[str, Any]) -> str | None:
    """The key of a VM's boot disk: the first disk of ``boot: order=…``, else the first disk there is."""
    disks = [key for key in config if _DRIVE.match(key) and not _is_cdrom(config[key])]
    order = split_props(config.get("boot"))[1].get("order", "")
    for key in order.split(";"):
        if key in disks:
            return key
    return (
        sorted(disks, key=lambda k: (["scsi", "virtio", "sata", "ide"].index(re.sub(r"\d+$", "", k)), k))[0]
        if disks
        else None
    )


def _is_cdrom(value: Any) -> bool:
    volume, props = split_props(value)
    return props.get("media") == "cdrom" or volume in (None, "none", "cdrom")


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def observe(
    guest: Guest, config: dict[str, Any], recorded: JSONDict | None, stored_disk: int | None = None
) -> tuple[JSONDict, JSONDict]:
    """(specs, facts) of a guest. ``recorded`` is what ALMA wrote into its marker (None when unknown);
    ``stored_disk`` the boot disk's GiB as storage reports them, for a disk entry without ``size=``."""
    recorded = recorded or {}
    if guest.kind == "lxc":
        volume, mount = split_props(config.get("rootfs"))
        net = split_props(config.get("net0"))[1]
        ip, gateway = net.get("ip"), net.get("gw")
        ssh_keys = recorded.get("ssh_keys")  # given at creation, never readable again
        unprivileged = bool(_int(config.get("unprivileged")) or 0)
        memory = _int(config.get("memory", 512))
    else:
        disk_key = boot_disk(config)
        volume, mount = split_props(config.get(disk_key)) if disk_key else (None, {})
        net = split_props(config.get("net0"))[1]
        ipconfig = split_props(config.get("ipconfig0"))[1]
        ip, gateway = ipconfig.get("ip"), ipconfig.get("gw")
        ssh_keys = sorted(
            {" ".join(k.split()) for k in unquote(str(config.get("sshkeys", ""))).splitlines() if k.strip()}
        )
        unprivileged = True
        memory = _int(config.get("memory", 2048))
    actual = {
        "node": guest.node,
        "storage": volume.split(":", 1)[0] if volume and ":" in volume else None,
        "bridge": net.get("bridge"),
    }
    specs: JSONDict = {
        "kind": guest.kind,
        "template": recorded.get("template") if guest.kind == "lxc" else None,
        "clone": recorded.get("clone") if guest.kind == "vm" else None,
        "cores": _int(config.get("cores", 1)),
        "memory": memory,
        "disk": size_gib(mount.get("size")) if "size" in mount else stored_disk,
        "ip": ip,
        "gateway": gateway,
        "ssh_keys": ssh_keys,
        "start": guest.status == "running",
        "unprivileged": unprivileged,
    }
    for key, value in actual.items():
        # Left to the engine when the guest was made: report "no opinion", keep the truth in facts.
        specs[key] = None if key in recorded and recorded[key] is None else value
    facts: JSONDict = {"vmid": guest.vmid, "status": guest.status, "hostname": guest.name, **actual}
    return dict(sorted(specs.items())), facts
