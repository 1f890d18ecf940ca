"""What the store hands back: plain frozen records, independent of SQLAlchemy rows.

The records the everyday read commands show are defined here; the others (plans, IPR revisions and reviews,
run claims, API keys, conversations) in ``alma.store.change_records``, loaded on first use: making a frozen
dataclass with slots costs ~0.7 ms, and ``alma state list`` needs one of them. Both are named from here.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alma.store.change_records import IprRevisionRecord as IprRevisionRecord
    from alma.store.change_records import KeyRecord as KeyRecord
    from alma.store.change_records import MessageRecord as MessageRecord
    from alma.store.change_records import PlanRecord as PlanRecord
    from alma.store.change_records import ReviewRecord as ReviewRecord
    from alma.store.change_records import RunClaim as RunClaim
    from alma.store.change_records import SessionRecord as SessionRecord

_ELSEWHERE = frozenset(
    {"IprRevisionRecord", "KeyRecord", "MessageRecord", "PlanRecord", "ReviewRecord", "RunClaim", "SessionRecord"}
)


def __getattr__(name: str) -> Any:
    if name in _ELSEWHERE:
        return getattr(importlib.import_module("alma.store.change_records"), name)
    raise AttributeError(f"module 'alma.store.records' has no attribute {name!r}")


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
