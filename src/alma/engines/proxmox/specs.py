"""The ``compute`` spec of the Proxmox engine, how it is checked, and how two of them are compared.

Some keys are the engine's choice when left out (``node``, ``storage``, ``bridge``) and some cannot be
read back from a guest that ALMA adopted (``template``, ``clone``, ``ssh_keys`` of a container): for
those keys ``None`` on either side means "no opinion", so an omitted key never plans a change. A clone's
``disk`` left out is the template's size: ``None`` in the desired specs, no opinion about the guest's.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from alma.diagnostics import Diagnostic
from alma.engines.base import Change, FieldChange, JSONDict, Observed, ResourceRef
from alma.engines.diffing import diff_specs
from alma.engines.specs import DiskGiB, MemoryMiB, SpecModel, check_spec

_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class ComputeSpec(SpecModel):
    # ``os`` is the template of a container; for a VM it is the template VM cloned (see ``aliases_of``).
    own_aliases: ClassVar[Mapping[str, str]] = {"os": "template"}

    kind: Literal["lxc", "vm"] = "lxc"
    node: str | None = Field(default=None, pattern=_NAME, max_length=63)
    template: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/+-]*$", max_length=255)
    clone: int | str | None = Field(default=None)
    cores: int = Field(default=1, ge=1, le=512)
    memory: MemoryMiB = 512
    disk: DiskGiB | None = None  # DEFAULT_DISK_GIB, or for a clone the template's size
    storage: str | None = Field(default=None, pattern=_NAME, max_length=63)
    bridge: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", max_length=15)
    ip: str = "dhcp"
    gateway: str | None = None
    ssh_keys: list[str] = Field(default_factory=list, max_length=64)
    start: bool = True
    unprivileged: bool = True

    @field_validator("clone")
    @classmethod
    def _clone(cls, clone: int | str | None) -> int | str | None:
        if isinstance(clone, str) and clone.isdigit():
            clone = int(clone)  # "9000" and 9000 name the same template VM
        if isinstance(clone, int) and not 100 <= clone <= 999_999_999:
            raise ValueError(f"clone {clone} is not a VM id (100 to 999999999)")
        if isinstance(clone, str) and not clone.strip():
            raise ValueError("clone must name a template VM by id or name")
        return clone

    @field_validator("ip")
    @classmethod
    def _ip(cls, ip: str) -> str:
        if ip in ("dhcp", "manual"):
            return ip
        try:
            return str(ipaddress.IPv4Interface(ip))
        except ValueError as exc:
            raise ValueError(
                f"ip {ip!r} must be 'dhcp', 'manual' or an address with prefix such as '10.0.0.5/24'"
            ) from exc

    @field_validator("gateway")
    @classmethod
    def _gateway(cls, gateway: str | None) -> str | None:
        if gateway is None:
            return None
        try:
            return str(ipaddress.IPv4Address(gateway))
        except ValueError as exc:
            raise ValueError(f"gateway {gateway!r} is not an IPv4 address") from exc

    @field_validator("ssh_keys")
    @classmethod
    def _keys(cls, keys: list[str]) -> list[str]:
        cleaned = sorted({" ".join(key.split()) for key in keys})  # order and spacing carry no meaning
        bad = [key[:20] for key in cleaned if not key.startswith(("ssh-", "ecdsa-", "sk-")) or len(key.split()) < 2]
        if bad:
            raise ValueError(f"ssh_keys must be OpenSSH public keys ('ssh-ed25519 AAAA… comment'), got {bad}")
        return cleaned


DEFAULT_DISK_GIB = 8
RESOURCE_TYPES = frozenset({"compute"})
IMMUTABLE = frozenset({"kind", "node", "template", "clone", "storage", "unprivileged"})
NO_OPINION_WHEN_NONE = ("node", "storage", "bridge", "template", "clone", "ssh_keys")
# A running VM takes these at its next boot (PVE keeps them pending): the apply reboots it.
_VM_NEEDS_REBOOT = frozenset({"cores", "memory", "ip", "gateway", "ssh_keys", "bridge"})


def check(resource_type: str, specs: Mapping[str, Any]) -> list[Diagnostic]:
    if resource_type not in RESOURCE_TYPES:
        return [Diagnostic(f"the proxmox provider has no resource type '{resource_type}' (it has: compute)")]
    _, diagnostics = check_spec(ComputeSpec, specs)
    kind = specs.get("kind", "lxc")
    if kind == "lxc":
        if not specs.get("template"):
            diagnostics.append(Diagnostic("an LXC container needs 'template', such as 'alpine'", "template"))
        if specs.get("clone") is not None:
            diagnostics.append(Diagnostic("'clone' is for VMs; a container starts from 'template'", "clone"))
    elif kind == "vm":
        if specs.get("template") is not None:
            diagnostics.append(Diagnostic("'template' is for containers; a VM is cloned with 'clone'", "template"))
        if "unprivileged" in specs:
            diagnostics.append(Diagnostic("'unprivileged' applies to LXC containers only", "unprivileged"))
    if specs.get("gateway") is not None and specs.get("ip", "dhcp") in ("dhcp", "manual"):
        diagnostics.append(Diagnostic("'gateway' needs a static 'ip' such as '10.0.0.5/24'", "gateway"))
    return diagnostics


def aliases_of(resource_type: str, specs: Mapping[str, Any]) -> dict[str, str]:
    if resource_type not in RESOURCE_TYPES:
        return {}
    aliases = dict(ComputeSpec.aliases())
    if specs.get("kind") == "vm":
        aliases["os"] = "clone"
    return aliases


def normalize(validated: ComputeSpec) -> JSONDict:
    if validated.kind == "vm":
        validated = validated.model_copy(update={"unprivileged": True})  # meaningless for a VM: one value
    if validated.disk is None and not (validated.kind == "vm" and validated.clone is not None):
        validated = validated.model_copy(update={"disk": DEFAULT_DISK_GIB})
    return validated.model_dump()


def _replace_rule(kind: str) -> Any:
    def forces_replace(key: str, before: Any, after: Any) -> bool:
        if key == "disk":  # disks grow in place; a smaller one is a new guest
            return isinstance(before, int) and isinstance(after, int) and after < before
        # A container's keys are written into it at creation only.
        return key == "ssh_keys" and kind == "lxc"

    return forces_replace


def diff(ref: ResourceRef, desired: JSONDict | None, observed: Observed | None) -> Change:
    compared = observed
    if desired is not None and observed is not None:
        seen = dict(observed.specs)
        for key in NO_OPINION_WHEN_NONE:
            if seen.get(key) is None or desired.get(key) is None:
                seen[key] = desired.get(key)
        if desired.get("disk") is None:  # a clone's disk left to its template
            seen["disk"] = None
        compared = dataclasses.replace(observed, specs=seen)
    kind = str((desired or {}).get("kind", "lxc"))
    change = diff_specs(ref, desired, compared, immutable=IMMUTABLE, forces_replace=_replace_rule(kind))
    fields = change.fields
    if (
        change.action == "update"
        and kind == "vm"
        and observed is not None
        and observed.status == "running"
        and any(f.path in _VM_NEEDS_REBOOT for f in fields)
    ):
        fields = (*fields, FieldChange("restart", False, True))  # says so in the plan: the VM will reboot
    return Change(change.action, ref, desired, observed, fields)
