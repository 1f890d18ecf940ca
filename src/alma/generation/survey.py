"""A blueprint as the council sees it: each resource's role, its instances, sizes and data, whoever wrote it.

Reviewers read blueprint *data* (the mapping a YAML file holds), so they review blueprints ALMA did not
generate as well as its own. A resource's role is its ``metadata.role`` when ALMA wrote one, else
what its image runs (``postgres:16`` → database), else what its type implies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from alma.generation.blocks import ROLES, Flavor, Role, flavor_of_image, role_of_image
from alma.units import UnitError, disk_gib, memory_mib

CONTAINER_PROVIDERS = ("docker",)
_INSTANCE = re.compile(r"^(?P<base>.+?)-?(?P<n>\d+)$")


@dataclass(frozen=True, slots=True)
class Seen:
    """One resource of a blueprint, with what reviewers ask of it."""

    index: int
    name: str
    type: str
    provider: str
    specs: dict[str, Any]
    dependencies: list[str]
    role: Role | None

    @property
    def flavor(self) -> Flavor | None:
        image = self.specs.get("image")
        return flavor_of_image(self.role, image) if self.role and isinstance(image, str) else None

    @property
    def is_container(self) -> bool:
        return self.provider == "docker" and self.type in ("compute", "service")

    @property
    def replicas(self) -> int | None:
        """The replica count where the provider has one (fake and Kubernetes services)."""
        value = self.specs.get("replicas", 1)
        if self.type == "service" and self.provider in ("fake", "kubernetes"):
            return value if isinstance(value, int) else 1
        return None

    def memory_mb(self, default: int) -> int:
        try:
            return memory_mib(self.specs["memory"]) if "memory" in self.specs else default
        except UnitError:
            return default

    def disk_gb(self, key: str, default: int) -> int:
        try:
            return disk_gib(self.specs[key]) if key in self.specs else default
        except UnitError:
            return default


def resources(blueprint: Mapping[str, Any]) -> Iterator[Seen]:
    items = blueprint.get("resources")
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        specs = item.get("specs") if isinstance(item.get("specs"), dict) else {}
        deps = item.get("dependencies") if isinstance(item.get("dependencies"), list) else []
        yield Seen(
            index,
            str(item.get("name", "")),
            str(item.get("type", "")),
            str(item.get("provider", "")),
            cast(dict[str, Any], specs),
            [str(d) for d in cast(list[Any], deps)],
            _role(item, cast(dict[str, Any], specs)),
        )


def _role(item: Mapping[str, Any], specs: Mapping[str, Any]) -> Role | None:
    metadata = item.get("metadata")
    declared = metadata.get("role") if isinstance(metadata, dict) else None
    if declared in ROLES:
        return cast(Role, declared)
    image = specs.get("image")
    if isinstance(image, str):
        found = role_of_image(image)
        if found is not None:
            return found
    kind = item.get("type")
    if kind == "network":
        return "network"
    if kind == "storage":
        return "volume"
    return "server" if kind == "compute" else None


def group(blueprint: Mapping[str, Any], seen: Seen) -> list[Seen]:
    """The resources that are instances of the same thing as ``seen`` (``web-1``, ``web-2``)."""
    base = instance_base(seen.name)
    return [r for r in resources(blueprint) if r.role == seen.role and instance_base(r.name) == base]


def instance_base(name: str) -> str:
    match = _INSTANCE.match(name)
    return match["base"] if match else name


def dependents(blueprint: Mapping[str, Any], name: str) -> list[Seen]:
    return [r for r in resources(blueprint) if name in r.dependencies]


def resource_data(blueprint: dict[str, Any], index: int) -> dict[str, Any]:
    """The mutable mapping of the resource at ``index`` (fixes change blueprint data in place)."""
    return cast(dict[str, Any], blueprint["resources"][index])


def specs_data(blueprint: dict[str, Any], index: int) -> dict[str, Any]:
    item = resource_data(blueprint, index)
    specs = item.get("specs")
    if not isinstance(specs, dict):
        specs = item["specs"] = {}
    return cast(dict[str, Any], specs)


def free_name(blueprint: Mapping[str, Any], wanted: str) -> str:
    names = {r.name for r in resources(blueprint)}
    candidate, n = wanted, 2
    while candidate in names:
        candidate, n = f"{wanted}-{n}", n + 1
    return candidate
