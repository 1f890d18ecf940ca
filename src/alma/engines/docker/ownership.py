"""Ownership: the labels ALMA puts on every Docker object it creates, and the names it gives them.

Reads, lists and deletes only ever look at objects carrying ``alma.managed=true`` and the resource's
``alma.stack`` / ``alma.name``: an object someone else made, even under the very name ALMA would use,
is never read, adopted or removed; creating over it is refused as a conflict.

Some spec fields cannot be read back from Docker alone, because Docker merges the image's defaults into
the container (its command, its environment, its health check) or chooses them itself (a network's
subnet). The labels record which fields ALMA left to those defaults and which env keys it set, so a
read reports exactly what the blueprint asked for. Labels are fixed at creation, as are those fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from alma.engines.base import ResourceRef
from alma.errors import PermanentEngineError

MANAGED = "alma.managed"
STACK = "alma.stack"
NAME = "alma.name"
TYPE = "alma.type"
DEFAULTED = "alma.defaulted"  # spec fields left to the image's or the daemon's defaults
ENV_KEYS = "alma.env-keys"  # the env keys the spec set (the image adds its own, such as PATH)
PULL = "alma.pull"  # how the image was to be fetched: not a property Docker keeps


def docker_name(ref: ResourceRef) -> str:
    """Stack and resource names are DNS labels (no '_'), so ``stack_name`` cannot collide."""
    return f"{ref.stack}_{ref.name}"


def scoped(stack: str, name: str) -> str:
    """The Docker name of another resource of the same stack (a container's network or volume)."""
    return f"{stack}_{name}"


def unscoped(stack: str, docker_object_name: str) -> str | None:
    """The resource name behind a Docker name of this stack, or None for an object of no stack of ours."""
    prefix = f"{stack}_"
    return docker_object_name[len(prefix) :] if docker_object_name.startswith(prefix) else None


def labels(
    ref: ResourceRef, *, defaulted: Iterable[str] = (), extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    out = {MANAGED: "true", STACK: ref.stack, NAME: ref.name, TYPE: ref.type}
    fields = sorted(defaulted)
    if fields:
        out[DEFAULTED] = ",".join(fields)
    out.update(extra or {})
    return out


Filters = dict[str, str | list[str] | bool]


def stack_filter(stack: str) -> Filters:
    return {"label": [f"{MANAGED}=true", f"{STACK}={stack}"]}


def ref_filter(ref: ResourceRef) -> Filters:
    return {"label": [f"{MANAGED}=true", f"{STACK}={ref.stack}", f"{NAME}={ref.name}"]}


def owned_by(found: Mapping[str, str] | None, ref: ResourceRef) -> bool:
    found = found or {}
    return (
        found.get(MANAGED) == "true"
        and found.get(STACK) == ref.stack
        and found.get(NAME) == ref.name
        and found.get(TYPE, ref.type) == ref.type
    )


def defaulted_fields(found: Mapping[str, str] | None) -> frozenset[str]:
    return frozenset(field for field in (found or {}).get(DEFAULTED, "").split(",") if field)


def conflict(ref: ResourceRef, kind: str) -> PermanentEngineError:
    return PermanentEngineError(
        f"a Docker {kind} named '{docker_name(ref)}' already exists and is not managed by ALMA "
        f"(it lacks the label {MANAGED}=true for {ref.key}); ALMA will not adopt or remove it: "
        "rename or remove it, or rename the resource",
        resource=ref.name,
    )
