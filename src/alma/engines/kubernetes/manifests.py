"""From specs to manifests, and from live objects back to specs: the two directions must agree exactly,
or a re-plan of an unchanged resource would not be a noop.

Every object carries the ownership labels; only fields ALMA sets are read back (the API adds defaults,
cluster IPs, node ports, status...), so what the API adds never shows up as a difference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from alma.engines.base import JSONDict, Observed, ResourceRef
from alma.engines.kubernetes.client import CONFIG_MAP, DEPLOYMENT, NAMESPACE, PVC, SERVICE, Kind

MANAGED_BY, STACK_LABEL, NAME_LABEL = "app.kubernetes.io/managed-by", "alma.dev/stack", "alma.dev/name"
FORCE_ANNOTATION = "alma.dev/force-apply"
DEFAULT_CLASS_ANNOTATION = "alma.dev/default-storage-class"  # the API fills storageClassName in; we did not
CONTAINER = "app"
SERVER_LABELS = frozenset({"kubernetes.io/metadata.name"})  # labels the API puts on namespaces itself
KINDS_OF: dict[str, tuple[Kind, ...]] = {
    "network": (NAMESPACE,),
    "storage": (PVC,),
    "service": (CONFIG_MAP, DEPLOYMENT, SERVICE),  # apply order: what the Deployment refers to comes first
}
_QUANTITY = re.compile(r"^(\d+)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$")
_BYTES = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "k": 10**3, "M": 10**6, "G": 10**9}
_BYTES |= {"T": 10**12, "P": 10**15, "": 1}


@dataclass(frozen=True)
class Part:
    """One Kubernetes object that makes up (part of) an ALMA resource."""

    kind: Kind
    namespace: str | None
    name: str
    manifest: JSONDict


def ownership_labels(ref: ResourceRef) -> dict[str, str]:
    return {MANAGED_BY: "alma", STACK_LABEL: ref.stack, NAME_LABEL: ref.name}


def selector(stacks: set[str], name: str | None = None) -> str:
    """A label selector for objects ALMA manages in ``stacks`` (and of one resource, when named)."""
    names = sorted(stacks)
    chosen = f"{STACK_LABEL}={names[0]}" if len(names) == 1 else f"{STACK_LABEL} in ({','.join(names)})"
    return f"{MANAGED_BY}=alma,{chosen}" + (f",{NAME_LABEL}={name}" if name else "")


def owns(ref: ResourceRef, obj: JSONDict) -> bool:
    labels = obj.get("metadata", {}).get("labels") or {}
    return all(labels.get(key) == value for key, value in ownership_labels(ref).items())


def config_map_name(name: str) -> str:
    return f"{name}-config"


def _object(ref: ResourceRef, kind: Kind, namespace: str | None, name: str, force: bool, **body: Any) -> Part:
    metadata: JSONDict = {"name": name, "labels": ownership_labels(ref)}
    if namespace is not None:
        metadata["namespace"] = namespace
    if force:
        metadata["annotations"] = {FORCE_ANNOTATION: "true"}
    manifest = {"apiVersion": kind.api_version, "kind": kind.kind, "metadata": metadata, **body}
    return Part(kind, namespace, name, manifest)


def desired_parts(ref: ResourceRef, specs: JSONDict) -> list[Part]:
    """The objects that make up ``ref`` with these normalized specs, in the order they are applied."""
    if ref.type == "network":
        part = _object(ref, NAMESPACE, None, ref.name, specs["force"])
        part.manifest["metadata"]["labels"] = specs["labels"] | ownership_labels(ref)
        return [part]
    namespace, force = specs["namespace"], specs["force"]
    if ref.type == "storage":
        claim: JSONDict = {
            "accessModes": [specs["access_mode"]],
            "resources": {"requests": {"storage": f"{specs['size']}Gi"}},
        }
        if specs["storage_class"] is not None:
            claim["storageClassName"] = specs["storage_class"]
        part = _object(ref, PVC, namespace, ref.name, force, spec=claim)
        if specs["storage_class"] is None:
            part.manifest["metadata"].setdefault("annotations", {})[DEFAULT_CLASS_ANNOTATION] = "true"
        return [part]
    parts: list[Part] = []
    if specs["config"]:
        parts.append(_object(ref, CONFIG_MAP, namespace, config_map_name(ref.name), force, data=specs["config"]))
    pod_selector = {STACK_LABEL: ref.stack, NAME_LABEL: ref.name}
    container: JSONDict = {
        "name": CONTAINER,
        "image": specs["image"],
        "env": [{"name": key, "value": value} for key, value in sorted(specs["env"].items())],
        "ports": [{"containerPort": port, "protocol": "TCP"} for port in specs["ports"]],
    }
    if specs["config"]:
        container["envFrom"] = [{"configMapRef": {"name": config_map_name(ref.name)}}]
    deployment = {
        "replicas": specs["replicas"],
        "selector": {"matchLabels": pod_selector},
        "template": {"metadata": {"labels": ownership_labels(ref)}, "spec": {"containers": [container]}},
    }
    parts.append(_object(ref, DEPLOYMENT, namespace, ref.name, force, spec=deployment))
    if specs["ports"]:
        ports = [{"name": f"p{port}", "port": port, "targetPort": port, "protocol": "TCP"} for port in specs["ports"]]
        service = {"type": specs["service_type"], "selector": pod_selector, "ports": ports}
        parts.append(_object(ref, SERVICE, namespace, ref.name, force, spec=service))
    return parts


def observe(ref: ResourceRef, live: dict[str, JSONDict]) -> Observed | None:
    """The resource as its live objects (by kind name) say it is; None when none of them exists."""
    if not live:
        return None
    primary = live.get({"network": "Namespace", "storage": "PersistentVolumeClaim"}.get(ref.type, "Deployment"))
    anchor = primary or next(iter(live.values()))
    meta = anchor.get("metadata", {})
    facts: JSONDict = {kind: obj.get("metadata", {}).get("uid", "") for kind, obj in sorted(live.items())}
    if ref.type == "network":
        labels = {k: v for k, v in (meta.get("labels") or {}).items() if k not in SERVER_LABELS}
        specs: JSONDict = {
            "labels": {k: v for k, v in labels.items() if k not in ownership_labels(ref)},
            "force": _force(meta),
        }
        status = str(anchor.get("status", {}).get("phase", "Active")).lower()
    elif ref.type == "storage":
        specs, status = _observe_claim(anchor), str(anchor.get("status", {}).get("phase", "Pending")).lower()
    else:
        specs, status = _observe_workload(ref, live, facts), _workload_status(primary)
    return Observed(ref, specs, status, str(meta.get("uid", "")), facts)


def _force(meta: JSONDict) -> bool:
    return (meta.get("annotations") or {}).get(FORCE_ANNOTATION) == "true"


def _observe_claim(claim: JSONDict) -> JSONDict:
    meta, spec = claim.get("metadata", {}), claim.get("spec", {})
    defaulted = (meta.get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION) == "true"
    modes = spec.get("accessModes") or ["ReadWriteOnce"]
    return {
        "namespace": meta.get("namespace", "default"),
        "size": gib(spec.get("resources", {}).get("requests", {}).get("storage", "0")),
        "storage_class": None if defaulted else spec.get("storageClassName"),
        "access_mode": modes[0],
        "force": _force(meta),
    }


def _observe_workload(ref: ResourceRef, live: dict[str, JSONDict], facts: JSONDict) -> JSONDict:
    deployment, service, config = live.get("Deployment", {}), live.get("Service"), live.get("ConfigMap")
    meta, spec = deployment.get("metadata", {}), deployment.get("spec", {})
    containers = spec.get("template", {}).get("spec", {}).get("containers") or [{}]
    container = next((c for c in containers if c.get("name") == CONTAINER), containers[0])
    wanted_selector = {STACK_LABEL: ref.stack, NAME_LABEL: ref.name}
    facts["selector_matches"] = not deployment or spec.get("selector", {}).get("matchLabels") == wanted_selector
    anchor_meta = meta or next(iter(live.values())).get("metadata", {})
    ports = service.get("spec", {}).get("ports", []) if service else container.get("ports") or []
    return {
        "namespace": anchor_meta.get("namespace", "default"),
        "image": container.get("image"),
        "replicas": spec.get("replicas", 1) if deployment else 0,
        "ports": sorted({int(p.get("port", p.get("containerPort", 0))) for p in ports}),
        "service_type": service.get("spec", {}).get("type", "ClusterIP") if service else None,
        "env": {e["name"]: e.get("value", "") for e in container.get("env") or [] if "name" in e},
        "config": dict(config.get("data") or {}) if config else {},
        "force": _force(anchor_meta),
    }


def _workload_status(deployment: JSONDict | None) -> str:
    if deployment is None:
        return "incomplete"
    wanted = deployment.get("spec", {}).get("replicas", 1)
    if wanted == 0:
        return "stopped"
    return "running" if deployment_ready(deployment) else "progressing"


def deployment_ready(deployment: JSONDict) -> bool:
    """The controller has seen the latest spec and every wanted replica is updated and available."""
    meta, spec, status = deployment.get("metadata", {}), deployment.get("spec", {}), deployment.get("status") or {}
    wanted = spec.get("replicas", 1)
    return bool(
        status.get("observedGeneration", 0) >= meta.get("generation", 1)
        and status.get("updatedReplicas", 0) >= wanted
        and status.get("availableReplicas", 0) >= wanted
    )


def gib(quantity: object) -> int:
    """A storage quantity as the API writes it ("10Gi", "10737418240", "10G") in whole GiB, rounded up."""
    match = _QUANTITY.match(str(quantity))
    if match is None:
        return 0  # a form we never write: reads as a difference, and the plan shows the raw size is unknown
    number, unit = match.groups()
    return -(-int(number) * _BYTES[unit or ""] // 2**30)
