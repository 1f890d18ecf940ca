"""The tools that only read: they are all there is in ``--read-only`` mode.

Annotated ``readOnlyHint: true`` (and idempotent): none of them changes infrastructure or ALMA's records
of it. ``engine_health`` and ``check_drift`` talk to the engines (open world); the rest read the store or
check text.

A blueprint comes as text, or as a file on the server's machine (``path``) — on a local (stdio) server
only, whose agent already runs as the same user: over HTTP a key holder naming files would read the
server's files through the diagnostics (values are quoted) and list its directories. A file must be a
regular file within ``ALMA_MAX_BLUEPRINT_BYTES`` (``/dev/zero`` was read until the server died), read off
the event loop.
"""

from __future__ import annotations

import asyncio
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations
from pydantic import Field

from alma.bootstrap import Services
from alma.contracts import (
    DeploymentOut,
    DiagnosticOut,
    EngineOut,
    IprOut,
    LockOut,
    ResourceOut,
    StackOut,
    ValidationOut,
)
from alma.errors import BlueprintInvalidError, InvalidInputError, RefusedError
from alma.mcp.failures import guarded
from alma.mcp.inputs import MAX_ID, Text
from alma.mcp.schemas import EngineList, ResourceList, StackList, StateOut
from alma.mcp.templates import register_template_tools
from alma.services import read_text
from alma.services.drift import DriftReport

HISTORY_SHOWN = 10


def read_only(title: str, *, open_world: bool = False) -> ToolAnnotations:
    return ToolAnnotations(
        title=title, read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=open_world
    )


StackName = Annotated[Text, Field(description="The stack: a blueprint's `name`.")]
# Plain ``str`` (empty: not given): the SDK would parse a JSON blueprint given to a ``str | None`` into a dict.
BlueprintText = Annotated[str, Field(description="The blueprint itself, YAML or JSON (give this or `path`).")]
BlueprintPath = Annotated[
    Text,
    Field(
        description=(
            "A blueprint file on the server's machine (give this or `blueprint`); only a local (stdio) server "
            "reads files: over HTTP send the text as `blueprint`."
        )
    ),
]


@dataclass(frozen=True, slots=True)
class BlueprintSources:
    """Where the tools' blueprints may come from: ``files`` is false over HTTP."""

    files: bool
    largest: int  # ALMA_MAX_BLUEPRINT_BYTES

    async def read(self, blueprint: str, path: str) -> tuple[str, str]:
        """(text, filename) from exactly one of the two inputs."""
        if bool(blueprint) == bool(path):
            raise InvalidInputError("give the blueprint's text as `blueprint`, or a file as `path` (one of them)")
        if not path:
            return blueprint, "<blueprint>"
        if not self.files:
            raise RefusedError(
                "`path` names a file on the server's machine, and only a local (stdio) server reads files: "
                "send the blueprint's text as `blueprint`"
            )
        return await asyncio.to_thread(self._file, path)

    def _file(self, path: str) -> tuple[str, str]:
        try:
            found = Path(path).stat()
        except OSError:
            return read_text(path), path  # it says what is wrong: no such file, permission denied
        if stat.S_ISREG(found.st_mode):
            if found.st_size > self.largest:
                raise InvalidInputError(
                    f"{path} has {found.st_size} bytes; a blueprint has at most {self.largest} "
                    "(ALMA_MAX_BLUEPRINT_BYTES)"
                )
        elif not stat.S_ISDIR(found.st_mode):  # a directory: read_text names the blueprints in it
            raise InvalidInputError(
                f"{path} is not a regular file (a device, a pipe or a socket): name a blueprint file"
            )
        return read_text(path), path


def register_read_tools(server: MCPServer, services: Services, sources: BlueprintSources) -> None:
    @server.tool(annotations=read_only("List stacks"))
    @guarded
    async def list_stacks() -> StackList:
        """Every stack ALMA has recorded: its state revision and how many resources it has."""
        return StackList(stacks=[StackOut.of(s) for s in await services.stacks.stacks()])

    @server.tool(annotations=read_only("Get a stack's state"))
    @guarded
    async def get_state(stack: StackName) -> StateOut:
        """A stack's recorded state: resources as applied, its revision, who holds its lock, recent deployments."""
        resources = await services.stacks.resources(stack)
        history = await services.stacks.history(stack)
        return StateOut(
            stack=stack,
            revision=await services.stacks.revision(stack),
            resources=[ResourceOut.of(r) for r in resources],
            lock=LockOut.of(held) if (held := await services.stacks.lock(stack)) else None,
            history=[DeploymentOut.of(d) for d in sorted(history, key=lambda d: d.revision)[-HISTORY_SHOWN:]],
        )

    @server.tool(annotations=read_only("List resources"))
    @guarded
    async def list_resources(
        stack: Annotated[Text | None, Field(description="Only this stack (default: every stack).")] = None,
    ) -> ResourceList:
        """Resources as applied (specs normalized: memory in MiB, disk in GiB), of one stack or all."""
        return ResourceList(resources=[ResourceOut.of(r) for r in await services.stacks.resources(stack)])

    @server.tool(annotations=read_only("Get a resource"))
    @guarded
    async def get_resource(
        stack: StackName, name: Annotated[Text, Field(description="The resource's name.")]
    ) -> ResourceOut:
        """One resource as applied: type, provider, status, specs, dependencies, engine id, revision."""
        return ResourceOut.of(await services.stacks.resource(stack, name))

    @server.tool(annotations=read_only("Validate a blueprint"))
    @guarded
    async def validate_blueprint(blueprint: BlueprintText = "", path: BlueprintPath = "") -> ValidationOut:
        """Check a blueprint and report every problem at once, with line and column; nothing is stored."""
        text, filename = await sources.read(blueprint, path)
        try:
            loaded = services.blueprints.load(text, filename)
        except BlueprintInvalidError as error:
            return ValidationOut(
                valid=False,
                errors=[DiagnosticOut.of(d) for d in error.diagnostics if d.severity == "error"],
                warnings=[DiagnosticOut.of(d) for d in error.diagnostics if d.severity == "warning"],
            )
        return ValidationOut(
            valid=True,
            stack=loaded.blueprint.name,
            resources=len(loaded.desired),
            errors=[],
            warnings=[DiagnosticOut.of(w) for w in loaded.warnings],
        )

    @server.tool(annotations=read_only("Get an Infrastructure Pull Request"))
    @guarded
    async def get_ipr(ipr_id: Annotated[int, Field(description="The IPR's number.", ge=1, le=MAX_ID)]) -> IprOut:
        """An IPR: its status, the plan under review (id and hash), approvals so far and needed, the reviews."""
        return IprOut.of(await services.iprs.show(ipr_id), rendered=True)

    @server.tool(annotations=read_only("Engine health", open_world=True))
    @guarded
    async def engine_health(
        providers: Annotated[list[Text] | None, Field(description="Only these engines (default: all).")] = None,
    ) -> EngineList:
        """Installed engines and whether each can be used now (endpoint reachable, credentials accepted)."""
        return EngineList(engines=[EngineOut.of(e) for e in await services.engines.statuses(providers)])

    @server.tool(annotations=read_only("Check a stack for drift", open_world=True))
    @guarded
    async def check_drift(stack: StackName) -> DriftReport:
        """Compare a stack's recorded state with its engines, resource by resource: changed fields (recorded
        and actual values), missing resources, and unmanaged ones that carry ALMA's marker for the stack but
        are not recorded. `repair` says what a plan of the recorded blueprint does to each. Changes nothing."""
        return await services.drift.report(stack)

    register_template_tools(server, services, read_only)


__all__ = ["BlueprintSources", "read_only", "register_read_tools"]
