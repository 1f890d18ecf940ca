"""A stack's Docker resources as kreuzwerker/docker Terraform resources, with imports for what exists.

Containers are ``docker_container`` (an image ALMA would pull is a ``docker_image`` kept on the host),
networks ``docker_network``, volumes ``docker_volume``; names, labels and limits are exactly what ALMA's
engine gave the objects, so an import finds them as configured. Import ids: a container's or a network's
id, a volume's name.
"""

from __future__ import annotations

import re
from typing import Any

from alma.engines.docker.containers import CPU_PERIOD
from alma.export.docker_labels import docker_labels, docker_name
from alma.export.hcl import Block, Expr
from alma.export.model import Address, Recorded, identifier

_IMAGE_WORD = re.compile(r"[^A-Za-z0-9_-]+")


def address(resource: Recorded) -> str:
    kind = {"network": "docker_network", "storage": "docker_volume"}.get(resource.type, "docker_container")
    return f"{kind}.{identifier(resource.name)}"


def blocks(stack: str, resources: list[Recorded], addresses: dict[str, str]) -> tuple[list[Block], list[Address]]:
    out: list[Block] = []
    found: list[Address] = []
    images: dict[str, str] = {}
    for resource in resources:
        specs = resource.specs
        labels = docker_labels(stack, resource.name, resource.type, specs)
        kind, label = address(resource).split(".", 1)
        block = Block("resource", (kind, label)).set("name", docker_name(stack, resource.name))
        if resource.type == "network":
            _network(block, specs)
        elif resource.type == "storage":
            block.set("driver", specs.get("driver")).set("driver_opts", specs.get("driver_opts") or None)
        else:
            image = _image(specs, images, out)
            _container(block, specs, image, stack, addresses)
        for key, text in sorted(labels.items()):
            block.add(Block("labels").set("label", key).set("value", text))
        deps = [Expr(addresses[d]) for d in resource.dependencies if d in addresses]
        block.set("depends_on", deps or None)
        out.append(block)
        import_id = (resource.facts.get("docker_name") if resource.type == "storage" else resource.external_id) or None
        found.append(Address(resource.name, address(resource), import_id if resource.exists else None))
    return out, found


def _network(block: Block, specs: Any) -> None:
    block.set("driver", specs.get("driver")).set("internal", bool(specs.get("internal")))
    if specs.get("subnet"):
        block.add(Block("ipam_config").set("subnet", specs["subnet"]).set("gateway", specs.get("gateway")))


def _image(specs: Any, images: dict[str, str], out: list[Block]) -> Any:
    """The container's image: a ``docker_image`` (kept on the host) when ALMA would pull it, else its name."""
    name = str(specs["image"])
    if specs.get("pull", "never") == "never":
        return name
    if name not in images:
        label = "image_" + _IMAGE_WORD.sub("_", name).strip("_")
        images[name] = f"docker_image.{label}"
        image = Block("resource", ("docker_image", label)).set("name", name).set("keep_locally", True)
        image.comment = f"pull: {specs['pull']} in ALMA: Terraform pulls it when the host lacks it"
        out.append(image)
    return Expr(f"{images[name]}.image_id")


def _container(block: Block, specs: Any, image: Any, stack: str, addresses: dict[str, str]) -> None:
    block.set("image", image).set("command", specs.get("command"))
    env = specs.get("env") or {}
    block.set("env", [f"{k}={v}" for k, v in sorted(env.items())] or None)
    block.set("restart", specs.get("restart"))
    if specs.get("memory") is not None:  # as ALMA's engine: raising memory never trips swap
        block.set("memory", specs["memory"]).set("memory_swap", -1)
    if specs.get("cpus") is not None:  # a CFS quota, as ALMA's engine sets it
        block.set("cpu_period", CPU_PERIOD).set("cpu_quota", round(specs["cpus"] * CPU_PERIOD))
    # A container ALMA keeps stopped (start: false) is created but not run; records made before `start`
    # existed mean a running one.
    running = specs.get("start", True) is not False
    block.set("must_run", running)
    if not running:
        block.set("start", False)
    for port in specs.get("ports") or []:
        host, host_port, rest = port.rsplit(":", 2)
        inside, _, protocol = rest.partition("/")
        published = Block("ports").set("internal", int(inside))
        published.set("external", int(host_port) if host_port else None).set("ip", host.strip("[]"))
        block.add(published.set("protocol", protocol or "tcp"))
    for volume in specs.get("volumes") or []:
        source, target, mode = volume.split(":")
        mount = Block("volumes").set("container_path", target).set("read_only", mode == "ro")
        if source.startswith("/"):
            mount.set("host_path", source)
        else:
            mount.set("volume_name", Expr(f"{addresses[source]}.name") if source in addresses else f"{stack}_{source}")
        block.add(mount)
    for network in specs.get("networks") or []:
        reference = Expr(f"{addresses[network]}.name") if network in addresses else f"{stack}_{network}"
        block.add(Block("networks_advanced").set("name", reference))
    check = specs.get("healthcheck")
    if check:
        health = Block("healthcheck").set("test", list(check["test"]))
        for key in ("interval", "timeout", "start_period"):
            health.set(key, _duration(check[key]))
        block.add(health.set("retries", check["retries"]))


def _duration(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    return f"{milliseconds // 1000}s" if milliseconds % 1000 == 0 else f"{milliseconds}ms"
