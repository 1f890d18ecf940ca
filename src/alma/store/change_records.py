"""Records of what commands change and of conversations: plans, IPR revisions and reviews, run claims, API
keys, sessions and their messages (named from ``alma.store.records`` too, which loads this on first use)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


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
