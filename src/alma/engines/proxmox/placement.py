"""Where a new guest goes and what it is made from, discovered from the API: nothing is hard-coded.

Nodes, storages, bridges, container templates and template VMs come from the cluster itself or from
the specs; a missing one is a clear error naming what exists. A container template that is not on any
storage yet is found in the node's appliance index and downloaded first (self-heal). VM ids are handed
out so that concurrent creates never share one (see ``VmidAllocator``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from alma.engines.proxmox.client import ProxmoxClient
from alma.engines.proxmox.failures import ProxmoxPermanentError, says
from alma.engines.proxmox.observe import Guest
from alma.engines.proxmox.tasks import wait_for_task

log = logging.getLogger(__name__)


def _newest_first(name: str) -> list[tuple[int, int | str]]:
    """Natural sort key: alpine-3.20 is newer than alpine-3.9."""
    return [(0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", name) if p]


def _matches(filename: str, want: str) -> bool:
    stem = filename.rsplit("/", 1)[-1].lower()
    want = want.lower()
    return stem == want or stem.startswith((want + "-", want + "_"))


class Placement:
    def __init__(self, client: ProxmoxClient, *, default_node: str | None, task_timeout_s: float) -> None:
        self._client = client
        self._default_node = default_node
        self._task_timeout_s = task_timeout_s
        self._downloads: dict[tuple[str, str], asyncio.Lock] = {}  # one download per template and node

    async def node(self, wanted: str | None) -> str:
        nodes: list[dict[str, Any]] = await self._client.get("/nodes") or []
        online = sorted(str(n["node"]) for n in nodes if n.get("status") == "online")
        choice = wanted or self._default_node
        if choice is None:
            if not online:
                raise ProxmoxPermanentError(f"no Proxmox node at {self._client.endpoint} is online")
            return online[0]
        if choice not in online:
            known = ", ".join(sorted(str(n.get("node")) for n in nodes)) or "none"
            raise ProxmoxPermanentError(f"node '{choice}' is not an online node of the cluster (nodes: {known})")
        return choice

    async def storage(self, node: str, wanted: str | None, content: str) -> str:
        """A storage of ``node`` that holds ``content`` (rootdir, images, vztmpl): the wanted one, or the
        one with the most free space."""
        stores: list[dict[str, Any]] = (
            await self._client.get(f"/nodes/{node}/storage", content=content, enabled=1) or []
        )
        usable = [s for s in stores if int(s.get("active", 1) or 0)]
        if wanted is not None:
            if any(s.get("storage") == wanted for s in usable):
                return wanted
            names = ", ".join(sorted(str(s.get("storage")) for s in usable)) or "none"
            raise ProxmoxPermanentError(
                f"storage '{wanted}' on node '{node}' is not active or does not hold '{content}' "
                f"(those that do: {names})"
            )
        if not usable:
            raise ProxmoxPermanentError(
                f"no active storage on node '{node}' holds '{content}': name one with 'storage'"
            )
        return str(max(usable, key=lambda s: (int(s.get("avail") or 0), str(s.get("storage"))))["storage"])

    async def bridge(self, node: str, wanted: str | None) -> str:
        bridges: list[dict[str, Any]] = await self._client.get(f"/nodes/{node}/network", type="any_bridge") or []
        names = sorted(
            str(b["iface"])
            for b in bridges
            if b.get("iface") and b.get("type") in ("bridge", "OVSBridge") and int(b.get("active", 1) or 0)
        )
        if wanted is not None:
            if wanted in names:
                return wanted
            raise ProxmoxPermanentError(
                f"bridge '{wanted}' does not exist on node '{node}' (bridges: {', '.join(names) or 'none'})"
            )
        if not names:
            raise ProxmoxPermanentError(f"node '{node}' has no network bridge: name one with 'bridge'")
        return names[0]

    async def template_vm(self, guests: list[Guest], clone: int | str) -> Guest:
        if isinstance(clone, int):
            found = [g for g in guests if g.kind == "vm" and g.vmid == clone]
        else:
            found = [g for g in guests if g.kind == "vm" and g.name == clone]
        if not found:
            raise ProxmoxPermanentError(f"clone: there is no VM {clone!r} to clone")
        if len(found) > 1:
            raise ProxmoxPermanentError(f"clone: {len(found)} VMs are named {clone!r}; give the template's VM id")
        if not found[0].template:
            raise ProxmoxPermanentError(f"clone: VM {clone!r} ({found[0].vmid}) is not a template; convert it first")
        return found[0]

    async def container_template(self, node: str, want: str) -> str:
        """The volume id of the newest container template matching ``want`` (``alpine``, or a volume id
        such as ``local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz``), downloaded when missing."""
        lock = self._downloads.setdefault((node, want), asyncio.Lock())
        async with lock:  # a second create of the same template waits for the first download
            found = await self.find_template(node, want)
            if found is not None:
                return found
            return await self._download_template(node, want)

    async def find_template(self, node: str, want: str) -> str | None:
        if ":" in want:
            storage = want.split(":", 1)[0]
            content = await self._client.get(f"/nodes/{node}/storage/{storage}/content", content="vztmpl") or []
            return want if any(item.get("volid") == want for item in content) else None
        candidates: list[str] = []
        for store in await self._client.get(f"/nodes/{node}/storage", content="vztmpl", enabled=1) or []:
            if not int(store.get("active", 1) or 0):
                continue
            content = await self._client.get(f"/nodes/{node}/storage/{store['storage']}/content", content="vztmpl")
            candidates += [str(i["volid"]) for i in content or [] if _matches(str(i.get("volid", "")), want)]
        return max(candidates, key=lambda v: _newest_first(v.rsplit("/", 1)[-1]), default=None)

    async def _download_template(self, node: str, want: str) -> str:
        storage, filename = (want.split(":", 1)[0], want.rsplit("/", 1)[-1]) if ":" in want else (None, None)
        index: list[dict[str, Any]] = await self._client.get(f"/nodes/{node}/aplinfo") or []
        entries = [
            e
            for e in index
            if e.get("template") and (e["template"] == filename if filename else _matches(str(e["template"]), want))
        ]
        if not entries:
            raise ProxmoxPermanentError(
                f"no container template matching '{want}' on node '{node}', nor in its appliance index: "
                "run 'pveam update' on the node, or give the volume id of a template it has"
            )
        entry = max(entries, key=lambda e: _newest_first(str(e["template"])))
        template = str(entry["template"])
        target = storage or await self.storage(node, None, "vztmpl")
        volid = f"{target}:vztmpl/{template}"
        log.info("container template %s is missing on node %s: downloading it to %s", template, node, target)
        if entry.get("location") and entry.get("sha512sum"):
            upid = await self._client.post(
                f"/nodes/{node}/storage/{target}/download-url",
                {
                    "content": "vztmpl",
                    "filename": template,
                    "url": entry["location"],
                    "checksum": entry["sha512sum"],
                    "checksum-algorithm": "sha512",
                },
            )
        else:  # PVE fetches it from the index itself, and checks it
            upid = await self._client.post(f"/nodes/{node}/aplinfo", {"storage": target, "template": template})
        await wait_for_task(self._client, upid, timeout_s=self._task_timeout_s, what=f"download of {template}")
        if await self.find_template(node, volid) is None:
            raise ProxmoxPermanentError(
                f"the download of {template} to {target} on node '{node}' ended, but it is not there"
            )
        return volid


class VmidAllocator:
    """VM ids for new guests. ``/cluster/nextid`` answers the lowest free id to everyone who asks, so two
    creates at once get the same one: ids are handed out under a lock, each is held until its create
    ends, and one another client took first (PVE: "already exists") is skipped on the next try."""

    def __init__(self, client: ProxmoxClient) -> None:
        self._client = client
        self._lock = asyncio.Lock()
        self._held: set[int] = set()

    async def take(self) -> int:
        async with self._lock:
            candidate = int(await self._client.get("/cluster/nextid"))
            while candidate in self._held:
                candidate += 1
                try:
                    candidate = int(await self._client.get("/cluster/nextid", vmid=candidate))
                except ProxmoxPermanentError as exc:
                    if not says(exc, "already exists"):
                        raise
                    self._held.add(candidate)  # taken elsewhere meanwhile: never offer it again
            self._held.add(candidate)
            return candidate

    def release(self, vmid: int, *, taken_elsewhere: bool = False) -> None:
        """A finished create frees its id (the guest now holds it, or nothing does); one that someone
        else took stays held, so ``take`` moves past it even while nextid still offers it."""
        if not taken_elsewhere:
            self._held.discard(vmid)

    def retire(self, vmid: int) -> None:
        """A destroyed guest's id is not handed out again by this engine: a replacement gets a new
        identity, and nothing left behind under the old id (backups, graphs) is mistaken for it."""
        self._held.add(vmid)
