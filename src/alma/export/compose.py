"""``alma export compose``: a stack of Docker resources as a Docker Compose file.

Containers become services with the names ALMA gave them (``container_name``), networks and volumes keep
their Docker names (``name``), so Compose uses the networks and volumes that exist; containers are made
anew by ``docker compose up`` (remove ALMA's first: their names are taken). Dependencies between
containers are ``depends_on``; a container's networks and volumes are named where it uses them. Labels are
ALMA's, so ``alma drift`` still knows them. A stack with anything but Docker resources is refused.
"""

from __future__ import annotations

from typing import Any

import yaml

from alma.engines.docker.containers import CPU_PERIOD
from alma.errors import InvalidInputError
from alma.export.docker_labels import docker_labels, docker_name
from alma.export.model import Address, Exported, Recorded


def export_compose(stack: str, revision: int, resources: list[Recorded]) -> Exported:
    others = [r for r in resources if r.provider != "docker"]
    if others:
        named = ", ".join(f"{r.name} ({r.provider})" for r in others)
        raise InvalidInputError(f"`alma export compose` writes Docker stacks; stack '{stack}' also has {named}")
    containers = [r for r in resources if r.type in ("compute", "service")]
    document: dict[str, Any] = {"services": {}}
    found: list[Address] = []
    names = {r.name for r in containers}
    for resource in containers:
        document["services"][resource.name] = _service(stack, resource, names)
        found.append(Address(resource.name, f"services.{resource.name}", docker_name(stack, resource.name)))
    networks = {r.name: _network(stack, r) for r in resources if r.type == "network"}
    volumes = {r.name: _volume(stack, r) for r in resources if r.type == "storage"}
    for section, items in (("networks", networks), ("volumes", volumes)):
        if items:
            document[section] = items
            found += [Address(name, f"{section}.{name}", docker_name(stack, name)) for name in items]
    header = (
        f"# Stack '{stack}' at revision {revision}, written by `alma export compose {stack}`.\n"
        f"# Networks and volumes keep their names and are reused; the containers' names are ALMA's:\n"
        f"# remove them (docker rm -f) before `docker compose -p {stack} up -d` makes them again.\n"
    )
    body = yaml.safe_dump(_literal(document), sort_keys=False, default_flow_style=False, width=4096, allow_unicode=True)
    notes = ["`docker compose up` makes the containers anew: remove ALMA's containers of this stack first"]
    return Exported(header + body, found, notes)


def _literal(value: Any) -> Any:
    """Every text as it is: Compose reads ``$x`` and ``${x}`` in values as variables, ``$$`` as a ``$``."""
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, dict):
        return {key: _literal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_literal(item) for item in value]
    return value


def _service(stack: str, resource: Recorded, containers: set[str]) -> dict[str, Any]:
    specs = resource.specs
    service: dict[str, Any] = {"image": specs["image"], "container_name": docker_name(stack, resource.name)}
    service["pull_policy"] = specs.get("pull", "never")
    if specs.get("command") is not None:
        service["command"] = list(specs["command"])
    if specs.get("env"):
        service["environment"] = dict(specs["env"])
    if specs.get("ports"):
        service["ports"] = list(specs["ports"])  # HOST_IP:HOST_PORT:PORT/PROTO, as Compose writes them
    if specs.get("volumes"):
        service["volumes"] = list(specs["volumes"])
    if specs.get("networks"):
        service["networks"] = list(specs["networks"])
    service["restart"] = specs.get("restart", "no")
    if specs.get("memory") is not None:
        service["mem_limit"] = f"{specs['memory']}m"
        service["memswap_limit"] = -1  # as ALMA's engine: raising memory never trips swap
    if specs.get("cpus") is not None:  # a CFS quota, as ALMA's engine sets it (``cpus`` would be another field)
        service["cpu_period"] = CPU_PERIOD
        service["cpu_quota"] = round(specs["cpus"] * CPU_PERIOD)
    check = specs.get("healthcheck")
    if check:
        service["healthcheck"] = {
            "test": list(check["test"]),
            "interval": f"{check['interval']}s",
            "timeout": f"{check['timeout']}s",
            "retries": check["retries"],
            "start_period": f"{check['start_period']}s",
        }
    needs = sorted(d for d in resource.dependencies if d in containers)
    if needs:
        service["depends_on"] = needs
    service["labels"] = docker_labels(stack, resource.name, resource.type, specs)
    return service


def _network(stack: str, resource: Recorded) -> dict[str, Any]:
    specs = resource.specs
    network: dict[str, Any] = {"name": docker_name(stack, resource.name), "driver": specs.get("driver", "bridge")}
    if specs.get("internal"):
        network["internal"] = True
    if specs.get("subnet"):
        pool = {"subnet": specs["subnet"], **({"gateway": specs["gateway"]} if specs.get("gateway") else {})}
        network["ipam"] = {"config": [pool]}
    network["labels"] = docker_labels(stack, resource.name, resource.type, specs)
    return network


def _volume(stack: str, resource: Recorded) -> dict[str, Any]:
    specs = resource.specs
    volume: dict[str, Any] = {"name": docker_name(stack, resource.name), "driver": specs.get("driver", "local")}
    if specs.get("driver_opts"):
        volume["driver_opts"] = dict(specs["driver_opts"])
    volume["labels"] = docker_labels(stack, resource.name, resource.type, specs)
    return volume
