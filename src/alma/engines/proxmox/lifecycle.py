"""Creating, changing and destroying guests: the writes, each awaited to the end of its PVE task.

Failure semantics (``alma.engines.base``): a create that fails destroys what it half-made; the guest
carries its ownership marker from the first request on, so should even that cleanup fail, a retried
create finds and adopts it. A delete stops a running guest first, then destroys it with its disks.
Writes that allocate or move disks take a slot on their node and on their storage, so a big apply
never stacks more clones on one node than it can take (config-lock timeouts otherwise).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any
from urllib.parse import quote

from alma.engines.base import JSONDict, ResourceRef
from alma.engines.proxmox.client import Params, ProxmoxClient
from alma.engines.proxmox.disks import template_disk, too_small
from alma.engines.proxmox.failures import ProxmoxPermanentError, says
from alma.engines.proxmox.observe import Guest, boot_disk, split_props
from alma.engines.proxmox.ownership import describe, marks, parse, tags_for
from alma.engines.proxmox.placement import Placement, VmidAllocator
from alma.engines.proxmox.tasks import wait_for_task
from alma.errors import EngineError

log = logging.getLogger(__name__)
_VMID_TRIES = 8
_MAC = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")


def hostname(name: str) -> str:
    """A DNS label for the guest's hostname/name (PVE refuses anything else)."""
    label = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:63].strip("-")
    return label or "alma-guest"


def _net(desired: JSONDict, bridge: str, current: Any = None, *, lxc: bool) -> str:
    first, props = split_props(current)
    props.pop("type", None)  # PVE's own, for containers
    props["bridge"] = bridge
    if lxc:
        props.setdefault("name", "eth0")
        props["ip"] = desired["ip"]
        props.pop("gw", None)
        if desired.get("gateway"):
            props["gw"] = desired["gateway"]
    # A VM's NIC reads "virtio=BC:24:11:…" (model and MAC in one) or just "virtio": keep whichever it has.
    has_model = any(_MAC.match(value) for value in props.values())
    head = [] if lxc or has_model else [first or "virtio"]
    return ",".join(head + [f"{k}={v}" for k, v in props.items()])


def _ipconfig(desired: JSONDict) -> str:
    return f"ip={desired['ip']}" + (f",gw={desired['gateway']}" if desired.get("gateway") else "")


class Lifecycle:
    def __init__(
        self, client: ProxmoxClient, placement: Placement, *, task_timeout_s: float, node_slots: int, storage_slots: int
    ) -> None:
        self._client = client
        self._placement = placement
        self._vmids = VmidAllocator(client)
        self._timeout = task_timeout_s
        self._node_slots, self._storage_slots = node_slots, storage_slots
        self._nodes: dict[str, asyncio.Semaphore] = {}
        self._storages: dict[str, asyncio.Semaphore] = {}

    @asynccontextmanager
    async def _slots(self, node: str, storage: str | None) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:  # always node first, then storage: no lock-order deadlock
            await stack.enter_async_context(self._nodes.setdefault(node, asyncio.Semaphore(self._node_slots)))
            if storage is not None:
                await stack.enter_async_context(
                    self._storages.setdefault(storage, asyncio.Semaphore(self._storage_slots))
                )
            yield

    async def _wait(self, upid: Any, what: str) -> None:
        await wait_for_task(self._client, upid, timeout_s=self._timeout, what=what)

    async def create(self, ref: ResourceRef, desired: JSONDict, guests: list[Guest]) -> None:
        if desired["kind"] == "lxc":
            node = await self._placement.node(desired["node"])
            storage = await self._placement.storage(node, desired["storage"], "rootdir")
            bridge = await self._placement.bridge(node, desired["bridge"])
            ostemplate = await self._placement.container_template(node, desired["template"])
            params: dict[str, Any] = {
                "hostname": hostname(ref.name),
                "ostemplate": ostemplate,
                "storage": storage,
                "rootfs": f"{storage}:{desired['disk']}",
                "cores": desired["cores"],
                "memory": desired["memory"],
                "net0": _net(desired, bridge, lxc=True),
                "unprivileged": desired["unprivileged"],
                "ssh-public-keys": "\n".join(desired["ssh_keys"]) or None,
                "start": desired["start"],
            }
            await self._make(ref, desired, node, storage, f"/nodes/{node}/lxc", params, "vmid")
        elif desired["clone"] is not None:
            await self._clone(ref, desired, guests)
        else:
            node = await self._placement.node(desired["node"])
            storage = await self._placement.storage(node, desired["storage"], "images")
            bridge = await self._placement.bridge(node, desired["bridge"])
            params = {
                "name": hostname(ref.name),
                "cores": desired["cores"],
                "memory": desired["memory"],
                "ostype": "l26",
                "scsihw": "virtio-scsi-single",
                "scsi0": f"{storage}:{desired['disk']}",
                "boot": "order=scsi0;net0",
                "net0": _net(desired, bridge, lxc=False),
                "ipconfig0": _ipconfig(desired),
                "sshkeys": quote("\n".join(desired["ssh_keys"]), safe="") or None,
                "start": desired["start"],
            }
            await self._make(ref, desired, node, storage, f"/nodes/{node}/qemu", params, "vmid")

    async def _clone(self, ref: ResourceRef, desired: JSONDict, guests: list[Guest]) -> None:
        source = await self._placement.template_vm(guests, desired["clone"])
        node = await self._placement.node(desired["node"] or source.node)
        storage = desired["storage"] and await self._placement.storage(node, desired["storage"], "images")
        bridge = desired["bridge"] and await self._placement.bridge(node, desired["bridge"])
        disk_key, has = await template_disk(self._client, source)
        if problem := too_small(source, has, desired["disk"]):
            raise ProxmoxPermanentError(problem)  # preflight says so first; this guards a plan made without it
        params = {
            "name": hostname(ref.name),
            "full": True,
            "storage": storage or None,
            "target": node if node != source.node else None,
        }
        vmid = await self._make(ref, desired, node, storage or None, f"{source.api}/clone", params, "newid")
        guest = Guest("vm", vmid, node, hostname(ref.name), "stopped", "", False)
        try:  # the clone is ALMA's from here on: shape it, and if that fails, take it away again
            config: dict[str, Any] = await self._client.get(f"{guest.api}/config") or {}
            changes: dict[str, Any] = {
                "cores": desired["cores"],
                "memory": desired["memory"],
                "ipconfig0": _ipconfig(desired),
                "tags": tags_for(ref),
                "sshkeys": quote("\n".join(desired["ssh_keys"]), safe="") or None,
            }
            if bridge:
                changes["net0"] = _net(desired, bridge, config.get("net0"), lxc=False)
            await self._wait(await self._client.post(f"{guest.api}/config", changes), f"configuring VM {vmid}")
            # Unknown size (nothing says it): resize to the spec's all the same; PVE refuses to shrink.
            if disk_key and desired["disk"] is not None and (has is None or desired["disk"] > has):
                async with self._slots(node, storage or None):
                    await self._wait(
                        await self._client.put(
                            f"{guest.api}/resize", {"disk": disk_key, "size": f"{desired['disk']}G"}
                        ),
                        f"resizing VM {vmid}",
                    )
            if desired["start"]:
                await self._wait(await self._client.post(f"{guest.api}/status/start"), f"starting VM {vmid}")
        except EngineError:
            await self._discard(ref, guest)
            raise

    async def _make(
        self,
        ref: ResourceRef,
        desired: JSONDict,
        node: str,
        storage: str | None,
        path: str,
        params: dict[str, Any],
        id_key: str,
    ) -> int:
        """POST a create or clone with a fresh VM id and the ownership marker; await its task."""
        marked = {**params, "description": describe(ref, desired)}
        if id_key == "vmid":
            marked["tags"] = tags_for(ref)  # a clone takes no tags: they follow in its first config write
        async with self._slots(node, storage):
            for _ in range(_VMID_TRIES):
                vmid = await self._vmids.take()
                taken_elsewhere = False
                try:
                    upid = await self._client.post(path, {**marked, id_key: vmid})
                except ProxmoxPermanentError as exc:
                    taken_elsewhere = says(exc, "already exists")
                    if taken_elsewhere:
                        log.info("VM id %s was taken meanwhile; trying the next one", vmid)
                        continue
                    raise
                finally:
                    self._vmids.release(vmid, taken_elsewhere=taken_elsewhere)
                guest = Guest(
                    "lxc" if path.endswith("/lxc") else "vm", vmid, node, hostname(ref.name), "unknown", "", False
                )
                try:
                    await self._wait(upid, f"creating {ref.name} as {guest.external_id} on {node}")
                except EngineError:
                    await self._discard(ref, guest)
                    raise
                log.info("created %s as %s on %s", ref.key, guest.external_id, node)
                return vmid
        raise ProxmoxPermanentError(
            f"no free VM id for {ref.name} after {_VMID_TRIES} tries: other clients keep taking them"
        )

    async def _discard(self, ref: ResourceRef, guest: Guest) -> None:
        """Destroy a half-made guest, if it is there and carries this resource's marker (never another's)."""
        try:
            config = await self._client.get(f"{guest.api}/config")
        except ProxmoxPermanentError:
            return  # not there: the failed task already took it away
        try:
            if isinstance(config, dict) and marks(config.get("description"), ref):
                status = await self._client.get(f"{guest.api}/status/current") or {}
                await self.destroy(
                    Guest(guest.kind, guest.vmid, guest.node, guest.name, str(status.get("status")), "", False)
                )
        except EngineError as exc:  # the marker stays on it: a retried create adopts it
            log.warning("could not remove the half-made %s of %s: %s", guest.external_id, ref.key, exc)

    async def destroy(self, guest: Guest) -> None:
        async with self._slots(guest.node, None):
            if guest.status == "running":
                await self._wait(await self._client.post(f"{guest.api}/status/stop"), f"stopping {guest.external_id}")
            upid = await self._client.delete(guest.api, purge=1, **{"destroy-unreferenced-disks": 1})
            await self._wait(upid, f"destroying {guest.external_id}")
        self._vmids.retire(guest.vmid)

    async def update(
        self, ref: ResourceRef, guest: Guest, config: dict[str, Any], observed: JSONDict, desired: JSONDict
    ) -> None:
        """Change a guest in place: config, then disk growth, then power (a reboot when PVE keeps changes pending)."""
        lxc = guest.kind == "lxc"
        marker = parse(config.get("description"))
        changes: dict[str, Any] = {
            "tags": tags_for(ref, config.get("tags")),
            "description": describe(ref, desired, marker.rest if marker else ""),
        }
        for key in ("cores", "memory"):
            if observed[key] != desired[key]:
                changes[key] = desired[key]
        network = ("bridge", "ip", "gateway") if lxc else ("bridge",)
        if any(desired[k] is not None and observed[k] != desired[k] for k in network):
            bridge = await self._placement.bridge(
                guest.node, desired["bridge"] or split_props(config.get("net0"))[1].get("bridge")
            )
            changes["net0"] = _net(desired, bridge, config.get("net0"), lxc=lxc)
        if not lxc and (observed["ip"], observed["gateway"]) != (desired["ip"], desired["gateway"]):
            changes["ipconfig0"] = _ipconfig(desired)
        if not lxc and observed["ssh_keys"] is not None and observed["ssh_keys"] != desired["ssh_keys"]:
            changes["sshkeys"] = quote("\n".join(desired["ssh_keys"]), safe="")
            if not desired["ssh_keys"]:
                changes["delete"], changes["sshkeys"] = "sshkeys", None
        if any(config.get(k) != v for k, v in changes.items()):
            answer = await (self._client.put if lxc else self._client.post)(f"{guest.api}/config", changes)
            await self._wait(answer, f"configuring {guest.external_id}")
        grow = desired["disk"] is not None and (observed["disk"] is None or desired["disk"] > observed["disk"])
        if grow:  # an unknown size (nothing says it) is resized to the spec's: PVE refuses to shrink
            disk = "rootfs" if lxc else boot_disk(config)
            async with self._slots(guest.node, observed.get("storage")):
                answer = await self._client.put(f"{guest.api}/resize", {"disk": disk, "size": f"{desired['disk']}G"})
                await self._wait(answer, f"resizing {guest.external_id}")
        await self._power(guest, desired["start"])

    async def _power(self, guest: Guest, start: bool) -> None:
        if guest.status == "running" and start:
            pending: list[dict[str, Any]] = await self._client.get(f"{guest.api}/pending") or []
            if any("pending" in item or "delete" in item for item in pending):
                log.info("%s has pending changes: rebooting it", guest.external_id)
                await self._wait(
                    await self._client.post(f"{guest.api}/status/reboot"), f"rebooting {guest.external_id}"
                )
        elif start:
            await self._wait(await self._client.post(f"{guest.api}/status/start"), f"starting {guest.external_id}")
        elif guest.status == "running":
            params: Params = {"forceStop": True, "timeout": 60}
            await self._wait(
                await self._client.post(f"{guest.api}/status/shutdown", params), f"shutting down {guest.external_id}"
            )
