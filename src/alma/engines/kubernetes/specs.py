"""The Kubernetes engine's specs: what a blueprint may say for each resource type, and what forces a replace.

``network`` is a Namespace, ``storage`` a PersistentVolumeClaim, and ``service`` a Deployment with an
optional Service (when ``ports`` are given) and an optional ConfigMap (when ``config`` is given, offered to
the container as environment variables through ``envFrom``). ``compute`` has no Kubernetes meaning and is
refused: a machine is a ``service`` here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from alma.diagnostics import Diagnostic
from alma.engines.base import JSONDict
from alma.engines.specs import DiskGiB, Ports, SpecModel, check_spec

_DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")

ServiceType = Literal["ClusterIP", "NodePort", "LoadBalancer"]
AccessMode = Literal["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]


class NamespaceSpec(SpecModel):
    labels: dict[str, str] = Field(default_factory=dict)
    force: bool = False


class VolumeClaimSpec(SpecModel):
    own_aliases: ClassVar[Mapping[str, str]] = {"disk_size": "size", "disk": "size", "storage": "size"}

    namespace: str = Field(default="default", pattern=_DNS_LABEL)
    size: DiskGiB = 10
    storage_class: str | None = Field(default=None, min_length=1, max_length=253)
    access_mode: AccessMode = "ReadWriteOnce"
    force: bool = False  # take over fields another field manager owns (server-side apply ``force``)


class WorkloadSpec(SpecModel):
    own_aliases: ClassVar[Mapping[str, str]] = {"os": "image"}

    namespace: str = Field(default="default", pattern=_DNS_LABEL)
    image: str = Field(default="nginx:stable", min_length=1, max_length=255)
    replicas: int = Field(default=1, ge=0, le=1000)
    ports: Ports = Field(default_factory=list)
    service_type: ServiceType | None = None
    env: dict[str, str] = Field(default_factory=dict)
    config: dict[str, str] = Field(default_factory=dict)
    force: bool = False

    @field_validator("env")
    @classmethod
    def _env(cls, env: dict[str, str]) -> dict[str, str]:
        bad = sorted(name for name in env if not _ENV_NAME.match(name))
        if bad:
            raise ValueError(f"env names must be C identifiers such as 'LOG_LEVEL', got {bad}")
        return env

    @field_validator("config")
    @classmethod
    def _config(cls, config: dict[str, str]) -> dict[str, str]:
        bad = sorted(key for key in config if not _CONFIG_KEY.match(key))
        if bad:
            raise ValueError(f"config keys may hold letters, digits, '-', '_' and '.', got {bad}")
        return config

    @model_validator(mode="after")
    def _service_type_needs_ports(self) -> WorkloadSpec:
        if self.service_type is not None and not self.ports:
            raise ValueError("service_type needs ports: without ports no Service is made")
        return self


SPEC_MODELS: dict[str, type[SpecModel]] = {
    "network": NamespaceSpec,
    "storage": VolumeClaimSpec,
    "service": WorkloadSpec,
}
# Fields Kubernetes refuses to change in place (or that move the object): changing one plans a replace.
IMMUTABLE: dict[str, frozenset[str]] = {
    "network": frozenset(),
    "storage": frozenset({"namespace", "storage_class", "access_mode"}),
    "service": frozenset({"namespace"}),
}


def check(resource_type: str, specs: Mapping[str, Any]) -> list[Diagnostic]:
    model = SPEC_MODELS.get(resource_type)
    if model is None:
        hint = "; run containers as a 'service'" if resource_type == "compute" else ""
        known = ", ".join(sorted(SPEC_MODELS))
        return [Diagnostic(f"the kubernetes provider has no resource type '{resource_type}' (it has {known}){hint}")]
    diagnostics = check_spec(model, specs)[1]
    for diagnostic in diagnostics:
        if diagnostic.path == "" and "service_type" in diagnostic.message:
            diagnostics[diagnostics.index(diagnostic)] = Diagnostic(diagnostic.message, "service_type")
    return diagnostics


def normalize(resource_type: str, specs: Mapping[str, Any]) -> JSONDict:
    dumped = SPEC_MODELS[resource_type].model_validate(specs).model_dump()
    if resource_type == "service" and dumped["ports"] and dumped["service_type"] is None:
        dumped["service_type"] = "ClusterIP"  # the API's default, written out so a re-read compares equal
    return dumped


def forces_replace(key: str, before: Any, after: Any) -> bool:
    """A claim only grows in place; a Service's type switch is refused by the API for allocated ports and
    cluster IPs often enough that ALMA replaces the Service's owner rather than fail half-way."""
    if key == "size" and isinstance(before, int) and isinstance(after, int):
        return after < before
    return key == "service_type" and before is not None and after is not None
