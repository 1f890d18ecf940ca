"""Provider mappings: the parts of a system as resources of one provider, in that provider's spec keys.

- fake: networks, volumes (storage), services with replicas, and databases/servers as compute with a
  data volume — all four resource types.
- docker: one container per instance (``service``; a plain server is ``compute``), on a private bridge
  network, with a named volume for data, a health check, a restart policy and a memory limit (the
  template catalogue's container shape); only the entry point publishes a port, and only on 127.0.0.1.
- kubernetes: a Namespace for the stack, a Deployment (``service``) per part with its replicas and a
  Service for its port; a load balancer is the web tier's Service of type LoadBalancer; data volumes are
  PersistentVolumeClaims. Plain machines have no Kubernetes meaning and are left out (said in notes).
- proxmox: one LXC container per instance from a template (a VM, cloned from a template VM, when the
  text says "VM"); networks and volumes are the node's, so a data volume becomes part of the disk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alma.generation.blocks import STATEFUL
from alma.generation.layout import Layout, Part, memory_text
from alma.templates.shapes import container_specs, guest_specs

PROVIDERS = ("fake", "docker", "kubernetes", "proxmox")
PUBLIC_HOST_PORT = 8080
SECRETS_DIR = "/etc/alma/secrets"
# Database images read their root password from a file named by these variables.
PASSWORD_FILE_ENV = {"postgres": "POSTGRES_PASSWORD_FILE", "mysql": "MYSQL_ROOT_PASSWORD_FILE"}
PASSWORD_FILE_ENV["mariadb"] = "MARIADB_ROOT_PASSWORD_FILE"

Resource = dict[str, Any]


def render(layout: Layout, provider: str) -> tuple[list[Resource], list[str]]:
    """The resources of ``layout`` for ``provider``, and notes on what was mapped how."""
    renderer: Callable[[Layout], tuple[list[Resource], list[str]]] = {
        "fake": _fake,
        "docker": _docker,
        "kubernetes": _kubernetes,
        "proxmox": _proxmox,
    }[provider]
    resources, notes = renderer(layout)
    return _dependencies_resolved(resources), notes


def _resource(kind: str, name: str, provider: str, specs: dict[str, Any], deps: list[str], role: str) -> Resource:
    return {
        "type": kind,
        "name": name,
        "provider": provider,
        "specs": specs,
        "dependencies": sorted(set(deps)),
        "metadata": {"role": role},  # the council reads what each resource is for from here
    }


def _fake(layout: Layout) -> tuple[list[Resource], list[str]]:
    out: list[Resource] = []
    specs: dict[str, Any]
    networks = [p.name for p in layout.of("network")]
    if not networks and len(layout.of("web", "load_balancer", "database", "cache", "queue", "server")) > 1:
        networks = ["net"]
        out.append(_resource("network", "net", "fake", {"cidr": "10.0.0.0/24"}, [], "network"))
    for part in layout.parts:
        if part.role == "network":
            out.append(_resource("network", part.name, "fake", {"cidr": part.cidr or "10.0.0.0/24"}, [], "network"))
        elif part.role == "volume":
            specs = {"size": f"{part.volume_gb}G", "kind": part.kind or "volume"}
            out.append(_resource("storage", part.name, "fake", specs, [], "volume"))
        elif part.role in ("database", "server"):
            deps = networks + part.talks_to
            for name in part.instances():
                specs = {
                    "cores": part.cores,
                    "memory": memory_text(part.memory_mb),
                    "disk": f"{part.disk_gb}G",
                    "image": part.flavor.image,
                }
                data: list[str] = []
                if part.volume_gb:
                    data = [f"{name}-data"]
                    out.append(_resource("storage", data[0], "fake", {"size": f"{part.volume_gb}G"}, [], "volume"))
                out.append(_resource("compute", name, "fake", specs, deps + data, part.role))
        else:
            specs = {"image": part.flavor.image, "replicas": part.count, "ports": [part.flavor.port or 80]}
            deps = networks + part.talks_to
            out.append(_resource("service", part.name, "fake", specs, deps, part.role))
    return out, []


def _dependencies_resolved(resources: list[Resource]) -> list[Resource]:
    """Dependencies name parts: a part that became several resources is depended on as all of them, and
    one a provider left out (a Kubernetes load balancer folded into a Service) is no dependency at all."""
    names = {r["name"] for r in resources}
    for resource in resources:
        deps: list[str] = []
        for dep in resource["dependencies"]:
            deps += [dep] if dep in names else sorted(n for n in names if n.startswith(f"{dep}-") and n[-1].isdigit())
        resource["dependencies"] = sorted(set(deps))
        if not deps:
            del resource["dependencies"]
    return resources


def _docker(layout: Layout) -> tuple[list[Resource], list[str]]:
    out: list[Resource] = []
    notes: list[str] = []
    networks = [p.name for p in layout.of("network")]
    if not networks:
        networks = ["net"]
        out.append(_resource("network", "net", "docker", {"driver": "bridge"}, [], "network"))
    host_port = PUBLIC_HOST_PORT
    for part in layout.parts:
        if part.role == "network":
            specs: dict[str, Any] = {"driver": "bridge"} | ({"subnet": part.cidr} if part.cidr else {})
            out.append(_resource("network", part.name, "docker", specs, [], "network"))
            continue
        if part.role == "volume":
            out.append(_resource("storage", part.name, "docker", {"driver": "local"}, [], "volume"))
            notes.append(f"volume {part.name} is made but mounted by no container: add it to one's 'volumes'")
            continue
        for name in part.instances():
            specs = _container(part, networks)
            deps = networks + part.talks_to
            if part.public and part.flavor.port:
                specs["ports"] = [f"127.0.0.1:{host_port}:{part.flavor.port}"]
                notes.append(f"{name} is published on 127.0.0.1:{host_port} only")
                host_port += 1
            if part.flavor.data_path:
                volume = f"{name}-data"
                out.append(_resource("storage", volume, "docker", {"driver": "local"}, [], "volume"))
                specs["volumes"] = [f"{volume}:{part.flavor.data_path}"]
                deps.append(volume)
            secret = PASSWORD_FILE_ENV.get(part.flavor.key) if part.role == "database" else None
            if secret:
                path = f"{SECRETS_DIR}/{layout.stack}-{name}-password"
                specs["env"] = {secret: "/run/secrets/db-password"}
                specs["volumes"] = [*specs.get("volumes", []), f"{path}:/run/secrets/db-password:ro"]
                notes.append(f"{name} reads its password from {path} on the Docker host: create that file first")
            kind = "compute" if part.role == "server" else "service"
            out.append(_resource(kind, name, "docker", specs, deps, part.role))
    if layout.of("load_balancer"):
        notes.append("the load balancer's image needs its configuration (backends) mounted before it can route")
    if any(r["type"] in ("compute", "service") for r in out):
        notes.append("images are pulled when missing (pull: missing); set pull: never to use only local images")
    return out, notes


def _container(part: Part, networks: list[str]) -> dict[str, Any]:
    """The catalogue's container shape for the part's program (``alma.templates.shapes``)."""
    stateful = part.role in STATEFUL
    return container_specs(
        part.flavor, cores=part.cores, memory_mb=part.memory_mb, networks=networks, stateful=stateful
    )


def _kubernetes(layout: Layout) -> tuple[list[Resource], list[str]]:
    notes: list[str] = []
    explicit = layout.of("network")
    namespace = explicit[0].name if explicit else layout.stack
    out = [_resource("network", namespace, "kubernetes", {}, [], "network")]
    for extra in explicit[1:]:
        notes.append(f"network {extra.name}: a stack lives in one namespace ({namespace}); left out")
    if any(p.cidr for p in explicit):
        notes.append("a Kubernetes namespace has no address range: the CIDR was not used")
    web = layout.of("web")
    for part in layout.parts:
        if part.role == "network":
            continue
        if part.role == "server":
            notes.append(f"{part.name}: Kubernetes runs services, not machines; left out")
            continue
        if part.role == "load_balancer" and web:
            notes.append(f"load balancer: the Service of {web[0].name} is of type LoadBalancer instead of {part.name}")
            continue
        if part.role == "volume":
            specs: dict[str, Any] = {"namespace": namespace, "size": f"{part.volume_gb}G"}
            out.append(_resource("storage", part.name, "kubernetes", specs, [namespace], "volume"))
            continue
        deps = [namespace, *part.talks_to]
        specs = {"namespace": namespace, "image": part.flavor.image, "replicas": part.count}
        if part.flavor.port:
            specs["ports"] = [part.flavor.port]
            facing = part.role == "load_balancer" or (part.role == "web" and bool(layout.of("load_balancer")))
            specs["service_type"] = "LoadBalancer" if facing else "ClusterIP"
        if part.volume_gb and part.role in STATEFUL:
            claim = f"{part.name}-data"
            claim_specs = {"namespace": namespace, "size": f"{part.volume_gb}G"}
            out.append(_resource("storage", claim, "kubernetes", claim_specs, [namespace], "volume"))
            deps.append(claim)
            notes.append(
                f"{claim} is claimed, but the workload spec cannot mount volumes yet: {part.name} keeps no data"
            )
        if part.role == "database":
            notes.append(f"{part.name} needs its root password in its environment; ALMA writes no credentials")
        out.append(_resource("service", part.name, "kubernetes", specs, deps, part.role))
    return out, notes


def _proxmox(layout: Layout) -> tuple[list[Resource], list[str]]:
    out: list[Resource] = []
    notes: list[str] = []
    for part in layout.parts:
        if part.role == "network":
            notes.append(f"network {part.name}: Proxmox guests use the node's bridge; no network resource")
            continue
        if part.role == "volume":
            notes.append(f"volume {part.name}: the proxmox provider offers compute only; no volume resource")
            continue
        deps = part.talks_to
        disk = part.disk_gb + (part.volume_gb or 0)
        clone = f"{part.flavor.template}-cloudinit" if part.kind == "vm" else None
        for name in part.instances():
            specs = guest_specs(part.flavor.template, clone, cores=part.cores, memory_mb=part.memory_mb, disk_gb=disk)
            out.append(_resource("compute", name, "proxmox", specs, deps, part.role))
        if part.kind == "vm":
            notes.append(
                f"{part.name}: clones the template VM {part.flavor.template}-cloudinit; name yours if it differs"
            )
        elif part.role != "server":
            notes.append(
                f"{part.name}: an LXC container from the {part.flavor.template} template; install {part.flavor.key}"
            )
    return out, notes
