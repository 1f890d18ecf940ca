"""The four reviewers of the council. Each reads blueprint data and returns findings; a finding's ``change``
edits a copy of that data and is kept only if the result validates (see ``council.py``).

- architect: stateful parts without a volume, containers without a private network, a load balancer
  with nothing behind it.
- security: ports published on every interface, internal parts published at all, Kubernetes Services
  of internal parts exposed outside the cluster, credentials written into specs, privileged containers,
  the Docker socket mounted, unpinned images.
- reliability: single points of failure, missing health checks, restart policies and memory limits,
  data without backups.
- cost: the estimated monthly cost (rate card), and quota headroom against ALMA's configured quotas.

This module is long because it holds one rule per concern for four reviewers; each rule is short.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from alma.generation.blocks import DEFAULTS, STATEFUL
from alma.generation.council import Change, Finding, ReviewContext, Reviewer
from alma.generation.rates import estimate
from alma.generation.survey import (
    Seen,
    dependents,
    free_name,
    group,
    instance_base,
    resource_data,
    resources,
    specs_data,
)

_PORT = re.compile(r"^(?:\[(?P<v6>[^\]]+)\]|(?P<v4>[^:\[\]]+)):(?P<host>\d+):(?P<rest>.+)$")
_EVERYWHERE = ("0.0.0.0", "::")
_SECRET_KEY = re.compile(r"pass(?:word|wd)?|secret|token|api_?key|private_?key|credential", re.IGNORECASE)
INTERNAL = ("database", "cache", "queue")


class Architect:
    name = "architect"

    def review(self, blueprint: Mapping[str, Any], context: ReviewContext) -> list[Finding]:
        out: list[Finding] = []
        seen = list(resources(blueprint))
        storage = {r.name for r in seen if r.type == "storage"}
        for r in seen:
            if r.role in STATEFUL and r.type in ("compute", "service") and not storage & set(r.dependencies):
                out.append(self._data_volume(r))
            if r.role == "load_balancer" and not any(d.role in ("web", "server") for d in _depended(seen, r)):
                message = "the load balancer depends on no web server or server: it has nothing to route to"
                out.append(Finding(self.name, "medium", r.name, message))
        containers = [r for r in seen if r.is_container]
        if len(containers) > 1 and not any(r.specs.get("networks") for r in containers):
            out.append(self._private_network(blueprint, containers))
        return out

    def _data_volume(self, r: Seen) -> Finding:
        message = f"{r.role} {r.name} keeps its data inside the {'container' if r.is_container else 'resource'}"
        if r.provider == "proxmox":
            return Finding(self.name, "info", r.name, f"{r.role} {r.name} keeps its data on the guest's disk")
        if r.provider == "kubernetes":
            note = "; the Kubernetes workload spec cannot mount a volume claim yet"
            return Finding(self.name, "medium", r.name, message + note)
        volume = f"{r.name}-data"
        path = r.flavor.data_path if r.flavor else None
        if r.is_container and path is None:
            return Finding(self.name, "high", r.name, message + "; a replace loses it (mount a volume)")

        def change(data: dict[str, Any]) -> None:
            specs: dict[str, Any] = {"driver": "local"} if r.is_container else {"size": "20G"}
            data["resources"].append(
                {
                    "type": "storage",
                    "name": volume,
                    "provider": r.provider,
                    "specs": specs,
                    "metadata": {"role": "volume"},
                }
            )
            item = resource_data(data, r.index)
            item["dependencies"] = sorted({*item.get("dependencies", []), volume})
            if r.is_container:
                mounts = specs_data(data, r.index).setdefault("volumes", [])
                mounts.append(f"{volume}:{path}")

        return Finding(self.name, "high", r.name, message + "; a replace loses it", f"add volume {volume}", change)

    def _private_network(self, blueprint: Mapping[str, Any], containers: list[Seen]) -> Finding:
        network = free_name(blueprint, "net")

        def change(data: dict[str, Any]) -> None:
            data["resources"].append(
                {
                    "type": "network",
                    "name": network,
                    "provider": "docker",
                    "specs": {"driver": "bridge"},
                    "metadata": {"role": "network"},
                }
            )
            for c in containers:
                specs_data(data, c.index)["networks"] = [network]
                item = resource_data(data, c.index)
                item["dependencies"] = sorted({*item.get("dependencies", []), network})

        message = "containers share Docker's default bridge: they cannot reach each other by name"
        return Finding(self.name, "medium", None, message, f"add network {network} and attach every container", change)


def _depended(seen: list[Seen], r: Seen) -> list[Seen]:
    return [other for other in seen if other.name in r.dependencies]


class Security:
    name = "security"

    def review(self, blueprint: Mapping[str, Any], context: ReviewContext) -> list[Finding]:
        out: list[Finding] = []
        for r in resources(blueprint):
            if r.is_container:
                out += self._container(r)
            if (
                r.provider == "kubernetes"
                and r.role in INTERNAL
                and r.specs.get("service_type") in ("LoadBalancer", "NodePort")
            ):
                out.append(self._cluster_only(r))
            for key, value in {**_mapping(r.specs.get("env")), **_mapping(r.specs.get("config"))}.items():
                if _SECRET_KEY.search(key) and not key.upper().endswith("_FILE") and str(value):
                    message = f"{key} is written into the blueprint in clear text, and into plans, state and history"
                    out.append(Finding(self.name, "high", r.name, message + "; read it from a mounted file instead"))
            if r.provider == "proxmox" and r.specs.get("kind", "lxc") == "lxc" and r.specs.get("unprivileged") is False:
                out.append(self._unprivileged(r))
        return out

    def _container(self, r: Seen) -> list[Finding]:
        out: list[Finding] = []
        ports = [p for p in r.specs.get("ports", []) if isinstance(p, str)]
        everywhere = [p for p in ports if (m := _PORT.match(p)) and (m["v6"] or m["v4"]) in _EVERYWHERE]
        if everywhere:

            def loopback(data: dict[str, Any]) -> None:
                specs = specs_data(data, r.index)
                specs["ports"] = [_loopback(p) if p in everywhere else p for p in specs.get("ports", [])]

            message = f"publishes {', '.join(everywhere)} on every interface of the host"
            out.append(Finding(self.name, "high", r.name, message, "bind the ports to 127.0.0.1", loopback))
        if r.role in INTERNAL and ports and r.specs.get("networks"):

            def unpublish(data: dict[str, Any]) -> None:
                specs_data(data, r.index).pop("ports", None)

            message = f"{r.role} {r.name} is published on the host; its clients reach it over the private network"
            out.append(Finding(self.name, "medium", r.name, message, "stop publishing its ports", unpublish))
        mounts = [v for v in r.specs.get("volumes", []) if isinstance(v, str)]
        if any(v.startswith("/var/run/docker.sock") or v.startswith("/run/docker.sock") for v in mounts):
            message = "mounts the Docker socket: whoever controls this container controls the host"
            out.append(Finding(self.name, "critical", r.name, message))
        image = r.specs.get("image")
        if (
            isinstance(image, str)
            and "@" not in image
            and (":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest"))
        ):
            out.append(Finding(self.name, "low", r.name, f"image {image} is not pinned to a version"))
        return out

    def _cluster_only(self, r: Seen) -> Finding:
        def change(data: dict[str, Any]) -> None:
            specs_data(data, r.index)["service_type"] = "ClusterIP"

        message = f"{r.role} {r.name} is reachable from outside the cluster (Service type {r.specs['service_type']})"
        return Finding(self.name, "high", r.name, message, "make its Service ClusterIP", change)

    def _unprivileged(self, r: Seen) -> Finding:
        def change(data: dict[str, Any]) -> None:
            specs_data(data, r.index)["unprivileged"] = True

        message = "a privileged LXC container: root inside is root on the node"
        return Finding(self.name, "medium", r.name, message, "make it unprivileged (replaces the container)", change)


def _loopback(port: str) -> str:
    match = _PORT.match(port)
    if match is None:
        return port
    return f"{'[::1]' if match['v6'] else '127.0.0.1'}:{match['host']}:{match['rest']}"


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


class Reliability:
    name = "reliability"

    def review(self, blueprint: Mapping[str, Any], context: ReviewContext) -> list[Finding]:
        out: list[Finding] = []
        for r in resources(blueprint):
            if r.is_container:
                out += self._container(r)
            if r.role in STATEFUL and r.type in ("compute", "service"):
                message = f"{r.role} {r.name} has no backup: ALMA schedules none; snapshot its volume or dump it"
                out.append(Finding(self.name, "medium", r.name, message))
        # Last, so that a second instance copies the first one with the fixes above already made.
        counted: set[str] = set()
        for r in resources(blueprint):
            base = instance_base(r.name)
            if r.role in ("web", "load_balancer", "database") and base not in counted:
                counted.add(base)
                finding = self._single_point(blueprint, r)
                if finding is not None:
                    out.append(finding)
        return out

    def _single_point(self, blueprint: Mapping[str, Any], r: Seen) -> Finding | None:
        if r.replicas is not None:
            if r.replicas >= 2:
                return None
        elif len(group(blueprint, r)) >= 2:
            return None
        message = f"{r.name} is a single point of failure: one {DEFAULTS[r.role or 'server'].label} instance"
        if r.role == "database":
            return Finding(self.name, "medium", r.name, message + "; ALMA does not compose database replication")
        if r.replicas is not None:

            def replicas(data: dict[str, Any]) -> None:
                specs_data(data, r.index)["replicas"] = 2

            return Finding(self.name, "medium", r.name, message, "run 2 replicas", replicas)
        if r.role == "load_balancer":
            note = "; two load balancers need a shared address (a VIP), which is not composed"
            return Finding(self.name, "medium", r.name, message + note)
        new = free_name(blueprint, f"{instance_base(r.name)}-2")
        return Finding(self.name, "medium", r.name, message, f"add a second instance {new}", _second(r, new))

    def _container(self, r: Seen) -> list[Finding]:
        out: list[Finding] = []
        if r.specs.get("healthcheck") is None:
            health = r.flavor.health if r.flavor else None
            message = f"{r.name} has no health check: Docker cannot tell a hung process from a working one"
            if health is None:
                out.append(Finding(self.name, "medium", r.name, message))
            else:

                def check(data: dict[str, Any]) -> None:
                    specs_data(data, r.index)["healthcheck"] = {"test": health, "interval": "30s", "timeout": "5s"}

                out.append(Finding(self.name, "medium", r.name, message, f"add the health check '{health}'", check))
        if r.specs.get("restart", "no") == "no":

            def restart(data: dict[str, Any]) -> None:
                specs_data(data, r.index)["restart"] = "unless-stopped"

            message = f"{r.name} stays down after a crash or a reboot of the host (restart: no)"
            out.append(Finding(self.name, "medium", r.name, message, "restart: unless-stopped", restart))
        if r.specs.get("memory") is None:
            memory = f"{DEFAULTS[r.role or 'server'].memory_mb or 512}M"

            def limit(data: dict[str, Any]) -> None:
                specs_data(data, r.index)["memory"] = memory

            message = f"{r.name} has no memory limit: a leak in it can starve every container on the host"
            out.append(Finding(self.name, "low", r.name, message, f"limit memory to {memory}", limit))
        return out


def _second(r: Seen, new: str) -> Change:
    """Add a copy of ``r`` named ``new``: on the next free host ports, depended on wherever ``r`` is."""

    def change(data: dict[str, Any]) -> None:
        clone = copy.deepcopy(resource_data(data, r.index))
        clone["name"] = new
        specs = clone.get("specs", {})
        if isinstance(specs, dict) and specs.get("ports") and r.is_container:
            used = {
                int(m["host"]) for s in resources(data) for p in s.specs.get("ports", []) if (m := _PORT.match(str(p)))
            }
            ports = []
            for port in specs["ports"]:
                match = _PORT.match(str(port))
                if match is None:
                    ports.append(port)
                    continue
                host = max(used) + 1
                used.add(host)
                ports.append(f"{match['v4'] or '[' + str(match['v6']) + ']'}:{host}:{match['rest']}")
            specs["ports"] = ports
        data["resources"].append(clone)
        for dependent in dependents(data, r.name):
            item = resource_data(data, dependent.index)
            item["dependencies"] = sorted({*item.get("dependencies", []), new})

    return change


class Cost:
    name = "cost"

    def review(self, blueprint: Mapping[str, Any], context: ReviewContext) -> list[Finding]:
        priced = estimate(blueprint, context.rate_card)
        top = sorted(priced["resources"].items(), key=lambda item: -float(item[1]["monthly"]))[:3]
        biggest = ", ".join(f"{name} {value['monthly']:.2f}" for name, value in top)
        message = f"estimated {priced['total']:.2f} {priced['currency']}/month (largest: {biggest})"
        out = [Finding(self.name, "info", None, message)]
        for provider, quota in sorted(context.quotas.items()):
            used = _totals(blueprint, provider)
            for field, label in (
                ("cores", "cores"),
                ("memory_mb", "MiB memory"),
                ("disk_gb", "GiB disk"),
                ("resources", "resources"),
            ):
                limit = getattr(quota, field)
                if limit is None or used[field] == 0:
                    continue
                share = used[field] / limit if limit else float("inf")
                if share > 1:
                    message = f"{provider}: asks for {used[field]:,} {label}, over the quota of {limit:,}"
                    out.append(Finding(self.name, "high", None, message))
                elif share >= 0.8:
                    room = f"({used[field]:,} of {limit:,}): little room to grow"
                    message = f"{provider}: uses {share:.0%} of the {label} quota {room}"
                    out.append(Finding(self.name, "medium", None, message))
        return out


def _totals(blueprint: Mapping[str, Any], provider: str) -> dict[str, int]:
    """What one provider's resources add up to, as the quota check counts them."""
    totals = {"cores": 0, "memory_mb": 0, "disk_gb": 0, "resources": 0}
    for r in resources(blueprint):
        if r.provider != provider:
            continue
        machine = r.type == "compute" and not r.is_container  # fake and Proxmox defaults: 1 core, 512M, 8G
        totals["resources"] += 1
        cores = r.specs.get("cores", 1 if machine else 0)
        totals["cores"] += cores if isinstance(cores, int) and not isinstance(cores, bool) else 0
        totals["memory_mb"] += r.memory_mb(512 if machine else 0)
        totals["disk_gb"] += r.disk_gb("disk", 8 if machine else 0)
        totals["disk_gb"] += r.disk_gb("size", 10 if r.type == "storage" and r.provider != "docker" else 0)
    return totals


REVIEWERS: tuple[type[Reviewer], ...] = (Architect, Security, Reliability, Cost)


def reviewers() -> list[Reviewer]:
    """A fresh council in its sitting order."""
    return [Architect(), Security(), Reliability(), Cost()]
