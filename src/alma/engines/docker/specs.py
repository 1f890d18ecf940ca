"""Docker spec models: what a blueprint may ask of a container, a network or a volume, in canonical form.

Normalization makes a re-plan of an unchanged resource a noop: ports and volumes become sorted strings
with every default spelled out (``127.0.0.1:8080:80/tcp``, ``data:/srv:rw``), env a sorted mapping,
image references carry their tag, durations are seconds. Ports must name their host address: Docker
binds to 0.0.0.0 when none is given, and ALMA never exposes a port to every interface implicitly.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from alma.engines.specs import MemoryMiB, SpecModel

PullPolicy = Literal["always", "missing", "never"]
_PORT = re.compile(
    r"^(?:\[(?P<v6>[^\]]+)\]|(?P<v4>[^:\[\]]+)):(?P<host>\d+):(?P<ctr>\d+)(?:/(?P<proto>tcp|udp|sctp))?$"
)
_DURATION = re.compile(r"^(?P<n>\d+(?:\.\d+)?)(?P<unit>ms|s|m|h)$")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_VOLUME_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def _port_items(value: Any) -> Any:
    """Mappings (``{host_ip, host_port, container_port, protocol}``) become the string form."""
    if not isinstance(value, list):
        return value
    out: list[Any] = []
    for item in value:
        if isinstance(item, dict):
            unknown = set(item) - {"host_ip", "host_port", "container_port", "protocol"}
            if unknown or "host_ip" not in item:
                raise ValueError(f"a port mapping needs host_ip, host_port and container_port, got {sorted(item)}")
            host = str(item["host_ip"])
            host = f"[{host}]" if ":" in host else host
            item = f"{host}:{item.get('host_port')}:{item.get('container_port')}/{item.get('protocol', 'tcp')}"
        out.append(item)
    return out


def canonical_port(text: str) -> str:
    match = _PORT.match(text.strip())
    if match is None:
        raise ValueError(
            f"port {text!r} must name its host address, e.g. '127.0.0.1:8080:80' "
            "(Docker would otherwise publish it on every interface)"
        )
    address = ipaddress.ip_address(match["v6"] or match["v4"])
    host_port, container_port = int(match["host"]), int(match["ctr"])
    if not (1 <= host_port <= 65535 and 1 <= container_port <= 65535):
        raise ValueError(f"port {text!r}: ports must be between 1 and 65535")
    host = f"[{address}]" if address.version == 6 else str(address)
    return f"{host}:{host_port}:{container_port}/{match['proto'] or 'tcp'}"


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
    def _ports(cls, ports: list[str]) -> list[str]:
        return sorted({canonical_port(port) for port in ports})

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
