"""The Kubernetes engine: server-side apply of Namespaces, Deployments, Services, ConfigMaps and
PersistentVolumeClaims, each labelled as ALMA's; what is not labelled is neither seen nor touched.

Failure semantics (see ``alma.engines.base``): a create that fails part-way deletes the objects it made
in that call, and anything left behind carries the ownership labels, so a retried create adopts it; a
delete deletes the resource's primary object (Deployment, claim, namespace) last, so a failed delete
leaves the resource readable; a Deployment that does not become ready within ``kube_ready_timeout_s`` is
an error, never a silent success.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from alma.diagnostics import Diagnostic
from alma.engines.base import (
    Change,
    Engine,
    FieldChange,
    Health,
    Inventory,
    JSONDict,
    Observed,
    Readiness,
    ResourceRef,
    SpecVocabulary,
)
from alma.engines.diffing import diff_specs
from alma.engines.kubernetes import specs as kube_specs
from alma.engines.kubernetes.client import DEPLOYMENT, KubeClient
from alma.engines.kubernetes.manifests import (
    KINDS_OF,
    NAME_LABEL,
    Part,
    deployment_ready,
    desired_parts,
    observe,
    owns,
    selector,
)
from alma.errors import ConfigurationError, EngineError, PermanentEngineError, TransientEngineError

log = logging.getLogger(__name__)
_FIRST_POLL_S, _MAX_POLL_S = 0.05, 2.0


class KubernetesEngine:
    name: ClassVar[str] = "kubernetes"
    resource_types: ClassVar[frozenset[str]] = frozenset(kube_specs.SPEC_MODELS)

    def __init__(self, client: KubeClient, *, ready_timeout_s: float) -> None:
        self._client = client
        self._ready_timeout_s = ready_timeout_s

    def check(self, resource_type: str, specs: Mapping[str, Any]) -> list[Diagnostic]:
        return kube_specs.check(resource_type, specs)

    def normalize(self, resource_type: str, specs: Mapping[str, Any]) -> JSONDict:
        return kube_specs.normalize(resource_type, specs)

    def spec_aliases(self, resource_type: str, specs: Mapping[str, Any]) -> Mapping[str, str]:
        model = kube_specs.SPEC_MODELS.get(resource_type)
        return model.aliases() if model is not None else {}

    def spec_keys(self, resource_type: str, specs: Mapping[str, Any]) -> frozenset[str]:
        model = kube_specs.SPEC_MODELS.get(resource_type)
        return frozenset(model.model_fields) if model is not None else frozenset()

    async def read(self, ref: ResourceRef) -> Observed | None:
        return (await self.read_many([ref]))[ref.key]

    async def read_many(self, refs: list[ResourceRef]) -> dict[str, Observed | None]:
        """One list call per kind involved, across all namespaces, selected by the ownership labels."""
        stacks = {ref.stack for ref in refs}
        kinds = {kind for ref in refs for kind in KINDS_OF.get(ref.type, ())}
        if not kinds:
            return {ref.key: None for ref in refs}
        name = refs[0].name if len(refs) == 1 else None  # a single read asks the API for just that resource
        ordered = sorted(kinds, key=lambda kind: kind.plural)
        listed = await asyncio.gather(*(self._client.list(kind, selector(stacks, name)) for kind in ordered))
        found: dict[str, Observed | None] = {}
        for ref in refs:
            live = {
                obj.get("kind") or kind.kind: obj
                for kind, objects in zip(ordered, listed, strict=True)
                if kind in KINDS_OF.get(ref.type, ())
                for obj in objects
                if owns(ref, obj)  # the API filtered already; checked again so nothing unlabelled slips in
            }
            found[ref.key] = observe(ref, live)
        return found

    async def owned(self, stack: str) -> list[ResourceRef]:
        """One list call per kind; a resource's type is what its objects' kinds are part of."""
        types_of = [(kind, rtype) for rtype, kinds in KINDS_OF.items() for kind in kinds]
        listed = await asyncio.gather(*(self._client.list(kind, selector({stack})) for kind, _ in types_of))
        found: set[ResourceRef] = set()
        for (_kind, rtype), objects in zip(types_of, listed, strict=True):
            for obj in objects:
                name = (obj.get("metadata", {}).get("labels") or {}).get(NAME_LABEL)
                if name and owns(ResourceRef(stack, name, rtype), obj):
                    found.add(ResourceRef(stack, name, rtype))
        return sorted(found, key=lambda ref: (ref.name, ref.type))

    def diff(self, ref: ResourceRef, desired: JSONDict | None, observed: Observed | None) -> Change:
        change = diff_specs(
            ref,
            desired,
            observed,
            immutable=kube_specs.IMMUTABLE.get(ref.type, ()),
            forces_replace=kube_specs.forces_replace,
        )
        if observed is None or desired is None or observed.facts.get("selector_matches", True):
            return change
        # A Deployment's selector is immutable: one that is not ours can only be fixed by a new Deployment.
        moved = FieldChange("selector", "(another selector)", "(alma's selector)", forces_replace=True)
        return Change("replace", ref, desired, observed, (*change.fields, moved))

    async def apply(self, change: Change) -> Observed | None:
        ref = change.ref
        if change.action == "noop":
            return await self.read(ref)
        if change.action in ("delete", "replace"):
            await self._delete(ref)
        if change.action == "delete":
            return None
        if change.desired is None:
            raise PermanentEngineError(f"{change.action} of {ref.name} carries no desired specs", resource=ref.name)
        return await self._put(ref, change.desired, creating=change.action != "update")

    async def _put(self, ref: ResourceRef, desired: JSONDict, *, creating: bool) -> Observed:
        parts = desired_parts(ref, desired)
        before = await self._live_parts(ref)
        made: list[tuple[Part, JSONDict]] = []
        try:
            for part in parts:
                await self._refuse_namesakes(ref, part, before)
                applied = await self._client.apply(part.kind, part.manifest, force=desired["force"], resource=ref.name)
                if (part.kind.kind, part.name) not in before:
                    made.append((part, applied))
        except EngineError:
            if creating:
                await self._undo(ref, made)
            raise
        wanted = {(part.kind.kind, part.name) for part in parts}
        for (kind_name, name), obj in before.items():
            if (kind_name, name) not in wanted:  # a Service whose ports were removed, a ConfigMap emptied
                await self._delete_object(ref, obj)
        for part in parts:
            if part.kind is DEPLOYMENT:
                await self._wait_ready(ref, part)
        observed = await self.read(ref)
        if observed is None:
            raise PermanentEngineError(
                f"{ref.name} was applied but cannot be read back by its labels", resource=ref.name
            )
        return observed

    async def _live_parts(self, ref: ResourceRef) -> dict[tuple[str, str], JSONDict]:
        kinds = KINDS_OF[ref.type]
        listed = await asyncio.gather(*(self._client.list(kind, selector({ref.stack}, ref.name)) for kind in kinds))
        return {
            (kind.kind, obj["metadata"]["name"]): obj
            for kind, objects in zip(kinds, listed, strict=True)
            for obj in objects
            if owns(ref, obj)
        }

    async def _refuse_namesakes(self, ref: ResourceRef, part: Part, ours: dict[tuple[str, str], JSONDict]) -> None:
        """Applying over an object someone else made would take it over: refuse instead."""
        if (part.kind.kind, part.name) in ours:
            return
        existing = await self._client.get(part.kind, part.namespace, part.name, resource=ref.name)
        if existing is not None and not owns(ref, existing):
            where = f"{part.namespace}/{part.name}" if part.namespace else part.name
            raise PermanentEngineError(
                f"{part.kind.kind} {where} already exists and is not managed by ALMA for stack '{ref.stack}' "
                "(its labels differ): rename the resource or delete that object",
                resource=ref.name,
            )

    async def _undo(self, ref: ResourceRef, made: list[tuple[Part, JSONDict]]) -> None:
        """Delete what a failed create made, so it leaves nothing behind; what cannot be deleted keeps its
        labels and is adopted by the retried create."""
        for _part, obj in reversed(made):
            try:
                await self._delete_object(ref, obj)
            except EngineError as exc:
                name = obj["metadata"]["name"]
                log.warning("could not remove %s after a failed create of %s: %s", name, ref.key, exc)

    async def _delete(self, ref: ResourceRef) -> None:
        live = await self._live_parts(ref)
        primary = KINDS_OF[ref.type][1 if ref.type == "service" else 0].kind
        for _key, obj in sorted(live.items(), key=lambda item: item[0][0] == primary):
            await self._delete_object(ref, obj)

    async def _delete_object(self, ref: ResourceRef, obj: JSONDict) -> None:
        """Delete one object and wait until the API no longer has it (namespaces and claims take a while)."""
        kind = next(k for k in KINDS_OF[ref.type] if k.kind == obj.get("kind"))
        meta = obj["metadata"]
        namespace, name, uid = meta.get("namespace"), meta["name"], meta.get("uid", "")
        if not await self._client.delete(kind, namespace, name, uid=uid, resource=ref.name):
            return

        async def gone() -> bool:
            now = await self._client.get(kind, namespace, name, resource=ref.name)
            return now is None or now.get("metadata", {}).get("uid") != uid

        if not await self._poll(gone):
            raise TransientEngineError(
                f"{kind.kind} {name} is still being deleted after {self._ready_timeout_s:g}s (finalizers may hold it)",
                resource=ref.name,
            )

    async def _wait_ready(self, ref: ResourceRef, part: Part) -> None:
        last: JSONDict = {}

        async def ready() -> bool:
            nonlocal last
            last = await self._client.get(DEPLOYMENT, part.namespace, part.name, resource=ref.name) or {}
            return bool(last) and deployment_ready(last)

        if await self._poll(ready):
            return
        status = last.get("status") or {}
        conditions = "; ".join(
            f"{c.get('type')}={c.get('status')}: {c.get('message', '')}" for c in status.get("conditions") or []
        )
        raise PermanentEngineError(
            f"Deployment {part.namespace}/{part.name} was not ready within {self._ready_timeout_s:g}s "
            f"(kube_ready_timeout_s): {status.get('availableReplicas', 0)}/{part.manifest['spec']['replicas']} "
            f"replicas available" + (f"; {conditions}" if conditions else ""),
            resource=ref.name,
        )

    async def _poll(self, condition: Any) -> bool:
        """Ask ``condition`` with a growing pause until it holds or ``kube_ready_timeout_s`` passes."""
        pause = _FIRST_POLL_S
        try:
            async with asyncio.timeout(self._ready_timeout_s):
                while not await condition():
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, _MAX_POLL_S)
        except TimeoutError:
            return False
        return True

    async def ready(self, ref: ResourceRef) -> str | None:
        """None when the resource serves: a rolled-out Deployment, a bound (or waiting) claim, an active
        namespace; otherwise what is wrong. A claim may wait for its first pod, so Pending is not a fault."""
        observed = await self.read(ref)
        if observed is None:
            return "it does not exist"
        bad = {"service": ("progressing", "incomplete"), "storage": ("lost",), "network": ("terminating",)}
        if observed.status in bad.get(ref.type, ()):
            return f"its {'Deployment' if ref.type == 'service' else ref.type} is {observed.status}"
        return None

    async def health(self) -> Health:
        try:
            version = await self._client.version()
        except ConfigurationError as exc:
            return Health(False, str(exc))  # already names the kubeconfig and what is missing in it
        except EngineError as exc:
            return Health(False, f"Kubernetes API at {self._client.endpoint} unusable: {exc}")
        return Health(True, f"Kubernetes {version.get('gitVersion', '?')} at {self._client.endpoint}")

    async def aclose(self) -> None:
        await self._client.aclose()


_: type[Engine] = KubernetesEngine
_ready: type[Readiness] = KubernetesEngine
_inventory: type[Inventory] = KubernetesEngine
_vocabulary: type[SpecVocabulary] = KubernetesEngine
