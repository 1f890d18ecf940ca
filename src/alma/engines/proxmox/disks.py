"""How big a guest's boot disk is, whichever way PVE says it, and what a clone's ``disk`` may ask.

A disk entry usually carries ``size=`` (``8G``, ``8192M``, ``1T``: parsed by ``observe.size_gib``), but not
always: a disk attached or imported without a rescan has none, and neither has its clone on some setups.
Then the volume's size on storage (``GET /nodes/{node}/storage/{storage}/content/{volume}``, PVE's
``volume_size_info``) tells. When neither does, the size is unknown (None), which a spec without ``disk``
accepts and a spec with one answers by resizing to it (PVE refuses to shrink, so that is safe).

A clone starts with its template's disk: a spec without ``disk`` takes that size, a larger one grows the
clone after the copy, and a smaller one is refused before anything is cloned (preflight, then apply).
"""

from __future__ import annotations

import logging
import math
from typing import Any
from urllib.parse import quote

from alma.engines.proxmox.client import ProxmoxClient
from alma.engines.proxmox.failures import ProxmoxPermanentError, ProxmoxTransientError
from alma.engines.proxmox.observe import Guest, boot_disk, size_gib, split_props

log = logging.getLogger(__name__)
GIB = 1024**3


def disk_key(guest: Guest, config: dict[str, Any]) -> str | None:
    """The config key of the guest's boot disk: ``rootfs`` for a container, the boot drive for a VM."""
    return "rootfs" if guest.kind == "lxc" else boot_disk(config)


async def stored_gib(client: ProxmoxClient, guest: Guest, config: dict[str, Any]) -> int | None:
    """The boot disk's size as storage reports it, in whole GiB rounded up, asked only when its entry has
    no ``size=`` (None: that entry has one, there is no disk, or storage cannot say)."""
    key = disk_key(guest, config)
    volume, props = split_props(config.get(key)) if key else (None, {})
    if not volume or ":" not in volume or "size" in props:
        return None
    storage = volume.split(":", 1)[0]
    path = f"/nodes/{guest.node}/storage/{quote(storage, safe='')}/content/{quote(volume, safe='')}"
    try:
        info: dict[str, Any] = await client.get(path) or {}
    except (ProxmoxTransientError, ProxmoxPermanentError) as exc:
        if exc.status is None:  # the server was not reached: a read of this guest must fail (and be retried)
            raise
        log.info("storage cannot say how big %s of %s is: %s", volume, guest.external_id, exc)
        return None
    size = int(info.get("size") or 0)
    return math.ceil(size / GIB) if size > 0 else None


async def template_disk(client: ProxmoxClient, template: Guest) -> tuple[str | None, int | None]:
    """A template VM's boot disk: its config key and its size in GiB (None when nothing says)."""
    config: dict[str, Any] = await client.get(f"{template.api}/config") or {}
    key = disk_key(template, config)
    if key is None:
        return None, None
    size = size_gib(split_props(config.get(key))[1].get("size"))
    return key, size if size is not None else await stored_gib(client, template, config)


def too_small(template: Guest, has: int | None, wanted: int | None) -> str | None:
    """Why a clone of ``template`` cannot have a ``wanted`` GiB disk, or None when it can."""
    if has is None or wanted is None or wanted >= has:
        return None
    return (
        f"the disk of template VM {template.vmid} ({template.name}) is {has}G: 'disk' must be at least {has}G, "
        "or left out to take the template's size (a disk cannot shrink)"
    )
