"""Stacks, resources, locks, deployments, events, engines and validation results, as every surface shows them.

Each model's validator is built when it is first used (``defer_build``), not when the module is imported: the
commands that read import this module for one or two models, and ``alma state list`` uses none of them, while
building them all (and pydantic's scan of the installed packages for plugins that the first one makes) cost
~15 ms of every such command. The records they are made of are named for type checkers only, so importing the
contracts does not import the services (nor, through them, the engines)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from alma.jsonvalue import JsonObject

if TYPE_CHECKING:
    from alma.diagnostics import Diagnostic
    from alma.services import DeploymentRecord, EngineStatus, EventRecord, LockRecord, ResourceRecord, StackSummary

DEFERRED = ConfigDict(defer_build=True)


class StackOut(BaseModel):
    model_config = DEFERRED

    name: str
    revision: int = Field(description="Revision of the stack's state (one per apply).")
    resources: int
    updated_at: str

    @classmethod
    def of(cls, s: StackSummary) -> StackOut:
        return cls(name=s.name, revision=s.revision, resources=s.resources, updated_at=s.updated_at.isoformat())


class ResourceOut(BaseModel):
    model_config = DEFERRED

    stack: str
    name: str
    type: str
    provider: str
    status: str
    specs: JsonObject = Field(description="Specs as applied, normalized (memory in MiB, disk in GiB).")
    dependencies: list[str]
    external_id: str | None
    revision: int
    updated_at: str

    @classmethod
    def of(cls, r: ResourceRecord) -> ResourceOut:
        return cls(
            stack=r.stack,
            name=r.name,
            type=r.type,
            provider=r.provider,
            status=r.status,
            specs=r.specs,
            dependencies=list(r.dependencies),
            external_id=r.external_id,
            revision=r.revision,
            updated_at=r.updated_at.isoformat(),
        )


class LockOut(BaseModel):
    model_config = DEFERRED

    holder: str
    reason: str
    acquired_at: str
    expires_at: str

    @classmethod
    def of(cls, lock: LockRecord) -> LockOut:
        return cls(
            holder=lock.holder,
            reason=lock.reason,
            acquired_at=lock.acquired_at.isoformat(),
            expires_at=lock.expires_at.isoformat(),
        )


class DeploymentOut(BaseModel):
    """Revision N of a stack: what was planned and what happened (``alma history --json``)."""

    model_config = DEFERRED

    revision: int
    status: str = Field(description="running, succeeded, failed or abandoned")
    kind: str = Field(description="apply, destroy, rollback, import or operation")
    deployment_id: str
    stack: str
    plan_id: str
    actor: str
    started_at: str
    finished_at: str | None
    summary: dict[str, int] = Field(description="The plan's counts and what happened (created, failed, ...).")
    error: str | None

    @classmethod
    def of(cls, d: DeploymentRecord) -> DeploymentOut:
        return cls(
            revision=d.revision,
            status=d.status,
            kind=d.kind,
            deployment_id=d.id,
            stack=d.stack,
            plan_id=d.plan_id,
            actor=d.actor,
            started_at=d.started_at.isoformat(),
            finished_at=d.finished_at.isoformat() if d.finished_at else None,
            summary={k: int(v) for k, v in d.summary.items()},
            error=d.error,
        )


class EventOut(BaseModel):
    model_config = DEFERRED

    id: int
    at: str
    kind: str
    resource: str | None
    actor: str
    deployment_id: str | None
    message: str
    data: JsonObject

    @classmethod
    def of(cls, e: EventRecord) -> EventOut:
        return cls(
            id=e.id,
            at=e.at.isoformat(),
            kind=e.kind,
            resource=e.resource,
            actor=e.actor,
            deployment_id=e.deployment_id,
            message=e.message,
            data=e.data,
        )


class EngineOut(BaseModel):
    model_config = DEFERRED

    name: str
    ok: bool
    detail: str

    @classmethod
    def of(cls, status: EngineStatus) -> EngineOut:
        return cls(name=status.name, ok=status.ok, detail=status.detail)


class DiagnosticOut(BaseModel):
    model_config = DEFERRED

    path: str
    line: int | None
    column: int | None
    message: str

    @classmethod
    def of(cls, d: Diagnostic) -> DiagnosticOut:
        return cls(path=d.path, line=d.line, column=d.column, message=d.message)


class ValidationOut(BaseModel):
    """``alma validate --json``: every problem at once, with line and column."""

    model_config = DEFERRED

    valid: bool
    errors: list[DiagnosticOut]
    warnings: list[DiagnosticOut]
    stack: str | None = None
    resources: int = 0
