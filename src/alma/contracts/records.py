"""Stacks, resources, locks, deployments, events, engines and validation results, as every surface shows them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from alma.diagnostics import Diagnostic
from alma.jsonvalue import JsonObject
from alma.services import DeploymentRecord, EngineStatus, EventRecord, LockRecord, ResourceRecord, StackSummary


class StackOut(BaseModel):
    name: str
    revision: int = Field(description="Revision of the stack's state (one per apply).")
    resources: int
    updated_at: str

    @classmethod
    def of(cls, s: StackSummary) -> StackOut:
        return cls(name=s.name, revision=s.revision, resources=s.resources, updated_at=s.updated_at.isoformat())


class ResourceOut(BaseModel):
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
    name: str
    ok: bool
    detail: str

    @classmethod
    def of(cls, status: EngineStatus) -> EngineOut:
        return cls(name=status.name, ok=status.ok, detail=status.detail)


class DiagnosticOut(BaseModel):
    path: str
    line: int | None
    column: int | None
    message: str

    @classmethod
    def of(cls, d: Diagnostic) -> DiagnosticOut:
        return cls(path=d.path, line=d.line, column=d.column, message=d.message)


class ValidationOut(BaseModel):
    """``alma validate --json``: every problem at once, with line and column."""

    valid: bool
    errors: list[DiagnosticOut]
    warnings: list[DiagnosticOut]
    stack: str | None = None
    resources: int = 0
