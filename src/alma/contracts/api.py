"""Shapes only the HTTP API answers with (the rest are the shared records): stored blueprint versions, a
deploy of a stored version, a queued or unknown deployment, an unlock, who is calling, the service root."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from alma.contracts.plans import PlanOut
from alma.contracts.records import DiagnosticOut, LockOut


class BlueprintSavedOut(BaseModel):
    id: int
    stack: str
    version: int = Field(description="The stack's blueprint version this text became (1, 2, …).")
    warnings: list[DiagnosticOut]


class BlueprintVersionOut(BaseModel):
    id: int
    stack: str
    version: int
    hash: str
    created_at: str
    created_by: str


class BlueprintTextOut(BaseModel):
    id: int
    content: str


class IprRefOut(BaseModel):
    id: int
    status: str


class BlueprintDeployOut(BaseModel):
    """Deploying a stored blueprint makes a plan, and an IPR when the approval policy asks (never a blind
    deploy); the preview (GET) makes the same plan and keeps nothing."""

    plan: PlanOut
    approval_reasons: list[str]
    ipr: IprRefOut | None
    stored: bool = Field(description="False for a preview: neither the plan nor an IPR was kept.")


class QueuedDeploymentOut(BaseModel):
    """A deployment whose run is still waiting in the queue for a worker."""

    id: str
    status: Literal["queued"] = "queued"


class UnlockOut(BaseModel):
    stack: str
    released: LockOut | None = Field(description="The lock that was removed (null: the stack was not locked).")


class WhoAmIOut(BaseModel):
    name: str
    role: str


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"


class RootOut(BaseModel):
    name: str
    version: str
    api: str
    docs: str


class ReadyEngineOut(BaseModel):
    name: str
    ok: bool
    detail: str | None = Field(default=None, description="Why it is not usable; only for a caller who may read.")


class ReadyOut(BaseModel):
    status: Literal["ready", "not ready"]
    database: Literal["ok", "unavailable"]
    engines: list[ReadyEngineOut] = []
