"""The fake provider's specs: what each resource type may say, its spellings, and what forces a replace.

A ``service`` has two shapes: a workload (``image``, ``replicas``, ``ports``, ``env``) or a load balancer
(``backends``, ``algorithm``, ``ports``), the shape that blueprints writing "a network of type load
balancer" become. Which one a resource is follows from its keys.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from alma.engines.specs import DiskGiB, MemoryMiB, Ports, SpecModel

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


class ComputeSpec(SpecModel):
    own_aliases: ClassVar[Mapping[str, str]] = {"os": "template"}

    cores: int = Field(default=1, ge=1, le=512)
    memory: MemoryMiB = 512
    disk: DiskGiB = 8
    image: str | None = Field(default=None, min_length=1, max_length=255)
    template: str | None = Field(default=None, min_length=1, max_length=255)
    start: bool = True
    tags: list[str] = Field(default_factory=list, max_length=64)

    @field_validator("tags")
    @classmethod
    def _sorted_tags(cls, tags: list[str]) -> list[str]:
        return sorted(set(tags))  # order carries no meaning: normalize so re-plans are noops


class NetworkSpec(SpecModel):
    own_aliases: ClassVar[Mapping[str, str]] = {"subnet": "cidr"}

    cidr: str = "10.0.0.0/24"
    vlan: int | None = Field(default=None, ge=1, le=4094)

    @field_validator("cidr")
    @classmethod
    def _network(cls, cidr: str) -> str:
        try:
            return str(ipaddress.ip_network(cidr, strict=False))
        except ValueError as exc:
            raise ValueError(f"cidr {cidr!r} is not an IP network such as '10.0.0.0/24'") from exc


class StorageSpec(SpecModel):
    own_aliases: ClassVar[Mapping[str, str]] = {"disk_size": "size", "disk": "size", "storage": "size"}

    size: DiskGiB = 10
    kind: Literal["volume", "bucket"] = "volume"


class ServiceSpec(SpecModel):
    own_aliases: ClassVar[Mapping[str, str]] = {"os": "image"}

    image: str = Field(default="nginx:stable", min_length=1, max_length=255)
    replicas: int = Field(default=1, ge=0, le=1000)
    ports: Ports = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)


Algorithm = Literal["round_robin", "least_connections", "ip_hash", "random"]
_ALGORITHM_SPELLINGS = {
    "roundrobin": "round_robin",
    "rr": "round_robin",
    "leastconnections": "least_connections",
    "leastconn": "least_connections",
    "leastconns": "least_connections",
    "iphash": "ip_hash",
    "source": "ip_hash",
    "sourceip": "ip_hash",
}


class LoadBalancerSpec(SpecModel):
    """A load balancer in front of other resources of the stack (its backends, which it depends on)."""

    own_aliases: ClassVar[Mapping[str, str]] = {"members": "backends", "method": "algorithm"}

    backends: list[str] = Field(min_length=1, max_length=256)
    algorithm: Algorithm = "round_robin"
    ports: Ports = Field(default_factory=lambda: [80])

    @field_validator("backends")
    @classmethod
    def _names(cls, backends: list[str]) -> list[str]:
        bad = [b for b in backends if not DNS_LABEL.match(b)]
        if bad:
            raise ValueError(f"backends are names of resources of this stack, got {bad}")
        return sorted(set(backends))  # order carries no meaning: normalize so re-plans are noops

    @field_validator("algorithm", mode="before")
    @classmethod
    def _spelling(cls, value: Any) -> Any:
        if isinstance(value, str):
            word = value.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
            return _ALGORITHM_SPELLINGS.get(word, value.strip().lower().replace("-", "_").replace(" ", "_"))
        return value


def spec_model(resource_type: str, specs: Mapping[str, Any]) -> type[SpecModel] | None:
    """The spec model of a resource: a service with backends (or an algorithm) is a load balancer."""
    if resource_type == "service" and ("backends" in specs or "algorithm" in specs or "members" in specs):
        return LoadBalancerSpec
    return SPEC_MODELS.get(resource_type)


SPEC_MODELS: dict[str, type[SpecModel]] = {
    "compute": ComputeSpec,
    "network": NetworkSpec,
    "storage": StorageSpec,
    "service": ServiceSpec,
}
IMMUTABLE: dict[str, frozenset[str]] = {
    "compute": frozenset({"image", "template"}),
    "network": frozenset({"cidr"}),
    "storage": frozenset({"kind"}),
    "service": frozenset(),
}


def forces_replace(key: str, before: Any, after: Any) -> bool:
    """Disks and volumes only grow in place; shrinking one means a new one. A service that changes shape
    (a workload becoming a load balancer, or back) is a new one too."""
    if key in ("image", "backends") and (before is None) != (after is None):
        return True
    return key in ("disk", "size") and isinstance(before, int) and isinstance(after, int) and after < before
