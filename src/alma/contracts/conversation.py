"""The conversational answers: a reading of one message (``alma intent --json``), a chat turn, a blueprint
generated from a description. The same shapes the CLI prints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from alma.contracts.api import BlueprintSavedOut
from alma.contracts.plans import PlanOut
from alma.contracts.records import DiagnosticOut

Decision = Literal["allow", "confirm", "block"]
Persona = Literal["architect", "operator", "medic"]


class MentionOut(BaseModel):
    """A resource a message describes; null where the message does not say."""

    name: str | None
    kind: str | None = Field(description="lxc, vm, container, webserver, database, loadbalancer, cache, …")
    template: str | None = Field(description="alpine, ubuntu, nginx, postgres, redis, …")
    cores: int | None
    memory_mb: int | None
    disk_gb: int | None
    count: int


class GuardDecisionOut(BaseModel):
    decision: Decision = Field(
        description=(
            "The conversation's risk guard: allow; confirm (destructive, the person must confirm it); block "
            "(destructive while the person seems frustrated: do not act, offer the safe next step)."
        )
    )
    frustration: float = Field(description="0..1, from the session's messages; frustrated from 0.5.")


class IntentReadingOut(BaseModel):
    """The ``alma intent --json`` contract, with the persona's reply and the session it was stored to."""

    intent: str = Field(description="deploy, destroy, start, stop, restart, scale, update, status, list, …")
    destructive: bool
    resources: list[MentionOut]
    target: str | None
    risk: GuardDecisionOut
    persona: Persona
    confidence: float
    reply: str
    session: str | None


class GuardOut(GuardDecisionOut):
    reason: str
    next_step: str | None = Field(default=None, description="The safe next step offered with a block.")
    token: str | None = Field(
        default=None,
        description=(
            "The conversation's confirmation token (decision confirm): `confirm TOKEN` in chat confirms exactly "
            "the plan shown. MCP's apply_plan gates by the stored plan instead (confirm=true, or an approved IPR)."
        ),
    )


class ListingOut(BaseModel):
    title: str
    columns: list[str]
    rows: list[list[str]]


class TurnRunOut(BaseModel):
    deployment_id: str | None
    outcome: str
    stack: str | None
    revision: int | None
    summary: dict[str, int]
    error: str | None


class ChatTurnOut(BaseModel):
    """What one chat message led to: a reply, and the plan, IPR or run it made."""

    session: str
    intent: str
    persona: Persona
    reply: str
    outcome: Literal["answered", "planned", "nothing_to_do", "blocked", "ipr_opened", "applied", "failed", "cancelled"]
    interpretation: dict[str, object] | None = Field(description="The message's reading (the intent contract).")
    risk: GuardOut | None
    plan: PlanOut | None
    ipr: int | None
    run: TurnRunOut | None
    listings: list[ListingOut]
    blueprint: str | None
    phrased: str | None


class GeneratedBlueprintOut(BaseModel):
    """A blueprint composed from a description that passed `alma validate`'s checks."""

    blueprint: str = Field(description="YAML")
    stack: str
    provider: str
    resources: int
    understood: list[str]
    notes: list[str]
    warnings: list[DiagnosticOut]
    attempts: int
    drafter: str
    stored: BlueprintSavedOut | None
