"""Containers (blueprint types ``compute`` and ``service``): read back, create, update, replace, delete.

Every function here is synchronous and takes the SDK client: the engine runs each one in a worker
thread. Docker can change a container's restart policy and resource limits in place, and start or stop
it (``start``, read back from whether it runs); anything else means a new container, so those changes
plan as ``replace``.

A failed create leaves nothing behind: the half-made container is removed before the error goes up
(if even that fails, it carries the ownership labels and the retried create adopts it). A replace
checks the new image first, then stops the old container and sets it aside under another name; if the
new one cannot be made, the old one gets its name back and is started again.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from docker import DockerClient
from docker.errors import ImageNotFound, NotFound
from docker.models.containers import Container

from alma.engines.base import JSONDict, Observed, ResourceRef
from alma.engines.docker import ownership
from alma.engines.docker.client import SDK_ERRORS
from alma.engines.docker.specs import canonical_port, canonical_volume
from alma.errors import EngineError, PermanentEngineError

log = logging.getLogger(__name__)
MIB = 1024 * 1024
NS_PER_S = 1_000_000_000
CPU_PERIOD = 100_000
STOP_TIMEOUT_S = 10
IN_PLACE = frozenset({"restart", "memory", "cpus", "start"})
UNDO_ON: tuple[type[BaseException], ...] = (*SDK_ERRORS, EngineError)  # what a replace undoes itself on
DEFAULTABLE = ("command", "healthcheck")  # left unset, the image's own apply


def forces_replace(key: str, before: Any, after: Any) -> bool:
    """Restart policy, limits and running or not change in place; a limit Docker cannot lift, and all
    else, replaces."""
    if key in IN_PLACE:
        return after is None and before is not None
    return True


def find(client: DockerClient, ref: ResourceRef) -> list[Container]:
    """ALMA's containers for ``ref``, the one under its own name first (a failed replace's cleanup may
    have left the previous one aside under another name)."""
    found = client.containers.list(all=True, filters=ownership.ref_filter(ref))
    mine = [c for c in found if ownership.owned_by(c.labels, ref)]
    return sorted(mine, key=lambda c: c.name != ownership.docker_name(ref))


def list_stack(client: DockerClient, stack: str) -> list[Container]:
    return list(client.containers.list(all=True, filters=ownership.stack_filter(stack)))


def observe(container: Container, ref: ResourceRef) -> Observed:
    attrs = container.attrs
    config, host, state = attrs["Config"], attrs["HostConfig"], attrs.get("State") or {}
    labels = config.get("Labels") or {}
    defaulted = ownership.defaulted_fields(labels)
    env_all = dict(item.split("=", 1) for item in config.get("Env") or [] if "=" in item)
    env_keys = [key for key in labels.get(ownership.ENV_KEYS, "").split(",") if key]
    networks = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
    quota, period = host.get("CpuQuota") or 0, host.get("CpuPeriod") or CPU_PERIOD
    specs: JSONDict = {
        "image": config.get("Image"),
        "pull": labels.get(ownership.PULL, "never"),
        "command": None if "command" in defaulted else list(config.get("Cmd") or []),
        "env": {key: env_all[key] for key in sorted(env_keys) if key in env_all},
        "ports": _ports(host.get("PortBindings") or {}),
        "volumes": sorted(_volume_spec(bind, ref.stack) for bind in host.get("Binds") or []),
        "networks": sorted(n for n in (ownership.unscoped(ref.stack, name) for name in networks) if n),
        "restart": (host.get("RestartPolicy") or {}).get("Name") or "no",
        "healthcheck": None if "healthcheck" in defaulted else _healthcheck(config.get("Healthcheck")),
        "memory": (host.get("Memory") or 0) // MIB or None,
        "cpus": round(quota / period, 3) if quota > 0 else None,
        "start": _running(container),
    }
    facts: JSONDict = {"docker_name": container.name, "image_id": attrs.get("Image")}
    if published := _published((attrs.get("NetworkSettings") or {}).get("Ports") or {}):
        facts["published"] = published  # the host ports Docker chose for ports that name none
    if state.get("Health"):
        facts["health"] = state["Health"].get("Status")
    return Observed(ref, specs, state.get("Status", "unknown"), container.id or "", facts)


def _ports(bindings: dict[str, Any]) -> list[str]:
    out = set()
    for container_port, binds in bindings.items():
        port, _, proto = container_port.partition("/")
        for bind in binds or []:
            host = bind.get("HostIp") or "0.0.0.0"  # what Docker does with no address: shown as such
            host = f"[{host}]" if ":" in host else host
            out.add(canonical_port(f"{host}:{bind.get('HostPort') or ''}:{port}/{proto or 'tcp'}"))
    return sorted(out)


def _published(ports: dict[str, Any]) -> list[str]:
    """What a running container publishes, as ``docker ps`` says it: ``127.0.0.1:49153->80/tcp``."""
    out = set()
    for container_port, binds in ports.items():
        for bind in binds or []:
            host = bind.get("HostIp") or "0.0.0.0"
            out.add(f"{f'[{host}]' if ':' in host else host}:{bind.get('HostPort')}->{container_port}")
    return sorted(out)


def _volume_spec(bind: str, stack: str) -> str:
    source, _, rest = bind.partition(":")
    if not source.startswith("/"):
        source = ownership.unscoped(stack, source) or source
    return canonical_volume(f"{source}:{rest}")


def _healthcheck(check: dict[str, Any] | None) -> JSONDict | None:
    if not check or not check.get("Test"):
        return None
    return {
        "test": list(check["Test"]),
        "interval": round((check.get("Interval") or 0) / NS_PER_S, 3),
        "timeout": round((check.get("Timeout") or 0) / NS_PER_S, 3),
        "retries": check.get("Retries") or 0,
        "start_period": round((check.get("StartPeriod") or 0) / NS_PER_S, 3),
    }


def ensure_image(client: DockerClient, image: str, pull: str, resource: str) -> None:
    """Never pulls unless the spec says so: a missing image with ``pull: never`` is refused by name."""
    if pull != "always":
        try:
            client.images.get(image)
            return
        except ImageNotFound as exc:
            if pull == "never":
                raise PermanentEngineError(
                    f"image '{image}' is not on the Docker host and the spec says pull: never "
                    "(load or build it there, or set pull: missing)",
                    resource=resource,
                ) from exc
    log.info("pulling %s for %s (pull: %s)", image, resource, pull)
    client.images.pull(image)


def create(client: DockerClient, ref: ResourceRef, spec: JSONDict, *, image_checked: bool = False) -> Container:
    if not image_checked:
        ensure_image(client, spec["image"], spec["pull"], ref.name)
    name = ownership.docker_name(ref)
    if _exists(client, name):
        raise ownership.conflict(ref, "container")  # find() saw none of ours: this one is someone else's
    networks = [ownership.scoped(ref.stack, n) for n in spec["networks"]]
    extra = {ownership.ENV_KEYS: ",".join(spec["env"]), ownership.PULL: spec["pull"]}
    kwargs: dict[str, Any] = {
        "image": spec["image"],
        "command": spec["command"],
        "name": name,
        "labels": ownership.labels(ref, defaulted=[f for f in DEFAULTABLE if spec[f] is None], extra=extra),
        "environment": spec["env"],
        "ports": _port_bindings(spec["ports"]),
        "volumes": [_bind(volume, ref.stack) for volume in spec["volumes"]],
        **_limits(spec),
    }
    if networks:
        kwargs["network"] = networks[0]
    if spec["healthcheck"] is not None:
        check = spec["healthcheck"]
        kwargs["healthcheck"] = {
            "test": check["test"],
            "retries": check["retries"],
            **{key: round(check[key] * NS_PER_S) for key in ("interval", "timeout", "start_period")},
        }
    container = client.containers.create(**kwargs)
    try:
        for network in networks[1:]:
            client.networks.get(network).connect(container)
        if spec.get("start", True):  # a plan made before containers had ``start`` meant a running one
            container.start()
        container.reload()
    except SDK_ERRORS:
        with contextlib.suppress(*SDK_ERRORS):
            container.remove(force=True, v=True)
        raise
    return container


def _exists(client: DockerClient, name: str) -> bool:
    try:
        client.containers.get(name)
    except NotFound:
        return False
    return True


def _port_bindings(ports: list[str]) -> dict[str, list[tuple[str, int | None]]]:
    bindings: dict[str, list[tuple[str, int | None]]] = {}
    for port in ports:
        host, host_port, container_port = port.rsplit(":", 2)
        # Always with the address: without one Docker would bind every interface.
        bindings.setdefault(container_port, []).append((host.strip("[]"), int(host_port) if host_port else None))
    return bindings


def _bind(volume: str, stack: str) -> str:
    source, target, mode = volume.split(":")
    return f"{source if source.startswith('/') else ownership.scoped(stack, source)}:{target}:{mode}"


def _limits(spec: JSONDict) -> dict[str, Any]:
    limits: dict[str, Any] = {"restart_policy": {"Name": spec["restart"], "MaximumRetryCount": 0}}
    if spec["memory"] is not None:
        limits.update(mem_limit=spec["memory"] * MIB, memswap_limit=-1)  # -1: raising memory never trips swap
    if spec["cpus"] is not None:
        limits.update(cpu_period=CPU_PERIOD, cpu_quota=round(spec["cpus"] * CPU_PERIOD))
    return limits


def update(container: Container, spec: JSONDict) -> None:
    container.update(**_limits(spec))
    container.reload()


def power(container: Container, start: bool) -> None:
    """Start or stop the container, as ``start`` says; nothing when it already is so."""
    if start and not _running(container):
        container.start()
    elif not start and _running(container):
        container.stop(timeout=STOP_TIMEOUT_S)
    else:
        return
    container.reload()


def _running(container: Container) -> bool:
    # Docker's own flag: true for a running (or paused, or restarting) container, false once it stopped
    # or exited, whoever stopped it.
    return bool((container.attrs.get("State") or {}).get("Running"))


def replace(client: DockerClient, ref: ResourceRef, old: Container, spec: JSONDict) -> Container:
    ensure_image(client, spec["image"], spec["pull"], ref.name)  # refuse before touching the old one
    was_running = _running(old)
    old.stop(timeout=STOP_TIMEOUT_S)  # frees its host ports for the new one
    try:
        old.rename(f"{ownership.docker_name(ref)}-replaced-{old.short_id}")
        try:
            new = create(client, ref, spec, image_checked=True)
        except UNDO_ON:
            with contextlib.suppress(*SDK_ERRORS):
                old.rename(ownership.docker_name(ref))
            raise
    except UNDO_ON:
        if was_running:
            with contextlib.suppress(*SDK_ERRORS):
                old.start()
        raise
    try:
        remove(old)
    except SDK_ERRORS as exc:
        # The new container is in place; the old one is labelled and set aside: the next delete of
        # this resource removes it too. Failing here would make a retry replace the new one again.
        log.warning("replaced %s but could not remove the previous container %s: %s", ref.key, old.short_id, exc)
    return new


def remove(container: Container) -> None:
    """Stop, then remove (with its anonymous volumes); one that is already gone is fine."""
    try:
        container.stop(timeout=STOP_TIMEOUT_S)
        container.remove(v=True)
    except NotFound:
        return
