"""The building blocks a description is composed of: what each role is, and the flavours ALMA knows.

A *role* is what a part of a system does (web server, load balancer, database…); a *flavour* is the
software that plays it (nginx, haproxy, postgres…), taken from the template catalogue's software list
(``alma.templates.software``): the image, the port it serves, where it keeps data, a health check, and
the Proxmox template of an LXC container that would run it. Sizes are per-role defaults a description
can override.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from alma.templates.software import SOFTWARE, Software

Role = Literal["web", "load_balancer", "database", "cache", "queue", "server", "network", "volume"]
ROLES: tuple[Role, ...] = ("load_balancer", "web", "database", "cache", "queue", "server", "network", "volume")
# Roles that run software (the others are plumbing: networks and volumes).
WORKLOADS: tuple[Role, ...] = ("load_balancer", "web", "database", "cache", "queue", "server")
STATEFUL: frozenset[Role] = frozenset({"database", "queue"})


# A flavour is a program of the template catalogue's software list: one list serves both.
Flavor = Software


@dataclass(frozen=True, slots=True)
class RoleDefaults:
    """What a role is called and sized as when the description says nothing more."""

    base_name: str
    label: str
    cores: int
    memory_mb: int
    disk_gb: int
    volume_gb: int | None = None  # stateful roles keep their data on a volume of this size


DEFAULTS: dict[Role, RoleDefaults] = {
    "load_balancer": RoleDefaults("lb", "load balancer", 1, 256, 2),
    "web": RoleDefaults("web", "web server", 1, 512, 4),
    "database": RoleDefaults("db", "database", 2, 2048, 8, volume_gb=20),
    "cache": RoleDefaults("cache", "cache", 1, 512, 4),
    "queue": RoleDefaults("queue", "message queue", 1, 1024, 4, volume_gb=10),
    "server": RoleDefaults("server", "server", 1, 1024, 8),
    "network": RoleDefaults("net", "network", 0, 0, 0),
    "volume": RoleDefaults("data", "volume", 0, 0, 0, volume_gb=10),
}

# The flavours of each role, in the catalogue's order (inference from an image tries them in this order).
_FLAVOR_ROLES: tuple[Role, ...] = ("web", "load_balancer", "database", "cache", "queue", "server")
FLAVORS: dict[Role, dict[str, Flavor]] = {
    role: {program.key: program for program in SOFTWARE if role in program.roles} for role in _FLAVOR_ROLES
}
FLAVORS["network"] = {"network": Flavor("network", "")}
FLAVORS["volume"] = {"volume": Flavor("volume", "")}
DEFAULT_FLAVOR: dict[Role, str] = {
    "web": "nginx",
    "load_balancer": "haproxy",
    "database": "postgres",
    "cache": "redis",
    "queue": "rabbitmq",
    "server": "debian",
    "network": "network",
    "volume": "volume",
}


def flavor(role: Role, key: str | None = None) -> Flavor:
    """The named flavour of a role, or its default."""
    return FLAVORS[role][key or DEFAULT_FLAVOR[role]]


_INFERENCE_ORDER: tuple[Role, ...] = ("web", "database", "cache", "queue", "load_balancer", "server")


def role_of_image(image: str) -> Role | None:
    """The role whose flavours run ``image`` (reviewers use it on blueprints ALMA did not write)."""
    repository = image.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
    for role in _INFERENCE_ORDER:
        for known in FLAVORS[role].values():
            if known.image.rsplit("/", 1)[-1].split(":", 1)[0] == repository:
                return role
    return None


def flavor_of_image(role: Role, image: str) -> Flavor | None:
    repository = image.rsplit("/", 1)[-1].split(":", 1)[0]
    return next((f for f in FLAVORS[role].values() if f.image.rsplit("/", 1)[-1].split(":", 1)[0] == repository), None)
