"""The building blocks a description is composed of: what each role is, and the flavours ALMA knows.

A *role* is what a part of a system does (web server, load balancer, database…); a *flavour* is the
software that plays it (nginx, haproxy, postgres…). Each flavour carries what a provider mapping needs:
the container image, the port it serves, where it keeps data, a health check, and the Proxmox template
of an LXC container that would run it. Sizes are per-role defaults a description can override.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["web", "load_balancer", "database", "cache", "queue", "server", "network", "volume"]
ROLES: tuple[Role, ...] = ("load_balancer", "web", "database", "cache", "queue", "server", "network", "volume")
# Roles that run software (the others are plumbing: networks and volumes).
WORKLOADS: tuple[Role, ...] = ("load_balancer", "web", "database", "cache", "queue", "server")
STATEFUL: frozenset[Role] = frozenset({"database", "queue"})


@dataclass(frozen=True, slots=True)
class Flavor:
    """One piece of software that plays a role."""

    key: str
    image: str
    port: int | None = None
    data_path: str | None = None
    health: str | None = None  # a shell command run inside the container: exit 0 means healthy
    template: str = "alpine"  # the Proxmox LXC template it would run on
    command: tuple[str, ...] = ()


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

_WGET = "wget -q -O /dev/null http://127.0.0.1:{port}/ || exit 1"

FLAVORS: dict[Role, dict[str, Flavor]] = {
    "web": {
        "nginx": Flavor("nginx", "nginx:1.27-alpine", 80, health=_WGET.format(port=80)),
        "apache": Flavor("apache", "httpd:2.4-alpine", 80, health=_WGET.format(port=80)),
        "caddy": Flavor("caddy", "caddy:2-alpine", 80, health=_WGET.format(port=80)),
    },
    "load_balancer": {
        "haproxy": Flavor(
            "haproxy", "haproxy:2.9-alpine", 80, health="haproxy -c -f /usr/local/etc/haproxy/haproxy.cfg"
        ),
        "nginx": Flavor("nginx", "nginx:1.27-alpine", 80, health=_WGET.format(port=80)),
        "traefik": Flavor("traefik", "traefik:v3.1", 80, health="traefik healthcheck --ping"),
    },
    "database": {
        "postgres": Flavor(
            "postgres",
            "postgres:16-alpine",
            5432,
            "/var/lib/postgresql/data",
            "pg_isready -U postgres",
            template="debian",
        ),
        "mysql": Flavor(
            "mysql", "mysql:8.4", 3306, "/var/lib/mysql", "mysqladmin ping -h 127.0.0.1", template="debian"
        ),
        "mariadb": Flavor(
            "mariadb",
            "mariadb:11",
            3306,
            "/var/lib/mysql",
            "healthcheck.sh --connect --innodb_initialized",
            template="debian",
        ),
        "mongodb": Flavor(
            "mongodb",
            "mongo:7",
            27017,
            "/data/db",
            "mongosh --quiet --eval 'db.adminCommand(\"ping\")'",
            template="debian",
        ),
    },
    "cache": {
        "redis": Flavor("redis", "redis:7-alpine", 6379, "/data", "redis-cli ping"),
        "memcached": Flavor("memcached", "memcached:1.6-alpine", 11211),
        "valkey": Flavor("valkey", "valkey/valkey:8-alpine", 6379, "/data", "valkey-cli ping"),
    },
    "queue": {
        "rabbitmq": Flavor(
            "rabbitmq", "rabbitmq:3.13-alpine", 5672, "/var/lib/rabbitmq", "rabbitmq-diagnostics -q ping"
        ),
        "nats": Flavor("nats", "nats:2.10-alpine", 4222, command=("nats-server", "-js")),
    },
    "server": {
        "debian": Flavor("debian", "debian:12", template="debian", command=("sleep", "infinity")),
        "ubuntu": Flavor("ubuntu", "ubuntu:24.04", template="ubuntu", command=("sleep", "infinity")),
        "alpine": Flavor("alpine", "alpine:3.20", template="alpine", command=("sleep", "infinity")),
    },
    "network": {"network": Flavor("network", "")},
    "volume": {"volume": Flavor("volume", "")},
}
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
