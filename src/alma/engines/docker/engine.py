"""The Docker engine: containers (``compute``, ``service``), networks (``network``), volumes (``storage``).

Reads see only objects carrying ALMA's ownership labels for the resource (see ``ownership``); refreshing
a plan lists each stack's objects with one label-filtered call per kind. Apply runs each change as one
synchronous sequence of SDK calls in a worker thread (see ``client``).

A create that finds the resource already there (a retried create, or one whose cleanup failed) adopts
it: it starts it when that is all that is missing, and otherwise changes it the way a plan against it
would have. Everything but a container's restart policy, its limits and whether it runs (``start``) is
fixed once created, so other changes replace. The image pull policy (``pull``) only governs how a new
container gets its image: a change of ``pull`` alone is no change to the container.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, ClassVar

from docker import DockerClient

from alma.diagnostics import Diagnostic
from alma.engines.base import (
    Action,
    Change,
    Engine,
    Health,
    Inventory,
    JSONDict,
    Observed,
    Preflight,
    PreflightIssue,
    ResourceRef,
    SpecVocabulary,
)
from alma.engines.diffing import diff_specs
from alma.engines.docker import containers, networks, ownership, volumes
from alma.engines.docker.client import DockerConnection
from alma.engines.docker.preflight import CONTAINER_TYPES, find_issues
from alma.engines.docker.specs import DEFAULT_BIND, LOOPBACK, SPEC_MODELS, published_everywhere
from alma.engines.specs import check_spec
from alma.errors import EngineError, PermanentEngineError


def _always(_key: str, _before: Any, _after: Any) -> bool:
    return True


class DockerEngine:
    name: ClassVar[str] = "docker"
    resource_types: ClassVar[frozenset[str]] = frozenset(SPEC_MODELS)

    def __init__(self, connection: DockerConnection, *, default_bind: str = LOOPBACK) -> None:
        self._docker = connection
        self._context = {DEFAULT_BIND: default_bind}  # the host address of a port that names none

    def check(self, resource_type: str, specs: Mapping[str, Any]) -> list[Diagnostic]:
        model = SPEC_MODELS.get(resource_type)
        if model is None:
            have = ", ".join(sorted(SPEC_MODELS))
            return [Diagnostic(f"the docker provider has no resource type '{resource_type}' (it has {have})")]
        validated, problems = check_spec(model, specs, self._context)
        if validated is None or resource_type not in CONTAINER_TYPES:
            return problems
        return published_everywhere(specs.get("ports") or [], self._context[DEFAULT_BIND])

    def normalize(self, resource_type: str, specs: Mapping[str, Any]) -> JSONDict:
        return SPEC_MODELS[resource_type].model_validate(specs, context=self._context).model_dump()

    def spec_aliases(self, resource_type: str, specs: Mapping[str, Any]) -> Mapping[str, str]:
        model = SPEC_MODELS.get(resource_type)
        return model.aliases() if model is not None else {}

    def spec_keys(self, resource_type: str, specs: Mapping[str, Any]) -> frozenset[str]:
        model = SPEC_MODELS.get(resource_type)
        return frozenset(model.model_fields) if model is not None else frozenset()

    async def read(self, ref: ResourceRef) -> Observed | None:
        return await self._docker.call(lambda client: _read(client, ref), doing=f"read {ref.key}", resource=ref.name)

    async def read_many(self, refs: list[ResourceRef]) -> dict[str, Observed | None]:
        if not refs:
            return {}
        return await self._docker.call(lambda client: _read_many(client, refs), doing=f"list {len(refs)} resources")

    async def owned(self, stack: str) -> list[ResourceRef]:
        return await self._docker.call(lambda client: _owned(client, stack), doing=f"list the objects of {stack}")

    def diff(self, ref: ResourceRef, desired: JSONDict | None, observed: Observed | None) -> Change:
        if ref.type not in CONTAINER_TYPES:
            return diff_specs(ref, desired, observed, forces_replace=_always)
        if desired is not None and "start" not in desired:
            # Recorded before containers had ``start`` (a drift check, a rollback to such a revision): they
            # were made to run, so it means the default, not a change of every running container.
            desired = {**desired, "start": True}
        change = diff_specs(ref, desired, observed, forces_replace=containers.forces_replace)
        fields = tuple(f for f in change.fields if f.path != "pull")
        if len(fields) == len(change.fields):
            return change
        if not fields:
            return Change("noop", ref, desired, observed)
        action: Action = "replace" if any(f.forces_replace for f in fields) else "update"
        return Change(action, ref, desired, observed, fields)

    async def apply(self, change: Change) -> Observed | None:
        ref = change.ref
        if change.action == "noop":
            return await self.read(ref)
        if change.action != "delete" and change.desired is None:
            raise PermanentEngineError(f"{change.action} of {ref.name} carries no desired specs", resource=ref.name)
        apply = _apply_container if ref.type in CONTAINER_TYPES else _apply_object
        return await self._docker.call(
            lambda client: apply(self, client, change), doing=f"{change.action} {ref.key}", resource=ref.name
        )

    async def preflight(self, changes: list[Change]) -> list[PreflightIssue]:
        return await self._docker.call(lambda client: find_issues(client, changes), doing="check names and images")

    async def fix(self, issue: PreflightIssue) -> str:
        raise PermanentEngineError(f"cannot fix: {issue.message}", resource=issue.resource)

    async def health(self) -> Health:
        try:
            version = await self._docker.call(lambda client: client.version(), doing="reach the Docker daemon")
        except EngineError as exc:
            return Health(False, f"Docker daemon at {self._docker.endpoint} is unreachable: {exc}")
        return Health(
            True,
            f"Docker {version.get('Version', '?')} (API {version.get('ApiVersion', '?')}) at {self._docker.endpoint}",
        )

    async def aclose(self) -> None:
        await self._docker.aclose()


def _read(client: DockerClient, ref: ResourceRef) -> Observed | None:
    if ref.type in CONTAINER_TYPES:
        found = containers.find(client, ref)
        return containers.observe(found[0], ref) if found else None
    if ref.type == "network":
        network = networks.find(client, ref)
        return networks.observe(network, ref) if network else None
    volume = volumes.find(client, ref)
    return volumes.observe(volume, ref) if volume else None


def _read_many(client: DockerClient, refs: list[ResourceRef]) -> dict[str, Observed | None]:
    """One label-filtered list per stack and kind, instead of one lookup per resource."""
    out: dict[str, Observed | None] = {ref.key: None for ref in refs}
    by_stack: dict[str, dict[tuple[str, str], ResourceRef]] = defaultdict(dict)
    for ref in refs:
        by_stack[ref.stack][(ref.name, ref.type)] = ref
    for stack, wanted in by_stack.items():
        types = {ref_type for _, ref_type in wanted}

        def match(labels: Mapping[str, str]) -> ResourceRef | None:
            found = wanted.get((labels.get(ownership.NAME, ""), labels.get(ownership.TYPE, "")))  # noqa: B023
            return found if found is not None and ownership.owned_by(labels, found) else None

        if types & CONTAINER_TYPES:
            for container in containers.list_stack(client, stack):
                owner = match(container.labels)
                # Under its own name it wins over one a failed replace left aside, as find() does.
                if owner and (out[owner.key] is None or container.name == ownership.docker_name(owner)):
                    out[owner.key] = containers.observe(container, owner)
        if "network" in types:
            for network in networks.list_stack(client, stack):
                if owner := match(networks.labels_of(network)):
                    out[owner.key] = networks.observe(network, owner)
        if "storage" in types:
            for volume in volumes.list_stack(client, stack):
                if owner := match(volumes.labels_of(volume)):
                    out[owner.key] = volumes.observe(volume, owner)
    return out


def _owned(client: DockerClient, stack: str) -> list[ResourceRef]:
    """The resources behind the objects labelled as ``stack``'s: containers say their type (compute or
    service) in a label; networks and volumes are what their kind says."""
    found: set[ResourceRef] = set()
    labelled: list[tuple[Mapping[str, str], str | None]] = [
        (c.labels, None) for c in containers.list_stack(client, stack)
    ]
    labelled += [(networks.labels_of(n), "network") for n in networks.list_stack(client, stack)]
    labelled += [(volumes.labels_of(v), "storage") for v in volumes.list_stack(client, stack)]
    for labels, kind in labelled:
        name, rtype = labels.get(ownership.NAME), labels.get(ownership.TYPE, kind or "")
        if name and (rtype == kind or (kind is None and rtype in CONTAINER_TYPES)):
            found.add(ResourceRef(stack, name, rtype))
    return sorted(found, key=lambda ref: (ref.name, ref.type))


def _apply_container(engine: DockerEngine, client: DockerClient, change: Change) -> Observed | None:
    ref, desired = change.ref, change.desired
    found = containers.find(client, ref)
    if change.action == "delete":
        for container in found:  # with any a failed replace left aside
            containers.remove(container)
        return None
    assert desired is not None  # apply() refused a change without it
    if not found:
        if change.action == "update":
            raise PermanentEngineError(f"cannot update {ref.name}: it does not exist", resource=ref.name)
        return containers.observe(containers.create(client, ref, desired), ref)
    current = found[0]
    action: Action = change.action
    if action == "create":  # adopt it, doing what a plan made against it would do
        action = engine.diff(ref, desired, containers.observe(current, ref)).action
    if action == "update":
        containers.update(current, desired)
    elif action == "replace":
        current = containers.replace(client, ref, current, desired)
    containers.power(current, desired.get("start", True))
    return containers.observe(current, ref)


def _apply_object(engine: DockerEngine, client: DockerClient, change: Change) -> Observed | None:
    """Networks and volumes: nothing changes in place, so a change removes the old and creates anew."""
    ref = change.ref
    if ref.type == "network":
        network = networks.find(client, ref)
        current = networks.observe(network, ref) if network else None
        if _object_plan(engine, change, current) == "keep":
            return current
        if network is not None:
            networks.remove(network)
        return None if change.desired is None else networks.observe(networks.create(client, ref, change.desired), ref)
    volume = volumes.find(client, ref)
    current = volumes.observe(volume, ref) if volume else None
    if _object_plan(engine, change, current) == "keep":
        return current
    if volume is not None:
        volumes.remove(volume)
    return None if change.desired is None else volumes.observe(volumes.create(client, ref, change.desired), ref)


def _object_plan(engine: DockerEngine, change: Change, current: Observed | None) -> str:
    """ "keep" to adopt what is there (a retried create), "rebuild" to remove what is there and create."""
    ref, desired = change.ref, change.desired
    if desired is not None and current is not None and engine.diff(ref, desired, current).action == "noop":
        return "keep"
    if change.action == "update":
        why = "it does not exist" if current is None else f"a Docker {ref.type} cannot be changed in place"
        raise PermanentEngineError(f"cannot update {ref.name}: {why}", resource=ref.name)
    return "rebuild"


_: type[Engine] = DockerEngine
__: type[Preflight] = DockerEngine
___: type[Inventory] = DockerEngine
____: type[SpecVocabulary] = DockerEngine
