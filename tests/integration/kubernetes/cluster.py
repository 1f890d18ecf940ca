"""kmock's Kubernetes emulator, taught the API behaviour ALMA relies on and kmock does not emulate.

kmock (``KubernetesEmulator``) keeps objects in memory and serves them over real HTTP, but it merges a
PATCH into an existing object only (a PATCH of an absent object is a 404), ignores label selectors,
assigns no uid, generation or resourceVersion, runs no controllers and never refuses a change. This
subclass adds, as simplified stand-ins for the real API server:

- server-side apply: a PATCH with ``application/apply-patch+yaml`` and a ``fieldManager`` creates the
  object or replaces the fields the previous apply set (one manager's view of SSA; no managedFields
  merging between several appliers), refusing with 409 when another manager owns the object and
  ``force`` is not given;
- uid, generation (bumped when ``spec`` changes), resourceVersion, a cluster IP for Services, a default
  storage class for claims, the namespace name label;
- a Deployment "controller": status says every replica is available, unless ``deployments_stall``;
- the immutability rules ALMA plans around (claim class/shrink, Deployment selector): 422 like the API;
- label selectors (``k=v`` and ``k in (a,b)``) on list calls, and uid preconditions on delete;
- faults injected at the server for the bearer token that asks: 422 for objects of given ALMA names,
  422 or 503 for a fraction of mutations.

Reactions a test programs with kmock's DSL (``cluster['get ...'] << 500``) still take precedence.

kmock 0.8 cannot parse ``/api/v1/namespaces[/NAME]`` (it takes ``namespaces`` for the namespace prefix of
a namespaced URL and fails), so those requests are routed under the resource ``v1/cluster-namespaces``
before kmock parses them: ``NAMESPACES`` below is how tests address Namespace objects.
"""

from __future__ import annotations

import asyncio
import random
import re
import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp.web
import attrs
import kmock
import yaml

NAME_LABEL = "alma.dev/name"
NAMESPACES = kmock.resource("v1/cluster-namespaces")
_NAMESPACE_PATH = re.compile(r"^/api/v1/namespaces(/[^/]+)?/?$")
_IN = re.compile(r"^\s*([^\s!=]+)\s+in\s+\(([^)]*)\)\s*$")


@dataclass(frozen=True)
class Faults:
    names: frozenset[str] = frozenset()
    transient_rate: float = 0.0
    permanent_rate: float = 0.0


def _key(request: kmock.Request) -> tuple[kmock.resource, str | None, str]:
    """The emulator's address of the object a request names (only called for requests about one object)."""
    assert request.resource is not None and request.name is not None
    return (request.resource, request.namespace, request.name)


def _gib(claim_spec: dict[str, Any]) -> int:
    return int(claim_spec["resources"]["requests"]["storage"].removesuffix("Gi"))  # ALMA writes whole Gi


def _matches(labels: dict[str, str], selector: str) -> bool:
    for term in re.split(r",(?![^(]*\))", selector):
        if not term.strip():
            continue
        found = _IN.match(term)
        if found:
            if labels.get(found[1]) not in {v.strip() for v in found[2].split(",")}:
                return False
        else:
            key, _, value = term.partition("=")
            if labels.get(key.strip()) != value.strip():
                return False
    return True


@attrs.define(kw_only=True)
class ApplyingCluster(kmock.KubernetesEmulator):
    deployments_stall: bool = False
    faults: dict[str, Faults] = attrs.field(factory=dict)  # by bearer token
    deployment_applied: asyncio.Event = attrs.field(factory=asyncio.Event)  # lets tests wait, not sleep
    _random: random.Random = attrs.field(factory=lambda: random.Random(7))
    _version: int = 0

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        ahead = self.fallback**1  # before the emulator's own fallbacks, after whatever a test programs
        ahead[kmock.method.PATCH] << self._apply
        ahead[kmock.method.DELETE] << self._delete
        ahead[kmock.action.LIST] << self._list

    async def __call__(self, raw_request: aiohttp.web.BaseRequest) -> aiohttp.web.StreamResponse:
        found = _NAMESPACE_PATH.match(raw_request.path)
        if found:
            path = f"/api/v1/{NAMESPACES.plural}{found[1] or ''}"
            raw_request = raw_request.clone(rel_url=raw_request.rel_url.with_path(path).with_query(raw_request.query))
        return await super().__call__(raw_request)

    async def _handle(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        if request.resource is not None and request.method in (kmock.method.PATCH, kmock.method.DELETE):
            self._inject_faults(request)
            # Skip the emulator's own merge-patch and delete bookkeeping: our fallbacks do it, the SSA way.
            return await kmock.RawHandler._handle(self, request)
        return await super()._handle(request)

    def _inject_faults(self, request: kmock.Request) -> None:
        faults = self.faults.get(request.headers.get("Authorization", "").removeprefix("Bearer "))
        if faults is None:
            return
        labels = ((request.data or {}).get("metadata") or {}).get("labels") or {}
        key = _key(request)
        if not labels and key in self.objects and not self.objects[key].deleted:
            labels = self.objects[key].raw.get("metadata", {}).get("labels") or {}
        if labels.get(NAME_LABEL) in faults.names or self._random.random() < faults.permanent_rate:
            raise kmock.KubernetesError(422, "Invalid", f"injected permanent fault on {request.name}")
        if self._random.random() < faults.transient_rate:
            raise kmock.KubernetesError(503, "ServiceUnavailable", f"injected transient fault on {request.name}")

    def _apply(self, request: kmock.Request) -> dict[str, Any]:
        if request.headers.get("Content-Type") != "application/apply-patch+yaml":
            raise kmock.KubernetesError(415, "UnsupportedMediaType", "this cluster only takes server-side apply")
        manager = request.params.get("fieldManager")
        if not manager:
            raise kmock.KubernetesError(422, "Invalid", "fieldManager is required for apply requests")
        body: dict[str, Any] = request.data if isinstance(request.data, dict) else yaml.safe_load(request.text)
        key = _key(request)
        old = None if key not in self.objects or self.objects[key].deleted else self.objects[key].raw
        if old is None:
            new = self._created(body, request, manager)
            self.objects[key] = new
        else:
            new = self._reapplied(old, body, manager, force=request.params.get("force") == "true")
            self.objects[key].create(new)  # a new version replaces the last one
        return new

    def _stamp(self, obj: dict[str, Any]) -> None:
        self._version += 1
        obj["metadata"]["resourceVersion"] = str(self._version)
        if obj.get("kind") == "Deployment":
            self.deployment_applied.set()
            replicas = obj["spec"].get("replicas", 1)
            ready = 0 if self.deployments_stall else replicas
            obj["status"] = {
                "observedGeneration": obj["metadata"]["generation"],
                "replicas": replicas,
                "updatedReplicas": ready,
                "readyReplicas": ready,
                "availableReplicas": ready,
                "conditions": [{"type": "Available", "status": str(ready >= replicas), "message": "emulated"}],
            }

    def finish_rollout(self, namespace: str, name: str) -> None:
        """What the Deployment controller does once the pods are up: every replica available."""
        deployment = self.objects[kmock.resource("apps/v1/deployments"), namespace, name]
        replicas = deployment["spec"].get("replicas", 1)
        counts = {f"{what}Replicas": replicas for what in ("updated", "ready", "available")}
        deployment.patch({"status": {"observedGeneration": deployment["metadata"]["generation"], **counts}})

    def _created(self, body: dict[str, Any], request: kmock.Request, manager: str) -> dict[str, Any]:
        new: dict[str, Any] = {**body, "metadata": {**body["metadata"], "uid": str(uuid.uuid4()), "generation": 1}}
        new["metadata"]["managedFields"] = [{"manager": manager, "operation": "Apply"}]
        if request.namespace:
            new["metadata"]["namespace"] = request.namespace
        kind = body.get("kind")
        if kind == "Namespace":
            new["metadata"]["labels"] = {
                **body["metadata"].get("labels", {}),
                "kubernetes.io/metadata.name": request.name,
            }
            new["status"] = {"phase": "Active"}
        elif kind == "Service":
            new["spec"] = {"clusterIP": f"10.96.0.{self._version % 250 + 1}", "sessionAffinity": "None", **body["spec"]}
        elif kind == "PersistentVolumeClaim":
            new["spec"] = {"storageClassName": "standard", "volumeMode": "Filesystem", **body["spec"]}
            new["status"] = {"phase": "Bound"}
        self._stamp(new)
        return new

    def _reapplied(self, old: dict[str, Any], body: dict[str, Any], manager: str, *, force: bool) -> dict[str, Any]:
        owners = {entry["manager"] for entry in old["metadata"].get("managedFields", [])}
        if owners - {manager} and not force:
            raise kmock.KubernetesError(
                409, "Conflict", f"Apply failed with conflicts: fields owned by {sorted(owners)}"
            )
        kind, old_spec, new_spec = old.get("kind"), old.get("spec", {}), body.get("spec", {})
        if kind == "PersistentVolumeClaim":
            if new_spec.get("storageClassName", old_spec.get("storageClassName")) != old_spec.get("storageClassName"):
                raise kmock.KubernetesError(422, "Invalid", "spec: Forbidden: spec is immutable after creation")
            if _gib(new_spec) < _gib(old_spec):
                raise kmock.KubernetesError(422, "Invalid", "spec.resources.requests.storage: field can not be less")
        if kind == "Deployment" and new_spec.get("selector") != old_spec.get("selector"):
            raise kmock.KubernetesError(422, "Invalid", "spec.selector: Invalid value: field is immutable")
        server_meta = {k: old["metadata"][k] for k in ("uid", "creationTimestamp", "namespace") if k in old["metadata"]}
        meta = {**body["metadata"], **server_meta, "managedFields": [{"manager": manager, "operation": "Apply"}]}
        if kind == "Namespace":
            meta["labels"] = {**meta.get("labels", {}), "kubernetes.io/metadata.name": old["metadata"]["name"]}
        spec = {**{k: v for k, v in old_spec.items() if k in ("clusterIP", "storageClassName")}, **new_spec}
        generation = old["metadata"]["generation"] + (spec != old_spec)
        new = {**body, "metadata": {**meta, "generation": generation}, **({"spec": spec} if spec else {})}
        if "status" in old:
            new["status"] = old["status"]
        self._stamp(new)
        return new

    def _delete(self, request: kmock.Request) -> dict[str, Any]:
        key = _key(request)
        if key not in self.objects or self.objects[key].deleted:
            raise kmock.KubernetesObjectNotFoundError()
        wanted_uid = ((request.data or {}).get("preconditions") or {}).get("uid")
        if wanted_uid and wanted_uid != self.objects[key].raw["metadata"].get("uid"):
            raise kmock.KubernetesError(409, "Conflict", "Precondition failed: UID in precondition does not match")
        self.objects[key].delete()
        return {"kind": "Status", "apiVersion": "v1", "status": "Success", "code": 200}

    def _list(self, request: kmock.Request) -> dict[str, Any]:
        selector = request.params.get("labelSelector", "")
        items = [
            obj.raw
            for (resource, namespace, _name), obj in self.objects.items()
            if resource == request.resource and not obj.deleted
            if request.namespace is None or namespace == request.namespace
            if _matches(obj.raw.get("metadata", {}).get("labels") or {}, selector)
        ]
        return {"kind": "List", "apiVersion": "v1", "metadata": {"resourceVersion": str(self._version)}, "items": items}
