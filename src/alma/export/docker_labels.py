"""The labels ALMA's Docker engine puts on each object, for exports that must describe the objects exactly
as they are (an imported object whose labels differ would be replaced: Docker cannot change labels)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alma.engines import ResourceRef
from alma.engines.docker import ownership
from alma.engines.docker.containers import DEFAULTABLE


def docker_labels(stack: str, name: str, rtype: str, specs: Mapping[str, Any]) -> dict[str, str]:
    ref = ResourceRef(stack, name, rtype)
    if rtype in ("compute", "service"):
        defaulted = [f for f in DEFAULTABLE if specs.get(f) is None]
        extra = {ownership.ENV_KEYS: ",".join(specs.get("env") or {}), ownership.PULL: str(specs.get("pull"))}
        return ownership.labels(ref, defaulted=defaulted, extra=extra)
    if rtype == "network":
        return ownership.labels(ref, defaulted=[f for f in ("subnet", "gateway") if specs.get(f) is None])
    return ownership.labels(ref)


def docker_name(stack: str, name: str) -> str:
    return ownership.scoped(stack, name)
