"""What the tools return: typed, structured outputs (each tool publishes its model as its outputSchema).

The records (stacks, resources, plans, IPRs, runs…) are ALMA's one set of response models (``alma.contracts``,
the same the HTTP API and the CLI's ``--json`` answer with); this module adds what only the tools say.
Records come typed from the services (which re-export the store's read records), never from the store.
It is long because it is a catalogue: one small model per tool output, kept together so the contract reads in
one place.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from alma.contracts import (
    DeploymentOut,
    DiagnosticOut,
    EngineOut,
    IprOut,
    LockOut,
    PlanOut,
    ResourceOut,
    RunOut,
    StackOut,
)
from alma.contracts.conversation import GuardOut, MentionOut
from alma.conversation import IntentName, Persona


class StackList(BaseModel):
    stacks: list[StackOut]


class ResourceList(BaseModel):
    resources: list[ResourceOut]


class StateOut(BaseModel):
    stack: str
    revision: int
    resources: list[ResourceOut]
    lock: LockOut | None = Field(description="Who holds the stack's lock, when a mutation is running.")
    history: list[DeploymentOut] = Field(description="The most recent deployments, newest last.")


Gate = Literal["nothing_to_do", "apply", "confirm", "ipr"]


class RiskOut(BaseModel):
    gate: Gate = Field(
        description=(
            "What applying needs: nothing_to_do (no changes); apply (apply_plan may run it); confirm (it stops, "
            "restarts or shrinks something: apply_plan needs confirm=true, after a person saw the plan); ipr (an "
            "approved Infrastructure Pull Request, reviewed by a person other than its author)."
        )
    )
    destructive: bool = Field(
        description="The plan takes something away: it deletes, replaces or shrinks (fewer cores, memory…) a resource."
    )
    reasons: list[str] = Field(description="Why the gate is what it is (the approval policy's reasons first).")


class PlanReport(BaseModel):
    plan: PlanOut
    risk: RiskOut
    warnings: list[DiagnosticOut] = []
    next_step: str
    then: str | None = Field(default=None, description="What to do after this plan is applied (restart: start).")


ApplyStatus = Literal[
    "succeeded",
    "failed",
    "rolled_back",
    "rejected",
    "waiting",
    "abandoned",
    "conflict",
    "needs_approval",
    "needs_confirmation",
]


class ApplyOut(BaseModel):
    status: ApplyStatus = Field(
        description="needs_approval / needs_confirmation: nothing was done; otherwise the workflow's outcome."
    )
    message: str
    plan_id: str
    risk: RiskOut
    run: RunOut | None = None
    ipr: IprOut | None = None


class EngineList(BaseModel):
    engines: list[EngineOut]


class IntentOut(BaseModel):
    """The `alma intent --json` contract, with the guard's reason, the persona's reply and what to call next."""

    intent: IntentName
    destructive: bool = Field(description="Derived from the intent (a plan's own actions have the last word).")
    resources: list[MentionOut]
    target: str | None = Field(description="The resource the request is about, context applied ('it' → web-01).")
    risk: GuardOut
    persona: Persona
    confidence: float
    reply: str = Field(description="ALMA's reply in the persona's voice.")
    session: str | None = Field(description="The session the message was read in and stored to (null: none).")
    next_step: str = Field(description="Which tools act on this request; parse_intent itself changes nothing.")


class GeneratedOut(BaseModel):
    """A generated blueprint that passed the same validation as validate_blueprint (never anything else)."""

    valid: Literal[True] = True
    blueprint: str = Field(description="The blueprint as YAML; give it to plan_blueprint (or edit it first).")
    stack: str = Field(description="The blueprint's name: the stack it would create.")
    provider: str
    resources: int
    understood: list[str] = Field(description="What was read in the description ('2 × web server (nginx)').")
    notes: list[str] = Field(description="What was left out or decided, and why.")
    warnings: list[DiagnosticOut]
    attempts: int = Field(description="Drafts made before one validated.")
    drafter: str
    next_step: str
