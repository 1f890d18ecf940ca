"""Templates of things that keep data: PostgreSQL with streaming replicas, a Redis cache, a message queue
and a backup target (a restic REST server or MinIO).

Passwords are never in a blueprint: on Docker they are files on the host, mounted read-only, named in the
notes; the containers read them through their images' ``*_FILE`` variables.
"""

from __future__ import annotations

from alma.templates.model import Template, Values, stack_name
from alma.templates.parameters import Parameter
from alma.templates.shapes import Stage, Workload, volume, workload
from alma.templates.software import software
from alma.templates.web import BIND, port

# The primary writes an init script (run once, when its data directory is new) that lets the replicator
# role stream WAL, then starts PostgreSQL with replication on.
PRIMARY_SCRIPT = """set -e
cat > /docker-entrypoint-initdb.d/10-replication.sh <<'INIT'
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \\
  -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '$(cat "$REPLICATION_PASSWORD_FILE")'"
INIT
exec docker-entrypoint.sh postgres -c wal_level=replica -c max_wal_senders=16 -c hot_standby=on
"""
# A replica copies the primary once (pg_basebackup -R writes the standby settings), then runs as a standby.
REPLICA_SCRIPT = """set -e
until pg_isready -h "$PRIMARY_HOST" -U postgres; do sleep 2; done
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  PGPASSWORD="$(cat "$REPLICATION_PASSWORD_FILE")" \\
    pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" -R -X stream
  chown -R postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
fi
exec docker-entrypoint.sh postgres -c hot_standby=on
"""
POSTGRES_SECRETS = {"POSTGRES_PASSWORD_FILE": "db-password", "REPLICATION_PASSWORD_FILE": "replication-password"}


def _postgres(stage: Stage, v: Values) -> None:
    program, image = software("postgres"), f"postgres:{v['version']}-alpine"
    size = {"cores": v["cores"], "memory_mb": v["memory"], "disk_gb": 8, "data_gb": v["size"]}
    primary = Workload(
        "primary",
        program,
        "database",
        image=image,
        secrets=POSTGRES_SECRETS,
        command=("sh", "-c", PRIMARY_SCRIPT),
        **size,
    )
    workload(stage, primary)
    replicas = Workload(
        "replica",
        program,
        "database",
        replicas=v["replicas"],
        image=image,
        secrets=POSTGRES_SECRETS,
        env={"PRIMARY_HOST": stage.hosts("primary")[0]},
        command=("sh", "-c", REPLICA_SCRIPT),
        depends=("primary",),
        **size,
    )
    workload(stage, replicas)
    if stage.provider == "proxmox":
        stage.note("replicas: set each up with `pg_basebackup -R` from the primary (a 'replication' role first)")


POSTGRES_REPLICAS = Template(
    "postgres-replicas",
    "PostgreSQL: a primary and streaming replicas, each with its own data volume",
    ("fake", "docker", "proxmox"),
    (
        stack_name("pg"),
        Parameter("version", "choice", "16", "The PostgreSQL major version.", choices=("14", "15", "16", "17")),
        Parameter("replicas", "integer", 2, "Streaming replicas of the primary.", minimum=1, maximum=10),
        Parameter("cores", "integer", 2, "Cores of each server.", minimum=1, maximum=128),
        Parameter("memory", "memory", 2048, "Memory of each server.", minimum=256, maximum=1048576),
        Parameter("size", "disk", 20, "Data volume of each server.", minimum=1, maximum=65536),
    ),
    _postgres,
)


def _redis(stage: Stage, v: Values) -> None:
    command = ["redis-server", "--maxmemory", f"{v['max_memory']}mb", "--maxmemory-policy", v["policy"]]
    if v["persistence"]:
        command += ["--appendonly", "yes"]
    cache = Workload(
        "cache",
        software("redis"),
        "cache",
        image=f"redis:{v['version']}-alpine",
        memory_mb=v["max_memory"] + 64,  # the data set plus Redis's own overhead
        disk_gb=4,
        data_gb=5 if v["persistence"] else None,
        command=tuple(command),
    )
    workload(stage, cache)
    if stage.provider == "proxmox":
        stage.note(f"cache: set maxmemory {v['max_memory']}mb and maxmemory-policy {v['policy']} in redis.conf")


REDIS_CACHE = Template(
    "redis-cache",
    "A Redis cache with a memory limit and an eviction policy, optionally persisted",
    ("fake", "docker", "kubernetes", "proxmox"),
    (
        stack_name("cache"),
        Parameter("version", "choice", "7", "The Redis major version.", choices=("6", "7")),
        Parameter("max_memory", "memory", 256, "The data set's memory limit (maxmemory).", minimum=16, maximum=524288),
        Parameter(
            "policy",
            "choice",
            "allkeys-lru",
            "What is evicted when the limit is reached.",
            choices=("allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-ttl", "noeviction"),
        ),
        Parameter("persistence", "boolean", False, "Keep the data on a volume (append-only file)."),
    ),
    _redis,
)


def _queue(stage: Stage, v: Values) -> None:
    if v["broker"] == "nats":
        broker = Workload(
            "queue",
            software("nats"),
            "queue",
            memory_mb=v["memory"],
            disk_gb=4,
            data_gb=v["size"],
            data_path="/data",
            command=("nats-server", "-js", "-sd", "/data", "-m", "8222"),
            publish=v["ui_port"] if v["ui"] else None,
            publish_to=8222,
            bind=v["bind"],
        )
    else:
        image = "rabbitmq:3.13-management-alpine" if v["ui"] else "rabbitmq:3.13-alpine"
        broker = Workload(
            "queue",
            software("rabbitmq"),
            "queue",
            image=image,
            memory_mb=v["memory"],
            disk_gb=4,
            data_gb=v["size"],
            publish=v["ui_port"] if v["ui"] else None,
            publish_to=15672,
            bind=v["bind"],
        )
        stage.note("queue: RabbitMQ's guest user works from localhost only: add users with rabbitmqctl")
    workload(stage, broker)


MESSAGE_QUEUE = Template(
    "message-queue",
    "A message broker (RabbitMQ or NATS JetStream) with a data volume and its monitoring UI",
    ("fake", "docker", "proxmox"),
    (
        stack_name("mq"),
        Parameter("broker", "choice", "rabbitmq", "The broker.", choices=("rabbitmq", "nats")),
        Parameter("memory", "memory", 1024, "The broker's memory.", minimum=256, maximum=262144),
        Parameter("size", "disk", 10, "The data volume.", minimum=1, maximum=65536),
        Parameter("ui", "boolean", True, "Publish the management (RabbitMQ) or monitoring (NATS) UI."),
        port("ui_port", 15672, "Docker: the host port of the UI."),
        BIND,
    ),
    _queue,
)


def _backup(stage: Stage, v: Values) -> None:
    restic = v["server"] == "restic"
    volume(stage, "backups", v["size"], bucket=not restic)
    if restic:
        server = Workload(
            "backup",
            software("restic-server"),
            "server",
            memory_mb=256,
            disk_gb=4 + (v["size"] if stage.provider == "proxmox" else 0),
            env={"OPTIONS": "--append-only"} if v["append_only"] else {},
            publish=v["port"],
            bind=v["bind"],
            depends=("backups",),
            binds=("backups:/data",) if stage.provider == "docker" else (),
        )
        stage.note("backup: add a user before the first backup: `htpasswd -B /data/.htpasswd NAME` in the server")
    else:
        server = Workload(
            "backup",
            software("minio"),
            "server",
            memory_mb=1024,
            disk_gb=4 + (v["size"] if stage.provider == "proxmox" else 0),
            command=("server", "/data", "--console-address", ":9001"),
            secrets={"MINIO_ROOT_PASSWORD_FILE": "minio-root-password"},
            env={"MINIO_ROOT_USER": "admin"},
            publish=v["port"],
            bind=v["bind"],
            depends=("backups",),
            binds=("backups:/data",) if stage.provider == "docker" else (),
        )
    workload(stage, server)


BACKUP_TARGET = Template(
    "backup-target",
    "A backup target: a restic REST server (append-only) or MinIO (S3), on a large volume",
    ("fake", "docker", "proxmox"),
    (
        stack_name("backup"),
        Parameter("server", "choice", "restic", "The server backups are sent to.", choices=("restic", "minio")),
        Parameter("size", "disk", 500, "Space for backups.", minimum=1, maximum=1048576),
        Parameter("append_only", "boolean", True, "restic: clients may add backups but not delete them."),
        port("port", 8000, "The server's public port (Docker: on the bind address)."),
        BIND,
    ),
    _backup,
)

TEMPLATES = (POSTGRES_REPLICAS, REDIS_CACHE, MESSAGE_QUEUE, BACKUP_TARGET)
