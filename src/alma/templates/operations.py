"""Templates of things that run the rest: observability (Prometheus and Grafana), CI runners, a homelab
media server and a development sandbox machine."""

from __future__ import annotations

from alma.templates.model import Template, Values, stack_name
from alma.templates.parameters import Parameter
from alma.templates.shapes import Stage, Workload, volume, workload
from alma.templates.software import software
from alma.templates.web import BIND, port

DOCKER_SOCKET = "/var/run/docker.sock:/var/run/docker.sock"
SSH_KEY = r"((ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-\S+) [A-Za-z0-9+/=]+( \S+)?)?"


def _observability(stage: Stage, v: Values) -> None:
    prometheus = Workload(
        "prometheus",
        software("prometheus"),
        "server",
        memory_mb=v["memory"],
        disk_gb=4,
        data_gb=v["size"],
        command=(
            "--config.file=/etc/prometheus/prometheus.yml",
            "--storage.tsdb.path=/prometheus",
            f"--storage.tsdb.retention.time={v['retention']}",
        ),
        publish=v["prometheus_port"],
        bind=v["bind"],
    )
    workload(stage, prometheus)
    grafana = Workload(
        "grafana",
        software("grafana"),
        "web",
        memory_mb=512,
        disk_gb=4,
        data_gb=1,
        secrets={"GF_SECURITY_ADMIN_PASSWORD__FILE": "grafana-admin-password"},
        publish=v["grafana_port"],
        bind=v["bind"],
        depends=("prometheus",),
    )
    workload(stage, grafana)
    source = f"http://{stage.hosts('prometheus')[0]}:9090"
    stage.note(f"grafana: add Prometheus at {source} as a data source; Prometheus scrapes itself until told more")


OBSERVABILITY = Template(
    "observability",
    "Observability: Prometheus (with retention and a data volume) and Grafana in front of it",
    ("fake", "docker", "kubernetes", "proxmox"),
    (
        stack_name("observability"),
        Parameter(
            "retention",
            "text",
            "15d",
            "How long Prometheus keeps samples.",
            pattern=r"[1-9][0-9]{0,4}[hdwy]",
            pattern_says="a duration such as '15d', '12h' or '4w'",
        ),
        Parameter("size", "disk", 20, "Prometheus's data volume.", minimum=1, maximum=65536),
        Parameter("memory", "memory", 2048, "Prometheus's memory.", minimum=256, maximum=262144),
        port("prometheus_port", 9090, "Prometheus's public port (Docker: on the bind address)."),
        port("grafana_port", 3000, "Grafana's public port (Docker: on the bind address)."),
        BIND,
    ),
    _observability,
)

RUNNERS = {"gitlab": "gitlab-runner", "forgejo": "forgejo-runner"}


def _runners(stage: Stage, v: Values) -> None:
    program = software(RUNNERS[v["runner"]])
    command = ("forgejo-runner", "daemon", "--config", "/data/config.yml") if v["runner"] == "forgejo" else None
    runners = Workload(
        "runner",
        program,
        "server",
        replicas=v["count"],
        cores=v["cores"],
        memory_mb=v["memory"],
        disk_gb=v["disk"],
        data_gb=1,
        env={"CI_SERVER_URL": v["server_url"]},
        command=command,
        binds=(DOCKER_SOCKET,) if stage.provider == "docker" else (),
    )
    workload(stage, runners)
    how = "gitlab-runner register" if v["runner"] == "gitlab" else "forgejo-runner register"
    stage.note(
        f"runner: register each runner with `{how} --url {v['server_url']}` and a token from the server; "
        "ALMA never holds the token"
    )
    if stage.provider == "docker":
        stage.note("runner: the Docker socket is mounted so jobs run in containers: that is root on the host")
    if stage.provider == "kubernetes":
        stage.note("runner: use the runner's Kubernetes executor (no Docker socket in a pod)")


CI_RUNNERS = Template(
    "ci-runners",
    "CI runners (GitLab Runner or Forgejo Runner) for a CI server, ready to register",
    ("fake", "docker", "kubernetes", "proxmox"),
    (
        stack_name("ci"),
        Parameter("runner", "choice", "gitlab", "The runner program.", choices=tuple(RUNNERS)),
        Parameter(
            "server_url",
            "text",
            "https://gitlab.com",
            "The CI server the runners register with.",
            pattern=r"https?://[^\s/]+(/\S*)?",
            pattern_says="an http(s) URL such as 'https://gitlab.example.com'",
        ),
        Parameter("count", "integer", 2, "Runners.", minimum=1, maximum=50),
        Parameter("cores", "integer", 2, "Cores of each runner.", minimum=1, maximum=128),
        Parameter("memory", "memory", 2048, "Memory of each runner.", minimum=256, maximum=1048576),
        Parameter("disk", "disk", 32, "Proxmox and fake: each runner's disk.", minimum=4, maximum=65536),
    ),
    _runners,
)


def _media(stage: Stage, v: Values) -> None:
    volume(stage, "media", v["media_size"])
    server = Workload(
        "jellyfin",
        software("jellyfin"),
        "server",
        cores=v["cores"],
        memory_mb=v["memory"],
        disk_gb=16 + (v["media_size"] if stage.provider == "proxmox" else 0),
        data_gb=4,
        publish=v["port"],
        bind=v["bind"],
        depends=("media",),
        binds=("media:/media:ro",) if stage.provider == "docker" else (),
    )
    workload(stage, server)
    stage.note("jellyfin: add /media as a library in the web setup; copy media into the media volume")


MEDIA_SERVER = Template(
    "media-server",
    "A homelab media server (Jellyfin) with a large media volume and its own config volume",
    ("fake", "docker", "proxmox"),
    (
        stack_name("media"),
        Parameter("media_size", "disk", 500, "Space for media.", minimum=1, maximum=1048576),
        Parameter("cores", "integer", 2, "Cores (transcoding wants more).", minimum=1, maximum=128),
        Parameter("memory", "memory", 2048, "Memory.", minimum=512, maximum=1048576),
        port("port", 8096, "The web UI's port (Docker: on the bind address)."),
        BIND,
    ),
    _media,
)


def _sandbox(stage: Stage, v: Values) -> None:
    program = software(v["os"])
    clone = (v["vm_template"] or f"{v['os']}-cloudinit") if stage.provider == "proxmox" else None
    machine = Workload(
        "sandbox",
        program,
        "server",
        cores=v["cores"],
        memory_mb=v["memory"],
        disk_gb=v["disk"],
        data_gb=v["disk"] if stage.provider == "docker" else None,
        data_path="/root",
        machine=True,
        clone=clone,
        ssh_keys=(v["ssh_key"],) if v["ssh_key"] and stage.provider == "proxmox" else (),
    )
    workload(stage, machine)
    if stage.provider == "docker":
        stage.note("sandbox: a long-running container; `docker exec -it` into it; /root is kept on a volume")


DEV_SANDBOX = Template(
    "dev-sandbox",
    "A development sandbox machine (a Proxmox VM cloned from a cloud-init template, or a container)",
    ("fake", "docker", "proxmox"),
    (
        stack_name("sandbox"),
        Parameter("os", "choice", "debian", "The operating system.", choices=("debian", "ubuntu")),
        Parameter("cores", "integer", 2, "Cores.", minimum=1, maximum=128),
        Parameter("memory", "memory", 4096, "Memory.", minimum=512, maximum=1048576),
        Parameter("disk", "disk", 32, "Disk (Docker: the home volume).", minimum=4, maximum=65536),
        Parameter(
            "ssh_key",
            "text",
            "",
            "Proxmox: an OpenSSH public key for the VM (a public key, never a private one).",
            pattern=SSH_KEY,
            pattern_says="an OpenSSH public key such as 'ssh-ed25519 AAAA… you@host', or nothing",
        ),
        Parameter(
            "vm_template",
            "text",
            "",
            "Proxmox: the template VM to clone (default: OS-cloudinit, e.g. debian-cloudinit).",
            pattern=r"([A-Za-z0-9][A-Za-z0-9._-]*)?",
            pattern_says="a template VM's name or id, or nothing",
        ),
    ),
    _sandbox,
)

TEMPLATES = (OBSERVABILITY, CI_RUNNERS, MEDIA_SERVER, DEV_SANDBOX)
