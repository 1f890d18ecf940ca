"""The software ALMA knows how to run: one entry per program, shared by the template catalogue and the
generator (``alma.generation.blocks`` takes its flavours from here, so there is one list, not two).

Each entry says what a provider mapping needs: the container image, the port it serves, where it keeps
data, a health check (a shell command, exit 0 is healthy), the Proxmox LXC template a container running it
starts from, its default command, and the roles it can play in a description ("a web server", "a cache").
"""

from __future__ import annotations

from dataclasses import dataclass

_WGET = "wget -q -O /dev/null http://127.0.0.1:{port}/ || exit 1"


@dataclass(frozen=True, slots=True)
class Software:
    """One program, and how it runs."""

    key: str
    image: str
    port: int | None = None
    data_path: str | None = None
    health: str | None = None  # a shell command run inside the container: exit 0 means healthy
    template: str = "alpine"  # the Proxmox LXC template a container running it starts from
    command: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # what it plays for the generator: web, load_balancer, database, …


SOFTWARE: tuple[Software, ...] = (
    Software(
        "haproxy",
        "haproxy:2.9-alpine",
        80,
        health="haproxy -c -f /usr/local/etc/haproxy/haproxy.cfg",
        roles=("load_balancer",),
    ),
    Software("nginx", "nginx:1.27-alpine", 80, health=_WGET.format(port=80), roles=("web", "load_balancer")),
    Software("apache", "httpd:2.4-alpine", 80, health=_WGET.format(port=80), roles=("web",)),
    Software("caddy", "caddy:2-alpine", 80, health=_WGET.format(port=80), roles=("web",)),
    Software("traefik", "traefik:v3.1", 80, health="traefik healthcheck --ping", roles=("load_balancer",)),
    Software(
        "postgres",
        "postgres:16-alpine",
        5432,
        "/var/lib/postgresql/data",
        "pg_isready -U postgres",
        template="debian",
        roles=("database",),
    ),
    Software(
        "mysql", "mysql:8.4", 3306, "/var/lib/mysql", "mysqladmin ping -h 127.0.0.1", "debian", roles=("database",)
    ),
    Software(
        "mariadb",
        "mariadb:11",
        3306,
        "/var/lib/mysql",
        "healthcheck.sh --connect --innodb_initialized",
        template="debian",
        roles=("database",),
    ),
    Software(
        "mongodb",
        "mongo:7",
        27017,
        "/data/db",
        "mongosh --quiet --eval 'db.adminCommand(\"ping\")'",
        template="debian",
        roles=("database",),
    ),
    Software("redis", "redis:7-alpine", 6379, "/data", "redis-cli ping", roles=("cache",)),
    Software("memcached", "memcached:1.6-alpine", 11211, roles=("cache",)),
    Software("valkey", "valkey/valkey:8-alpine", 6379, "/data", "valkey-cli ping", roles=("cache",)),
    Software(
        "rabbitmq",
        "rabbitmq:3.13-alpine",
        5672,
        "/var/lib/rabbitmq",
        "rabbitmq-diagnostics -q ping",
        roles=("queue",),
    ),
    Software("nats", "nats:2.10-alpine", 4222, command=("nats-server", "-js"), roles=("queue",)),
    Software("debian", "debian:12", template="debian", command=("sleep", "infinity"), roles=("server",)),
    Software("ubuntu", "ubuntu:24.04", template="ubuntu", command=("sleep", "infinity"), roles=("server",)),
    Software("alpine", "alpine:3.20", template="alpine", command=("sleep", "infinity"), roles=("server",)),
    # Software the templates run beyond the generator's roles.
    Software(
        "prometheus",
        "prom/prometheus:v2.54.1",
        9090,
        "/prometheus",
        "wget -q -O /dev/null http://127.0.0.1:9090/-/ready || exit 1",
    ),
    Software(
        "grafana",
        "grafana/grafana:11.2.0",
        3000,
        "/var/lib/grafana",
        "wget -q -O /dev/null http://127.0.0.1:3000/api/health || exit 1",
    ),
    Software("jellyfin", "jellyfin/jellyfin:10.9.11", 8096, "/config", template="debian"),
    Software("gitlab-runner", "gitlab/gitlab-runner:alpine-v17.4.0", data_path="/etc/gitlab-runner", template="debian"),
    Software("forgejo-runner", "code.forgejo.org/forgejo/runner:3.5.1", data_path="/data", template="debian"),
    Software("restic-server", "restic/rest-server:0.13.0", 8000, "/data", template="debian"),
    Software("minio", "minio/minio:RELEASE.2024-09-22T00-33-43Z", 9000, "/data", template="debian"),
)

_BY_KEY = {software.key: software for software in SOFTWARE}


def software(key: str) -> Software:
    """The named program; a ``KeyError`` for a key the catalogue lacks is a bug in the caller."""
    return _BY_KEY[key]
