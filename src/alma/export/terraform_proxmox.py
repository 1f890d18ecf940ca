"""A stack's Proxmox guests as bpg/proxmox Terraform resources, with imports for what exists.

An LXC container is a ``proxmox_virtual_environment_container``, a VM a ``proxmox_virtual_environment_vm``
(cloned from its template VM). Node, VM id, datastore and bridge are the guest's own where it exists (the
engine reports them), else the spec's, else a variable to set. ALMA's ownership tags and description
marker are kept, so ALMA still recognises the guests. What exists only at creation — the container's
template file, the VM's clone source, the SSH keys — is ignored on import (``lifecycle``): an imported
guest is never re-created for it. Import id: ``NODE/VMID``.
"""

from __future__ import annotations

from typing import Any

from alma.engines import ResourceRef
from alma.engines.proxmox.ownership import OWNER_TAG, describe, key_tag
from alma.export.hcl import Block, Expr
from alma.export.model import Address, Recorded, identifier

NODE_VARIABLE = "proxmox_node"


def address(resource: Recorded) -> str:
    kind = (
        "proxmox_virtual_environment_vm"
        if resource.specs.get("kind") == "vm"
        else "proxmox_virtual_environment_container"
    )
    return f"{kind}.{identifier(resource.name)}"


def needs_node_variable(resources: list[Recorded]) -> bool:
    return any(_node(r) is None for r in resources)


def _node(resource: Recorded) -> str | None:
    node = resource.facts.get("node") if resource.exists else None
    return str(node or resource.specs.get("node") or "") or None


def _fact(resource: Recorded, key: str) -> Any:
    return (resource.facts.get(key) if resource.exists else None) or resource.specs.get(key)


def blocks(stack: str, resources: list[Recorded], addresses: dict[str, str]) -> tuple[list[Block], list[Address]]:
    out: list[Block] = []
    found: list[Address] = []
    for resource in resources:
        specs, ref = resource.specs, ResourceRef(stack, resource.name, resource.type)
        kind, label = address(resource).split(".", 1)
        node = _node(resource)
        vmid = resource.facts.get("vmid") if resource.exists else None
        block = Block("resource", (kind, label))
        if kind.endswith("_vm"):
            block.set("name", resource.name)
        block.set("node_name", node or Expr(f"var.{NODE_VARIABLE}")).set("vm_id", vmid)
        block.set("description", describe(ref, dict(specs))).set("tags", sorted({OWNER_TAG, key_tag(ref)}))
        block.set("started", bool(specs.get("start", True)))
        block.add(Block("cpu").set("cores", specs["cores"]))
        block.add(Block("memory").set("dedicated", specs["memory"]))
        disk = Block("disk").set("datastore_id", _fact(resource, "storage")).set("size", specs.get("disk"))
        ipv4 = Block("ipv4").set("address", specs.get("ip") or "dhcp").set("gateway", specs.get("gateway"))
        keys = specs.get("ssh_keys") or None
        if kind.endswith("_vm"):
            _vm(block, disk.set("interface", "scsi0"), specs, resource)
            initialization = block.add(Block("initialization"))
        else:
            _container(block, disk, specs, resource)
            initialization = block.add(Block("initialization")).set("hostname", resource.name)
        initialization.add(Block("ip_config")).add(ipv4)
        if keys:
            initialization.add(Block("user_account")).set("keys", keys)
        deps = [Expr(addresses[d]) for d in resource.dependencies if d in addresses]
        block.set("depends_on", deps or None)
        out.append(block)
        import_id = f"{node}/{vmid}" if resource.exists and node and vmid is not None else None
        found.append(Address(resource.name, f"{kind}.{label}", import_id))
    return out, found


def _container(block: Block, disk: Block, specs: Any, resource: Recorded) -> None:
    block.set("unprivileged", bool(specs.get("unprivileged", True)))
    block.add(disk)
    interface = Block("network_interface").set("name", "eth0").set("bridge", _fact(resource, "bridge") or "vmbr0")
    block.add(interface)
    template = str(specs.get("template") or "")
    system = Block("operating_system").set("template_file_id", f"local:vztmpl/{template}")
    system.comment = (
        f"ALMA chose the newest '{template}' template on the node's storage: name its file here to create it again"
    )
    block.add(system)
    block.add(Block("lifecycle")).set("ignore_changes", [Expr("operating_system"), Expr("initialization")])


def _vm(block: Block, disk: Block, specs: Any, resource: Recorded) -> None:
    block.add(disk)
    block.add(Block("network_device").set("bridge", _fact(resource, "bridge") or "vmbr0"))
    clone = specs.get("clone")
    source = Block("clone").set(
        "vm_id",
        clone if isinstance(clone, int) else Expr(f"var.template_vm_{identifier(resource.name).replace('-', '_')}"),
    )
    if not isinstance(clone, int):
        source.comment = f"ALMA cloned the template VM named '{clone}': set the variable to its VM id"
    block.add(source)
    block.add(Block("lifecycle")).set("ignore_changes", [Expr("clone"), Expr("initialization")])


def variables(resources: list[Recorded]) -> list[Block]:
    """The variables the resources refer to: the node when none is known, a template VM's id by name."""
    out: list[Block] = []
    if needs_node_variable(resources):
        out.append(
            Block("variable", (NODE_VARIABLE,))
            .set("type", Expr("string"))
            .set("description", "The Proxmox node the guests are made on")
        )
    for resource in resources:
        clone = resource.specs.get("clone")
        if resource.specs.get("kind") == "vm" and not isinstance(clone, int):
            name = f"template_vm_{identifier(resource.name).replace('-', '_')}"
            out.append(
                Block("variable", (name,))
                .set("type", Expr("number"))
                .set("description", f"The VM id of the template VM '{clone}'")
            )
    return out
