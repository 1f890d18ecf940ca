"""A stack's Kubernetes resources as hashicorp/kubernetes Terraform resources, with imports for what exists.

Each resource is the objects ALMA's engine applies for it (``manifests.desired_parts``): a Namespace,
a PersistentVolumeClaim, or a Deployment with its Service and ConfigMap, written as the provider's typed
``*_v1`` resources with the same names, labels and selectors, so an import finds them as configured.
Import ids: a namespace's name, ``NAMESPACE/NAME`` for the rest. An object is imported only when the
engine reports it exists (a Deployment's Service exists only when it has ports).
"""

from __future__ import annotations

from typing import Any

from alma.engines import ResourceRef
from alma.engines.kubernetes.manifests import Part, desired_parts
from alma.export.hcl import Block, Expr
from alma.export.model import Address, Recorded, identifier

TYPES = {
    "Namespace": "kubernetes_namespace_v1",
    "PersistentVolumeClaim": "kubernetes_persistent_volume_claim_v1",
    "ConfigMap": "kubernetes_config_map_v1",
    "Deployment": "kubernetes_deployment_v1",
    "Service": "kubernetes_service_v1",
}
PRIMARY = {"network": "Namespace", "storage": "PersistentVolumeClaim", "service": "Deployment"}


def address(resource: Recorded) -> str:
    return f"{TYPES[PRIMARY[resource.type]]}.{identifier(resource.name)}"


def blocks(stack: str, resources: list[Recorded], addresses: dict[str, str]) -> tuple[list[Block], list[Address]]:
    out: list[Block] = []
    found: list[Address] = []
    for resource in resources:
        deps = [Expr(addresses[d]) for d in resource.dependencies if d in addresses]
        parts = desired_parts(ResourceRef(stack, resource.name, resource.type), dict(resource.specs))
        for part in parts:
            kind = TYPES[part.kind.kind]
            label = identifier(resource.name)
            block = Block("resource", (kind, label))
            block.add(_metadata(part.manifest["metadata"]))
            _body(block, part)
            block.set("depends_on", deps or None)
            out.append(block)
            if part.kind.kind != PRIMARY[resource.type]:
                deps = [*deps, Expr(f"{TYPES[part.kind.kind]}.{label}")]  # the Deployment after its ConfigMap
            live = resource.exists and part.kind.kind in resource.facts
            import_id = part.name if part.namespace is None else f"{part.namespace}/{part.name}"
            found.append(Address(resource.name, f"{kind}.{label}", import_id if live else None))
    return out, found


def _metadata(meta: dict[str, Any]) -> Block:
    block = Block("metadata").set("name", meta["name"]).set("namespace", meta.get("namespace"))
    return block.set("labels", meta.get("labels") or None).set("annotations", meta.get("annotations") or None)


def _body(block: Block, part: Part) -> None:
    manifest = part.manifest
    kind = part.kind.kind
    if kind == "ConfigMap":
        block.set("data", manifest["data"])
    elif kind == "PersistentVolumeClaim":
        spec = manifest["spec"]
        claim = block.add(Block("spec")).set("access_modes", spec["accessModes"])
        claim.set("storage_class_name", spec.get("storageClassName"))
        claim.add(Block("resources")).set("requests", spec["resources"]["requests"])
        block.set("wait_until_bound", False)  # a claim may wait for its first pod: as ALMA's readiness does
    elif kind == "Deployment":
        _deployment(block, manifest["spec"])
    elif kind == "Service":
        spec = manifest["spec"]
        service = block.add(Block("spec")).set("type", spec["type"]).set("selector", spec["selector"])
        for port in spec["ports"]:
            entry = Block("port").set("name", port["name"]).set("port", port["port"])
            service.add(entry.set("target_port", str(port["targetPort"])).set("protocol", port["protocol"]))


def _deployment(block: Block, spec: dict[str, Any]) -> None:
    body = block.add(Block("spec")).set("replicas", str(spec["replicas"]))
    body.add(Block("selector")).set("match_labels", spec["selector"]["matchLabels"])
    template = body.add(Block("template"))
    template.add(Block("metadata")).set("labels", spec["template"]["metadata"]["labels"])
    for container in spec["template"]["spec"]["containers"]:
        entry = template.add(Block("spec")).add(Block("container"))
        entry.set("name", container["name"]).set("image", container["image"])
        for port in container["ports"]:
            entry.add(Block("port").set("container_port", port["containerPort"]).set("protocol", port["protocol"]))
        for variable in container["env"]:
            entry.add(Block("env").set("name", variable["name"]).set("value", variable["value"]))
        for source in container.get("envFrom", []):
            entry.add(Block("env_from")).add(Block("config_map_ref")).set("name", source["configMapRef"]["name"])
