"""The Proxmox VE engine: LXC containers and QEMU VMs as ALMA ``compute`` resources.

Reads find guests by their ownership marker (``ownership``) in one ``/cluster/resources`` call, then
read each found guest's config; guests without the marker are never returned nor changed. Writes are
in ``lifecycle``, discovery in ``placement``, spec rules in ``specs``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from alma.diagnostics import Diagnostic
from alma.engines.base import (
    Change,
    Engine,
    Health,
    Inventory,
    JSONDict,
    Observed,
    Preflight,
    PreflightIssue,
    Readiness,
    ResourceRef,
    SpecVocabulary,
)
from alma.engines.proxmox import specs as spec_rules
from alma.engines.proxmox.client import ProxmoxClient
from alma.engines.proxmox.disks import stored_gib, template_disk, too_small
from alma.engines.proxmox.failures import ProxmoxPermanentError
from alma.engines.proxmox.lifecycle import Lifecycle
from alma.engines.proxmox.observe import Guest, observe
from alma.engines.proxmox.ownership import OWNER_TAG, describe, owns, parse, split_tags, tags_for
from alma.engines.proxmox.placement import Placement
from alma.engines.proxmox.tasks import wait_for_task
from alma.errors import ConfigurationError, EngineError
from alma.settings import Settings

log = logging.getLogger(__name__)
_OWNED_READS = 8  # guest config reads at once when listing what a stack owns


class ProxmoxEngine:
    name: ClassVar[str] = "proxmox"
    resource_types: ClassVar[frozenset[str]] = spec_rules.RESOURCE_TYPES

    def __init__(self, settings: Settings, *, clock: Callable[[], float] | None = None) -> None:
        self._client = ProxmoxClient(settings, clock=clock or time.monotonic)
        self._timeout = settings.proxmox_task_timeout_s
        placement = Placement(self._client, default_node=settings.proxmox_node, task_timeout_s=self._timeout)
        self._placement = placement
        self._lifecycle = Lifecycle(
            self._client,
            placement,
            task_timeout_s=self._timeout,
            node_slots=settings.proxmox_node_parallelism,
            storage_slots=settings.proxmox_storage_parallelism,
        )
        self._adopting = asyncio.Lock()

    # -- pure ------------------------------------------------------------------------------------

    def check(self, resource_type: str, specs: Mapping[str, Any]) -> list[Diagnostic]:
        return spec_rules.check(resource_type, specs)

    def normalize(self, resource_type: str, specs: Mapping[str, Any]) -> JSONDict:
        return spec_rules.normalize(spec_rules.ComputeSpec.model_validate(specs))

    def spec_aliases(self, resource_type: str, specs: Mapping[str, Any]) -> Mapping[str, str]:
        return spec_rules.aliases_of(resource_type, specs)

    def spec_keys(self, resource_type: str, specs: Mapping[str, Any]) -> frozenset[str]:
        known = resource_type in spec_rules.RESOURCE_TYPES
        return frozenset(spec_rules.ComputeSpec.model_fields) if known else frozenset()

    def diff(self, ref: ResourceRef, desired: JSONDict | None, observed: Observed | None) -> Change:
        return spec_rules.diff(ref, desired, observed)

    # -- reads -----------------------------------------------------------------------------------

    async def _guests(self) -> list[Guest]:
        listing: list[dict[str, Any]] = await self._client.get("/cluster/resources", type="vm") or []
        return [g for g in (Guest.from_resource(item) for item in listing) if g is not None]

    async def _observe(self, ref: ResourceRef, guests: list[Guest]) -> tuple[Observed, dict[str, Any]] | None:
        """The guest that carries ``ref``'s marker, and its config; None when there is none."""
        for guest in sorted((g for g in guests if owns(g.tags, ref) and not g.template), key=lambda g: g.vmid):
            try:
                config: dict[str, Any] = await self._client.get(f"{guest.api}/config") or {}
            except ProxmoxPermanentError:
                continue  # destroyed between the listing and now
            marker = parse(config.get("description"))
            if marker is None or (marker.stack, marker.name) != (ref.stack, ref.name):
                continue  # the tag alone is not proof: the description must name this resource too
            specs, facts = observe(guest, config, marker.specs, await stored_gib(self._client, guest, config))
            return Observed(ref, specs, guest.status, guest.external_id, facts), config
        return None

    async def read(self, ref: ResourceRef) -> Observed | None:
        return (await self.read_many([ref]))[ref.key]

    async def read_many(self, refs: list[ResourceRef]) -> dict[str, Observed | None]:
        wanted = [ref for ref in refs if ref.type in self.resource_types]
        guests = await self._guests() if wanted else []
        found: dict[str, Observed | None] = {ref.key: None for ref in refs}
        for ref in wanted:
            seen = await self._observe(ref, guests)
            found[ref.key] = seen[0] if seen else None
        return found

    async def owned(self, stack: str) -> list[ResourceRef]:
        """Guests tagged as ALMA's whose description names ``stack`` (the tag hashes stack and name, so
        each tagged guest's config is read; at most ``_OWNED_READS`` at a time)."""
        tagged = [g for g in await self._guests() if OWNER_TAG in split_tags(g.tags) and not g.template]
        slots = asyncio.Semaphore(_OWNED_READS)

        async def owner(guest: Guest) -> ResourceRef | None:
            async with slots:
                try:
                    config: dict[str, Any] = await self._client.get(f"{guest.api}/config") or {}
                except ProxmoxPermanentError:
                    return None  # destroyed between the listing and now
            marker = parse(config.get("description"))
            if marker is None or marker.stack != stack:
                return None
            ref = ResourceRef(stack, marker.name, "compute")
            return ref if owns(guest.tags, ref) else None  # the description alone is not proof either

        found = {ref for ref in await asyncio.gather(*(owner(g) for g in tagged)) if ref is not None}
        return sorted(found, key=lambda ref: ref.name)

    # -- writes ----------------------------------------------------------------------------------

    async def apply(self, change: Change) -> Observed | None:
        try:
            return await self._apply(change)
        except EngineError as exc:
            exc.resource = exc.resource or change.ref.name
            raise

    async def _apply(self, change: Change) -> Observed | None:
        ref, desired = change.ref, change.desired
        guests = await self._guests()
        current = await self._observe(ref, guests)  # fresh: the plan's observation may be stale
        if change.action == "noop":
            return current[0] if current else None
        if change.action in ("delete", "replace") and current is not None:
            await self._lifecycle.destroy(_guest_of(current[0], guests))
            current = None
        if change.action == "delete":
            return None
        if desired is None:
            raise ProxmoxPermanentError(f"{change.action} of {ref.name} carries no desired specs")
        if current is None:
            if change.action == "update":
                raise ProxmoxPermanentError(f"cannot update {ref.name}: it does not exist (plan again)")
            await self._lifecycle.create(ref, desired, guests)
        else:
            observed, config = current
            again = self.diff(ref, desired, observed)
            if again.action == "replace":  # a create (or update) planned against another guest than this one
                changed = ", ".join(f.path for f in again.fields if f.forces_replace)
                raise ProxmoxPermanentError(
                    f"{ref.name} exists as {observed.external_id} but differs in {changed}: plan again"
                )
            await self._lifecycle.update(ref, _guest_of(observed, guests), config, observed.specs, desired)
        return await self.read(ref)

    async def adopt(self, ref: ResourceRef, node: str, vmid: int) -> Observed:
        """Put ``ref``'s ownership marker on an existing guest (``alma import``); what it is now becomes
        its recorded specs. Refuses templates, guests owned by another resource, and a taken ``ref``."""
        async with self._adopting:
            guests = await self._guests()
            guest = next((g for g in guests if g.vmid == vmid and g.node == node), None)
            if guest is None or guest.template:
                raise ProxmoxPermanentError(f"there is no guest {vmid} on node '{node}' to adopt", resource=ref.name)
            config: dict[str, Any] = await self._client.get(f"{guest.api}/config") or {}
            marker = parse(config.get("description"))
            if marker is not None and (marker.stack, marker.name) != (ref.stack, ref.name):
                raise ProxmoxPermanentError(
                    f"guest {vmid} already belongs to {marker.stack}/{marker.name}", resource=ref.name
                )
            existing = await self._observe(ref, guests)
            if existing is not None and existing[0].external_id != guest.external_id:
                raise ProxmoxPermanentError(f"{ref.key} is already {existing[0].external_id}", resource=ref.name)
            unknown: JSONDict = {"template": None, "clone": None, "ssh_keys": None}
            specs, _ = observe(guest, config, unknown, await stored_gib(self._client, guest, config))
            changes = {
                "tags": tags_for(ref, config.get("tags")),
                "description": describe(ref, specs, marker.rest if marker else str(config.get("description") or "")),
            }
            answer = await (self._client.put if guest.kind == "lxc" else self._client.post)(
                f"{guest.api}/config", changes
            )
            await wait_for_task(self._client, answer, timeout_s=self._timeout, what=f"adopting {guest.external_id}")
            log.info("adopted %s as %s", guest.external_id, ref.key)
        adopted = await self.read(ref)
        if adopted is None:
            raise ProxmoxPermanentError(
                f"guest {vmid} was marked as {ref.key} but does not read back", resource=ref.name
            )
        return adopted

    async def preflight(self, changes: list[Change]) -> list[PreflightIssue]:
        """Container templates the creates need and storage lacks (fixable: by downloading them); template
        VMs the clones need that are missing or smaller than the spec's disk (not fixable)."""
        issues: list[PreflightIssue] = []
        seen: set[tuple[str, str]] = set()
        clones = [c for c in changes if c.action in ("create", "replace") and (c.desired or {}).get("clone")]
        if clones:
            issues += await self._clone_issues(clones, await self._guests())
        for change in changes:
            desired = change.desired
            if change.action not in ("create", "replace") or not desired or desired.get("kind") != "lxc":
                continue
            node = await self._placement.node(desired.get("node"))
            want = str(desired["template"])
            if (node, want) in seen or await self._placement.find_template(node, want) is not None:
                continue
            seen.add((node, want))
            issues.append(
                PreflightIssue(
                    change.ref.name,
                    f"container template '{want}' is missing on node '{node}'",
                    fixable=True,
                    data={"kind": "template", "node": node, "template": want},
                )
            )
        return issues

    async def _clone_issues(self, clones: list[Change], guests: list[Guest]) -> list[PreflightIssue]:
        issues = []
        for change in clones:
            desired = change.desired or {}
            try:
                template = await self._placement.template_vm(guests, desired["clone"])
            except ProxmoxPermanentError as exc:
                issues.append(PreflightIssue(change.ref.name, str(exc), fixable=False))
                continue
            if desired.get("disk") is not None:
                _, has = await template_disk(self._client, template)
                if problem := too_small(template, has, desired["disk"]):
                    issues.append(PreflightIssue(change.ref.name, problem, fixable=False))
        return issues

    async def fix(self, issue: PreflightIssue) -> str:
        if issue.data.get("kind") != "template":
            raise ProxmoxPermanentError(f"cannot fix: {issue.message}")
        volid = await self._placement.container_template(str(issue.data["node"]), str(issue.data["template"]))
        return f"downloaded {volid} to node '{issue.data['node']}'"

    async def ready(self, ref: ResourceRef) -> str | None:
        """``Readiness``: None when the guest is running, otherwise what it is."""
        observed = await self.read(ref)
        if observed is None:
            return f"{ref.name} does not exist"
        return None if observed.status == "running" else f"{ref.name} ({observed.external_id}) is {observed.status}"

    # -- lifecycle of the engine -----------------------------------------------------------------

    async def health(self) -> Health:
        try:
            version: dict[str, Any] = await self._client.get("/version") or {}
        except ConfigurationError as exc:
            return Health(False, str(exc))
        except EngineError as exc:
            return Health(False, f"Proxmox VE at {self._client.endpoint} is not usable: {exc}")
        return Health(True, f"Proxmox VE {version.get('version', '?')} at {self._client.endpoint}")

    async def aclose(self) -> None:
        await self._client.aclose()


def _guest_of(observed: Observed, guests: list[Guest]) -> Guest:
    vmid = observed.facts["vmid"]
    return next(g for g in guests if g.vmid == vmid)


_: type[Engine] = ProxmoxEngine
__: type[Readiness] = ProxmoxEngine
___: type[Preflight] = ProxmoxEngine
____: type[Inventory] = ProxmoxEngine
_____: type[SpecVocabulary] = ProxmoxEngine
