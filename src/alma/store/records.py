"""What the store hands back: plain frozen records, independent of SQLAlchemy rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ResourceRecord:
    stack: str
    name: str
    type: str
    provider: str
    specs: dict[str, Any]
    dependencies: list[str]
    status: str
    external_id: str | None
    revision: int
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PlanRecord:
    id: str
    stack: str
    base_revision: int
    kind: str
    hash: str
    blueprint_id: int | None
    body: dict[str, Any]
    created_at: dt.datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class DeploymentRecord:
    id: str
    stack: str
    revision: int
    plan_id: str
    kind: str
    status: str
    actor: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    summary: dict[str, Any]
    snapshot: list[dict[str, Any]] | None
    error: str | None


@dataclass(frozen=True, slots=True)
class LockRecord:
    stack: str
    holder: str
    reason: str
    token: str
    acquired_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class EventRecord:
    id: int
    at: dt.datetime
    stack: str
    deployment_id: str | None
    resource: str | None
    kind: str
    actor: str
    message: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StackSummary:
    name: str
    revision: int
    resources: int
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class IprRecord:
    id: int
    stack: str
    title: str
    description: str
    author: str
    status: str
    revision: int
    reviewers: list[str]
    deployment_id: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class IprRevisionRecord:
    ipr_id: int
    revision: int
    plan_id: str
    plan_hash: str
    base_revision: int
    created_by: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RunClaim:
    """The run that holds an IPR (it waits for its approval, or applies it), and since when."""

    run_id: str
    claimed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    id: int
    ipr_id: int
    revision: int
    reviewer: str
    verdict: str
    comment: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class KeyRecord:
    id: int
    name: str
    role: str
    created_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: str
    actor: str
    state: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: int
    session_id: str
    role: str
    text: str
    data: dict[str, Any]
    at: dt.datetime
