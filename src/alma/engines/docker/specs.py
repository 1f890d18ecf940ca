"""Docker spec models: what a blueprint may ask of a container, a network or a volume, in canonical form.

Normalization makes a re-plan of an unchanged resource a noop: ports and volumes become sorted strings
with every default spelled out (``127.0.0.1:8080:80/tcp``, ``data:/srv:rw``), env a sorted mapping,
image references carry their tag, durations are seconds. A port without a host address (``8080:80``,
``80``) gets the engine's default bind address (``ALMA_DOCKER_DEFAULT_BIND``, loopback unless set),
passed in as validation context, and is written out with it: Docker itself would bind such a port to
every interface, so ALMA never leaves the address to Docker, and the plan shows the one it chose.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from alma.diagnostics import Diagnostic
from alma.engines.specs import MemoryMiB, SpecModel

PullPolicy = Literal["always", "missing", "never"]
LOOPBACK = "127.0.0.1"
DEFAULT_BIND = "default_bind"  # the validation context's key for the address a port without one gets
_PORT_FORMS = (
    "'CONTAINER_PORT', 'HOST_PORT:CONTAINER_PORT' or 'HOST_IP:HOST_PORT:CONTAINER_PORT', each with an "
    "optional '/tcp', '/udp' or '/sctp' (IPv6 in brackets: '[::1]:8080:80')"
)
_DURATION = re.compile(r"^(?P<n>\d+(?:\.\d+)?)(?P<unit>ms|s|m|h)$")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_VOLUME_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def port_item(item: Any) -> Any:
    """A mapping (``{host_ip?, host_port?, container_port, protocol?}``) in the string form; else as given."""
    if not isinstance(item, dict):
        return item
    unknown = set(item) - {"host_ip", "host_port", "container_port", "protocol"}
    if unknown or "container_port" not in item:
        raise ValueError(
            f"a port mapping has container_port and optionally host_ip, host_port and protocol, got {sorted(item)}"
        )
    text = f"{item['container_port']}/{item.get('protocol', 'tcp')}"
    if "host_ip" in item or "host_port" in item:
        text = f"{item.get('host_port') or ''}:{text}"
    if "host_ip" in item:
        host = str(item["host_ip"])
        text = f"{f'[{host}]' if ':' in host else host}:{text}"
    return text


def _port_items(value: Any) -> Any:
    return [port_item(item) for item in value] if isinstance(value, list) else value


def canonical_port(text: str, default_bind: str = LOOPBACK) -> str:
    """``HOST_IP:HOST_PORT:CONTAINER_PORT/PROTO`` with every part spelled out; an empty HOST_PORT means
    Docker picks a free one. ``default_bind`` is the address of a port that names none."""
    rest, _, proto = text.strip().partition("/")
    if proto not in ("", "tcp", "udp", "sctp"):
        raise ValueError(f"port {text!r} must be {_PORT_FORMS}")
    address: str | None = None
    if rest.startswith("["):
        v6, bracket, rest = rest[1:].partition("]")
        if not bracket or not rest.startswith(":"):
            raise ValueError(f"port {text!r} must be {_PORT_FORMS}")
        address, parts = v6, rest[1:].split(":")
        if len(parts) != 2:
            raise ValueError(f"port {text!r} must be {_PORT_FORMS}")
    else:
        parts = rest.split(":")
        if len(parts) == 3:
            address, parts = parts[0], parts[1:]
        elif len(parts) > 3:
            raise ValueError(f"port {text!r} must be {_PORT_FORMS}")
    host_port, container_port = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
    if "-" in host_port or "-" in container_port:
        raise ValueError(f"port {text!r}: port ranges are not supported; list each port")
    if not container_port.isdigit() or not (host_port == "" or host_port.isdigit()):
        raise ValueError(f"port {text!r} must be {_PORT_FORMS}")
    if not all(1 <= int(p) <= 65535 for p in (host_port or "1", container_port)):
        raise ValueError(f"port {text!r}: ports must be between 1 and 65535")
    try:
        ip = ipaddress.ip_address(default_bind if address is None else address)
    except ValueError as exc:
        raise ValueError(f"port {text!r}: {address!r} is not an IP address (write one, e.g. 127.0.0.1)") from exc
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    return f"{host}:{host_port and int(host_port)}:{int(container_port)}/{proto or 'tcp'}"


def publishes_everywhere(canonical: str) -> bool:
    """Whether a canonical port is bound to 0.0.0.0 or ``::``: every interface of the host."""
    host = canonical.rsplit(":", 2)[0].strip("[]")
    return ipaddress.ip_address(host).is_unspecified


def published_everywhere(ports: list[Any], default_bind: str) -> list[Diagnostic]:
    """A warning for each of a container's (valid) ports that publishes on every interface of the host."""
    warnings = []
    for index, item in enumerate(ports):
        text = port_item(item)
        canonical = canonical_port(text, default_bind)
        if not publishes_everywhere(canonical):
            continue
        defaulted = canonical != canonical_port(text, LOOPBACK)  # the address came from the setting
        why = f" (ALMA_DOCKER_DEFAULT_BIND is {default_bind})" if defaulted else ""
        local = ":".join([LOOPBACK, *canonical.rsplit(":", 2)[1:]])
        warnings.append(
            Diagnostic(
                f"port {canonical!r} publishes on every interface of the Docker host{why}: anyone who can "
                f"reach the host reaches it; name an address to keep it local, e.g. {local!r}",
                f"ports.{index}",
                severity="warning",
            )
        )
    return warnings


def _volume_items(value: Any) -> Any:
    """Mappings (``{source, target, read_only}``) become the string form."""
    if not isinstance(value, list):
        return value
    return [
        f"{item.get('source')}:{item.get('target')}:{'ro' if item.get('read_only') else 'rw'}"
        if isinstance(item, dict)
        else item
        for item in value
    ]


def canonical_volume(text: str) -> str:
    parts = text.strip().split(":")
    if len(parts) == 2:
        parts.append("rw")
    if len(parts) != 3 or parts[2] not in ("rw", "ro") or not parts[1].startswith("/"):
        raise ValueError(f"volume {text!r} must be 'SOURCE:/container/path' with an optional ':ro' or ':rw'")
    if not parts[0].startswith("/") and not _VOLUME_NAME.match(parts[0]):
        raise ValueError(f"volume source {parts[0]!r} must be an absolute host path or a storage resource's name")
    return ":".join(parts)


def seconds(value: Any) -> float:
    """``30``, ``1.5``, ``"500ms"``, ``"30s"``, ``"2m"`` → seconds."""
    if isinstance(value, bool):
        raise ValueError(f"duration {value!r} must be seconds or a string such as '30s'")
    if isinstance(value, int | float):
        result = float(value)
    else:
        match = _DURATION.match(str(value).strip())
        if match is None:
            raise ValueError(f"duration {value!r} must be seconds or a string such as '500ms', '30s', '2m'")
        result = float(match["n"]) * _UNIT_S[match["unit"]]
    if not 0 <= result <= 86_400:
        raise ValueError(f"duration {value!r} must be between 0 and 24h")
    return round(result, 3)


Seconds = Annotated[float, BeforeValidator(seconds)]


class HealthCheckSpec(SpecModel):
    test: list[str] = Field(min_length=1)
    interval: Seconds = 30.0
    timeout: Seconds = 30.0
    retries: int = Field(default=3, ge=0, le=1000)
    start_period: Seconds = 0.0

    @field_validator("test", mode="before")
    @classmethod
    def _command(cls, value: Any) -> Any:
        # A string runs through the container's shell, as `HEALTHCHECK CMD string` does.
        if isinstance(value, str):
            return ["CMD-SHELL", value]
        if isinstance(value, list) and value and value[0] not in ("CMD", "CMD-SHELL", "NONE"):
            return ["CMD", *value]
        return value


class ContainerSpec(SpecModel):
    # Docker's own word for a CPU limit is ``cpus``: the other spellings of a CPU count mean it here.
    own_aliases: ClassVar[Mapping[str, str]] = {"cpu": "cpus", "cores": "cpus", "vcpus": "cpus", "os": "image"}

    image: str = Field(min_length=1, max_length=255)
    pull: PullPolicy = "never"
    command: list[str] | None = None
    env: dict[str, str] = Field(default_factory=dict)
    ports: Annotated[list[str], BeforeValidator(_port_items)] = Field(default_factory=list, max_length=256)
    volumes: Annotated[list[str], BeforeValidator(_volume_items)] = Field(default_factory=list, max_length=256)
    networks: list[str] = Field(default_factory=list, max_length=64)
    restart: Literal["no", "always", "unless-stopped", "on-failure"] = "no"
    healthcheck: HealthCheckSpec | None = None
    memory: MemoryMiB | None = None
    cpus: float | None = Field(default=None, gt=0, le=512)
    # Whether the container runs, as ``start`` says of the other engines' guests: read back from Docker,
    # so a container stopped by hand is drift, and changed in place (``docker start``/``stop``).
    start: bool = True

    @field_validator("image")
    @classmethod
    def _tagged(cls, image: str) -> str:
        # Docker records the reference as written: spell out the implied tag so "busybox" and
        # "busybox:latest" plan alike.
        last = image.rsplit("/", 1)[-1]
        return image if "@" in image or ":" in last else f"{image}:latest"

    @field_validator("command", mode="before")
    @classmethod
    def _argv(cls, value: Any) -> Any:
        return shlex.split(value) if isinstance(value, str) else value

    @field_validator("env")
    @classmethod
    def _env(cls, env: dict[str, str]) -> dict[str, str]:
        bad = [key for key in env if not key or "=" in key]
        if bad:
            raise ValueError(f"environment variable names must be non-empty and contain no '=', got {bad}")
        return dict(sorted(env.items()))

    @field_validator("ports")
    @classmethod
    def _ports(cls, ports: list[str], info: ValidationInfo) -> list[str]:
        default_bind = (info.context or {}).get(DEFAULT_BIND, LOOPBACK)
        return sorted({canonical_port(port, default_bind) for port in ports})

    @field_validator("volumes")
    @classmethod
    def _volumes(cls, volumes: list[str]) -> list[str]:
        return sorted({canonical_volume(volume) for volume in volumes})

    @field_validator("networks")
    @classmethod
    def _networks(cls, networks: list[str]) -> list[str]:
        bad = [n for n in networks if not _VOLUME_NAME.match(n)]
        if bad:
            raise ValueError(f"networks are the names of network resources of this stack, got {bad}")
        return sorted(set(networks))


class NetworkSpec(SpecModel):
    own_aliases: ClassVar[Mapping[str, str]] = {"cidr": "subnet"}

    driver: str = Field(default="bridge", min_length=1, max_length=64)
    subnet: str | None = None
    gateway: str | None = None
    internal: bool = False

    @field_validator("subnet")
    @classmethod
    def _subnet(cls, subnet: str | None) -> str | None:
        if subnet is None:
            return None
        try:
            return str(ipaddress.ip_network(subnet, strict=False))
        except ValueError as exc:
            raise ValueError(f"subnet {subnet!r} is not an IP network such as '10.10.0.0/24'") from exc

    @field_validator("gateway")
    @classmethod
    def _gateway_in_subnet(cls, gateway: str | None, info: ValidationInfo) -> str | None:
        if gateway is None:
            return None
        subnet = info.data.get("subnet")
        if subnet is None:
            raise ValueError("a gateway needs a subnet")
        try:
            address = ipaddress.ip_address(gateway)
        except ValueError as exc:
            raise ValueError(f"gateway {gateway!r} is not an IP address") from exc
        if address not in ipaddress.ip_network(subnet):
            raise ValueError(f"gateway {gateway} is not in subnet {subnet}")
        return str(address)


class VolumeSpec(SpecModel):
    driver: str = Field(default="local", min_length=1, max_length=64)
    driver_opts: dict[str, str] = Field(default_factory=dict)

    @field_validator("driver_opts")
    @classmethod
    def _sorted(cls, opts: dict[str, str]) -> dict[str, str]:
        return dict(sorted(opts.items()))


SPEC_MODELS: dict[str, type[SpecModel]] = {
    "compute": ContainerSpec,
    "service": ContainerSpec,
    "network": NetworkSpec,
    "storage": VolumeSpec,
}
