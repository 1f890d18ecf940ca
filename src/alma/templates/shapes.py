"""How the parts of a system become resources of one provider, in that provider's spec keys.

A template describes its parts once (a ``Workload``, a network, a volume, a load balancer) and ``Stage``
renders them for the provider asked for; the generator's provider mappings use the same container and
guest shapes (``container_specs``, ``guest_specs``), so a program runs the same way whoever asked for it.

- fake: services (a load balancer is the fake's load-balancer service); machines and stateful parts are
  compute with a data volume.
- docker: one container per instance on the stack's private network, a named volume for data, secrets
  as read-only files mounted from the Docker host (never in the blueprint), published ports on the
  loopback address unless told otherwise; a load balancer is nginx with a generated configuration.
- kubernetes: a namespace for the stack, a Deployment (and Service) per part; a load balancer is the
  backends' Service of type LoadBalancer; data is a PersistentVolumeClaim (not mounted: the engine's
  workload spec has no volumes yet, and the notes say so).
- proxmox: one LXC container (or a VM cloned from a template VM) per instance; ALMA makes the guest, the
  notes say what to install in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from alma.templates.parameters import size_text
from alma.templates.software import Software, software

SECRETS_DIR = "/etc/alma/secrets"
NGINX_CONF = "/etc/nginx/conf.d/default.conf"
_UPSTREAM_RULE = {"round_robin": "", "least_connections": "least_conn;", "ip_hash": "ip_hash;"}
Resource = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Workload:
    """A part that runs a program: its size, its data, what it publishes and what it depends on."""

    name: str
    program: Software
    role: str
    replicas: int = 1
    cores: int = 1
    memory_mb: int = 512
    disk_gb: int = 8
    data_gb: int | None = None  # kept data, at ``data_path`` (or the program's)
    data_path: str | None = None
    image: str | None = None  # instead of the program's image (another version, another tag)
    port: int | None = None  # instead of the program's port
    publish: int | None = None  # reachable from outside: a host port (docker), a LoadBalancer (kubernetes)
    publish_to: int | None = None  # the container port published (default: the one it serves)
    bind: str = "127.0.0.1"  # docker: the host address a published port is bound to
    env: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)  # env var -> secret name (a file, docker)
    command: tuple[str, ...] | None = None
    depends: tuple[str, ...] = ()  # parts it needs first
    machine: bool = False  # a machine (compute) rather than a service
    clone: str | None = None  # proxmox: a VM cloned from this template VM instead of a container
    ssh_keys: tuple[str, ...] = ()  # proxmox: public keys for the guest
    binds: tuple[str, ...] = ()  # docker: host paths mounted as written ("/var/run/docker.sock:/var/…")

    @property
    def serves(self) -> int | None:
        return self.port if self.port is not None else self.program.port


def container_specs(program: Software, *, cores: int, memory_mb: int, networks: list[str], stateful: bool) -> Resource:
    """A container running ``program`` (docker): pulled when missing, restarted unless stopped, limited to
    its size, with the program's command and health check."""
    specs: Resource = {
        "image": program.image,
        "pull": "missing",
        "networks": list(networks),  # a list of its own: YAML would otherwise share (alias) it
        "restart": "unless-stopped",
        "memory": size_text(memory_mb, "memory"),
        "cpus": float(cores),
    }
    if program.command:
        specs["command"] = list(program.command)
    if program.health:
        start = "30s" if stateful else "5s"
        specs["healthcheck"] = {"test": program.health, "interval": "30s", "timeout": "5s", "retries": 3}
        specs["healthcheck"]["start_period"] = start
    return specs


def guest_specs(template: str, clone: str | None, *, cores: int, memory_mb: int, disk_gb: int) -> Resource:
    """A Proxmox guest: an LXC container from ``template``, or a VM cloned from the template VM ``clone``."""
    specs: Resource = {"kind": "vm", "clone": clone} if clone else {"kind": "lxc", "template": template}
    return specs | {"cores": cores, "memory": size_text(memory_mb, "memory"), "disk": f"{disk_gb}G"}


class Stage:
    """One rendering of a template: the stack, the provider, the resources so far and the notes."""

    def __init__(self, stack: str, provider: str) -> None:
        self.stack = stack
        self.provider = provider
        self.resources: list[Resource] = []
        self.notes: list[str] = []
        self._parts: dict[str, list[str]] = {}  # part -> the resource names it became
        self._network: list[str] | None = None

    def add(self, kind: str, name: str, specs: Resource, depends: list[str], role: str, part: str = "") -> None:
        deps = sorted(set(depends))  # a name of its own here is the namespace it shares a name with (see below)
        resource: Resource = {"type": kind, "name": name, "provider": self.provider, "specs": specs}
        if deps:
            resource["dependencies"] = deps
        resource["metadata"] = {"role": role}
        self.resources.append(resource)
        self._parts.setdefault(part or name, []).append(name)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def of(self, *parts: str) -> list[str]:
        """The resources the named parts became (a part with replicas may be several)."""
        return [name for part in parts for name in self._parts.get(part, [])]

    def hosts(self, part: str) -> list[str]:
        """How the other parts reach a part's instances by name."""
        names = self.of(part) or [part]
        if self.provider == "docker":
            return [f"{self.stack}_{n}" for n in names]  # the container's name, resolved on the network
        return names

    def secret_file(self, secret: str) -> str:
        return f"{SECRETS_DIR}/{self.stack}-{secret}"

    def network(self) -> list[str]:
        """The stack's private network (a namespace on Kubernetes), made once; none on Proxmox."""
        if self._network is None:
            self._network = []
            if self.provider in ("fake", "docker"):
                specs = {"cidr": "10.0.0.0/24"} if self.provider == "fake" else {"driver": "bridge"}
                self.add("network", "net", specs, [], "network")
                self._network = ["net"]
            elif self.provider == "kubernetes":
                self.add("network", self.stack, {}, [], "network")
                self._network = [self.stack]
        return self._network

    def blueprint(self, description: str, metadata: Mapping[str, Any]) -> Resource:
        self._namespace_apart()
        return {
            "version": "1.0",
            "name": self.stack,
            "description": description,
            "metadata": dict(metadata),
            "resources": self.resources,
        }

    def _namespace_apart(self) -> None:
        """A Kubernetes namespace is named after the stack, unless a part has that name: then it is
        ``STACK-ns`` (names are unique in a stack), and every reference to it follows."""
        if self.provider != "kubernetes" or not self._network:
            return
        namespace = self._network[0]
        if sum(1 for r in self.resources if r["name"] == namespace) < 2:
            return
        renamed = f"{namespace[:60].rstrip('-')}-ns"
        for resource in self.resources:
            if resource["type"] == "network" and resource["name"] == namespace:
                resource["name"] = renamed
            if resource["specs"].get("namespace") == namespace:
                resource["specs"]["namespace"] = renamed
            if namespace in resource.get("dependencies", []) and resource["type"] != "network":
                resource["dependencies"] = sorted({renamed if d == namespace else d for d in resource["dependencies"]})
        self._network = [renamed]


def instances(name: str, count: int) -> list[str]:
    return [name] if count == 1 else [f"{name}-{i}" for i in range(1, count + 1)]


def workload(stage: Stage, part: Workload) -> None:
    {"fake": _fake, "docker": _docker, "kubernetes": _kubernetes, "proxmox": _proxmox}[stage.provider](stage, part)


def _fake(stage: Stage, part: Workload) -> None:
    deps = stage.network() + stage.of(*part.depends)
    image = part.image or part.program.image
    if not part.machine and part.data_gb is None:
        specs: Resource = {"image": image, "replicas": part.replicas}
        if part.serves:
            specs["ports"] = [part.serves]
        if part.env:
            specs["env"] = dict(part.env)
        stage.add("service", part.name, specs, deps, part.role)
        return
    for name in instances(part.name, part.replicas):
        data: list[str] = []
        if part.data_gb is not None:
            data = [f"{name}-data"]
            stage.add("storage", data[0], {"size": f"{part.data_gb}G"}, [], "volume", part=f"{part.name}-data")
        specs = {"cores": part.cores, "memory": size_text(part.memory_mb, "memory"), "disk": f"{part.disk_gb}G"}
        stage.add("compute", name, specs | {"image": image}, deps + data, part.role, part=part.name)


def _docker(stage: Stage, part: Workload) -> None:
    networks = stage.network()
    program = part.program
    for index, name in enumerate(instances(part.name, part.replicas)):
        stateful = part.data_gb is not None
        specs = container_specs(
            program, cores=part.cores, memory_mb=part.memory_mb, networks=networks, stateful=stateful
        )
        specs["image"] = part.image or program.image
        if part.command is not None:
            specs["command"] = list(part.command)
        env = dict(part.env)
        volumes: list[str] = []
        deps = networks + stage.of(*part.depends)
        data_path = part.data_path or program.data_path
        if part.data_gb is not None and data_path is not None:  # a Docker volume has no size: only whether
            volume = f"{name}-data"
            stage.add("storage", volume, {"driver": "local"}, [], "volume", part=f"{part.name}-data")
            volumes.append(f"{volume}:{data_path}")
            deps.append(volume)
        for variable, secret in sorted(part.secrets.items()):
            env[variable] = f"/run/secrets/{secret}"
            volumes.append(f"{stage.secret_file(secret)}:/run/secrets/{secret}:ro")
            stage.note(f"create {stage.secret_file(secret)} on the Docker host first: it holds the {secret}")
        volumes += list(part.binds)
        if env:
            specs["env"] = env
        if volumes:
            specs["volumes"] = volumes
        inside = part.publish_to or part.serves
        if part.publish is not None and inside is not None:
            host_port = part.publish + index
            host = f"[{part.bind}]" if ":" in part.bind else part.bind  # IPv6 in brackets, as Docker writes it
            specs["ports"] = [f"{host}:{host_port}:{inside}"]
            stage.note(f"{name} is published on {host}:{host_port}")
        stage.add("compute" if part.machine else "service", name, specs, deps, part.role, part=part.name)


def _kubernetes(stage: Stage, part: Workload) -> None:
    namespace = stage.network()[0]
    specs: Resource = {"namespace": namespace, "image": part.image or part.program.image, "replicas": part.replicas}
    if part.serves:
        specs["ports"] = [part.serves]
        specs["service_type"] = "LoadBalancer" if part.publish is not None else "ClusterIP"
    if part.env:
        specs["env"] = dict(part.env)
    deps = [namespace, *stage.of(*part.depends)]
    if part.data_gb is not None:
        claim = f"{part.name}-data"
        stage.add("storage", claim, {"namespace": namespace, "size": f"{part.data_gb}G"}, [namespace], "volume")
        stage.note(f"{claim} is claimed but not mounted: the workload spec cannot mount volumes yet")
        deps.append(claim)
    if part.command is not None:
        stage.note(f"{part.name} runs its image's own command: the workload spec cannot set one")
    for variable in sorted(part.secrets):
        stage.note(f"{part.name} needs {variable}: ALMA writes no credentials; provide it to the Deployment")
    stage.add("service", part.name, specs, deps, part.role)


def _proxmox(stage: Stage, part: Workload) -> None:
    disk = part.disk_gb + (part.data_gb or 0)
    for name in instances(part.name, part.replicas):
        specs = guest_specs(part.program.template, part.clone, cores=part.cores, memory_mb=part.memory_mb, disk_gb=disk)
        if part.ssh_keys:
            specs["ssh_keys"] = list(part.ssh_keys)
        stage.add("compute", name, specs, stage.of(*part.depends), part.role, part=part.name)
    if part.clone:
        stage.note(f"{part.name}: clones the template VM {part.clone}; name yours if it differs")
    if not part.machine:
        what = f"an LXC container from the {part.program.template} template" if not part.clone else "a VM"
        stage.note(f"{part.name}: {what}; ALMA makes the guest: install {part.program.key} in it")


def volume(stage: Stage, name: str, size_gb: int, *, bucket: bool = False) -> None:
    """A volume of its own (not one part's data): on Proxmox there is none, the guest's disk holds it."""
    if stage.provider == "fake":
        stage.add("storage", name, {"size": f"{size_gb}G", "kind": "bucket" if bucket else "volume"}, [], "volume")
    elif stage.provider == "docker":
        stage.add("storage", name, {"driver": "local"}, [], "volume")
        stage.note(f"{name}: a Docker volume has no size; the host's disk must hold {size_gb}G")
    elif stage.provider == "kubernetes":
        namespace = stage.network()[0]
        stage.add("storage", name, {"namespace": namespace, "size": f"{size_gb}G"}, [namespace], "volume")


def balancer(stage: Stage, name: str, backends: str, algorithm: str, port: int, publish: int, bind: str) -> None:
    """A load balancer in front of the part ``backends`` (published on ``publish``)."""
    targets = stage.of(backends)
    if stage.provider == "fake":
        specs = {"backends": targets, "algorithm": algorithm, "ports": [port]}
        stage.add("service", name, specs, stage.network() + targets, "load_balancer")
    elif stage.provider == "docker":
        rule = _UPSTREAM_RULE[algorithm]
        servers = " ".join(f"server {host}:{port};" for host in stage.hosts(backends))
        proxy = "server { listen 80; location / { proxy_pass http://backends; } }"
        config = f"upstream backends {{ {rule} {servers} }} {proxy}"
        command = ("sh", "-c", f'printf "%s\\n" "$1" > {NGINX_CONF} && exec nginx -g "daemon off;"', "lb", config)
        lb = Workload(
            name,
            software("nginx"),
            "load_balancer",
            memory_mb=256,
            command=command,
            publish=publish,
            bind=bind,
            depends=(backends,),
        )
        workload(stage, lb)
    elif stage.provider == "kubernetes":
        stage.note(f"{name}: Kubernetes balances through the Service of {backends} (type LoadBalancer)")
    else:
        lb = Workload(name, software("haproxy"), "load_balancer", memory_mb=256, disk_gb=2, depends=(backends,))
        workload(stage, lb)
        stage.note(f"{name}: configure haproxy with the backends {', '.join(targets)} ({algorithm})")
