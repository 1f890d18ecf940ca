"""Exporting a stack for other tools: its recorded resources, refreshed through their engines (what exists
now, under which ids), written as Terraform or Docker Compose by ``alma.export``. Reading changes nothing.

One response model serves ``alma export … --json`` and anything else that asks.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from alma.blueprint import topological_order
from alma.diagnostics import did_you_mean
from alma.engines import EngineRegistry, ResourceRef
from alma.errors import InvalidInputError, NotFoundError
from alma.export import Recorded, export_compose, export_terraform
from alma.store import Store

Format = Literal["terraform", "compose"]


class ExportedResource(BaseModel):
    resource: str
    address: str = Field(description="Where it is in the export (a Terraform address, or services.NAME).")
    imported: str | None = Field(description="Terraform: the import id of what exists; Compose: its Docker name.")


class ExportedStack(BaseModel):
    stack: str
    format: Format
    revision: int = Field(description="The stack's state revision the export was made from.")
    text: str = Field(description="The Terraform configuration (HCL) or the Compose file (YAML).")
    resources: list[ExportedResource]
    notes: list[str]


class ExportService:
    def __init__(self, store: Store, engines: EngineRegistry) -> None:
        self._store = store
        self._engines = engines

    async def export(self, stack: str, format: Format) -> ExportedStack:
        revision, resources = await self._recorded(stack)
        writer = export_terraform if format == "terraform" else export_compose
        exported = writer(stack, revision, resources)
        return ExportedStack(
            stack=stack,
            format=format,
            revision=revision,
            text=exported.text,
            resources=[
                ExportedResource(resource=a.resource, address=a.address, imported=a.import_id)
                for a in exported.addresses
            ],
            notes=exported.notes,
        )

    async def _recorded(self, stack: str) -> tuple[int, list[Recorded]]:
        if not await self._store.stacks.exists(stack):
            known = [s.name for s in await self._store.stacks.summaries()]
            raise NotFoundError(f"no stack named '{stack}'{did_you_mean(stack, known) if known else ''}")
        revision = await self._store.stacks.revision(stack)
        recorded = {r.name: r for r in await self._store.stacks.resources(stack)}
        # Dependencies first, as a reader (and Terraform's graph) takes them; recorded state has no cycles.
        records = [recorded[name] for name in topological_order({n: r.dependencies for n, r in recorded.items()})]
        if not records:
            raise InvalidInputError(f"stack '{stack}' has no resources recorded: nothing to export")
        observed = {}
        for provider in sorted({r.provider for r in records}):
            refs = [ResourceRef(stack, r.name, r.type) for r in records if r.provider == provider]
            observed.update(await self._engines.get(provider).read_many(refs))
        out = []
        for record in records:
            seen = observed.get(f"{stack}/{record.name}")
            out.append(
                Recorded(
                    name=record.name,
                    type=record.type,
                    provider=record.provider,
                    specs=record.specs,
                    dependencies=tuple(record.dependencies),
                    exists=seen is not None,
                    external_id=seen.external_id if seen is not None else None,
                    facts=dict(seen.facts) if seen is not None else {},
                )
            )
        return revision, out
