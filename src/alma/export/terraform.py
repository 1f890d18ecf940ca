"""``alma export terraform``: a stack as Terraform configuration, so it can move to Terraform.

One file: the ``terraform`` block naming the providers used (bpg/proxmox, kreuzwerker/docker,
hashicorp/kubernetes), a ``provider`` block each (configured from the environment, as those providers
allow: no credentials are written), the resources with their dependencies as ``depends_on``, and an
``import`` block (Terraform 1.5+) for each object that exists, so ``terraform plan`` adopts what ALMA made
instead of making it again. A resource on a provider Terraform has no provider for (the fake) is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from alma.errors import InvalidInputError
from alma.export import terraform_docker, terraform_kubernetes, terraform_proxmox
from alma.export.hcl import Block, Expr, render
from alma.export.model import Address, Exported, Recorded

PROVIDERS: dict[str, tuple[str, str, str, ModuleType]] = {
    # ALMA provider: (Terraform provider name, source, version constraint, mapping)
    "docker": ("docker", "kreuzwerker/docker", "~> 3.0", terraform_docker),
    "kubernetes": ("kubernetes", "hashicorp/kubernetes", "~> 2.31", terraform_kubernetes),
    "proxmox": ("proxmox", "bpg/proxmox", "~> 0.66", terraform_proxmox),
}
CONFIGURED_BY = {
    "docker": "DOCKER_HOST (or the local socket)",
    "kubernetes": "KUBE_CONFIG_PATH and KUBE_CTX (your kubeconfig)",
    "proxmox": "PROXMOX_VE_ENDPOINT and PROXMOX_VE_API_TOKEN",
}


def export_terraform(stack: str, revision: int, resources: list[Recorded]) -> Exported:
    unsupported = [r for r in resources if r.provider not in PROVIDERS]
    if unsupported:
        named = ", ".join(f"{r.name} ({r.provider})" for r in unsupported)
        raise InvalidInputError(f"stack '{stack}' has resources Terraform has no provider for: {named}")
    used = sorted({r.provider for r in resources})
    addresses = {r.name: _address(r) for r in resources}
    blocks: list[Block] = [_settings(used)]
    for provider in used:
        name = PROVIDERS[provider][0]
        blocks.append(Block("provider", (name,), comment=f"configured from {CONFIGURED_BY[provider]}"))
    if "proxmox" in used:
        blocks += terraform_proxmox.variables([r for r in resources if r.provider == "proxmox"])
    found: list[Address] = []
    for provider in used:
        mapping: Callable[..., tuple[list[Block], list[Address]]] = PROVIDERS[provider][3].blocks
        written, placed = mapping(stack, [r for r in resources if r.provider == provider], addresses)
        blocks += written
        found += placed
    for place in found:
        if place.import_id is not None:
            blocks.append(Block("import").set("to", Expr(place.address)).set("id", place.import_id))
    header = (
        f"# Stack '{stack}' at revision {revision}, written by `alma export terraform {stack}`.\n"
        f"# {sum(1 for p in found if p.import_id)} object(s) exist and are imported (Terraform 1.5+): "
        "`terraform plan` adopts them.\n"
    )
    notes = [f"{PROVIDERS[p][1]} is configured from {CONFIGURED_BY[p]}" for p in used]
    return Exported(header + render(blocks) + "\n", found, notes)


def _address(resource: Recorded) -> str:
    module: ModuleType = PROVIDERS[resource.provider][3]
    text: str = module.address(resource)
    return text


def _settings(used: list[str]) -> Block:
    required = Block("required_providers")
    for provider in used:
        name, source, version, _ = PROVIDERS[provider]
        required.set(name, {"source": source, "version": version})
    settings = Block("terraform").set("required_version", ">= 1.5")
    settings.add(required)
    return settings
