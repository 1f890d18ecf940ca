"""What the tools return: typed, structured outputs (each tool publishes its model as its outputSchema).

Field names follow the CLI's ``--json`` contracts (README), so a script and an agent read the same shapes.
Records come typed from the services (which re-export the store's read records), never from the store.
It is long because it is a catalogue: one small model per tool output, kept together so the contract reads in
one place.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from alma.conversation import IntentName, Persona
from alma.conversation.risk import Decision
from alma.planning import Plan, render_plan
from alma.services import DeploymentRecord, EngineStatus, IprView, LockRecord, ResourceRecord, StackSummary
from alma.workflow import RunResult


class StackOut(BaseModel):
    name: str
    revision: int = Field(description="Revision of the stack's state (one per apply).")
    resources: int
    updated_at: str


class StackList(BaseModel):
    stacks: list[StackOut]


class ResourceOut(BaseModel):
    stack: str
    name: str
    type: str
    provider: str
    status: str
    specs: dict[str, Any] = Field(description="Specs as applied, normalized (memory in MiB, disk in GiB).")
    dependencies: list[str]
    external_id: str | None
    revision: int
    updated_at: str


class ResourceList(BaseModel):
    resources: list[ResourceOut]


class LockOut(BaseModel):
    holder: str
    reason: str
    acquired_at: str
    expires_at: str


class DeploymentOut(BaseModel):
    deployment_id: str
    revision: int
    status: str
    kind: str
    plan_id: str
    actor: str
    started_at: str
    finished_at: str | None
    summary: dict[str, Any]
    error: str | None


class StateOut(BaseModel):
    stack: str
    revision: int
    resources: list[ResourceOut]
    lock: LockOut | None = Field(description="Who holds the stack's lock, when a mutation is running.")
    history: list[DeploymentOut] = Field(description="The most recent deployments, newest last.")


class DiagnosticOut(BaseModel):
    path: str
    line: int | None
    column: int | None
    message: str


class ValidationOut(BaseModel):
    valid: bool
    stack: str | None = None
    resources: int = 0
    errors: list[DiagnosticOut]
    warnings: list[DiagnosticOut]


class FieldChangeOut(BaseModel):
    path: str
    before: Any
    after: Any
    forces_replace: bool


class ActionOut(BaseModel):
    resource: str
    type: str
    provider: str
    action: Literal["create", "update", "replace", "delete", "noop"]
    changes: list[FieldChangeOut]
    reason: str


class PlanOut(BaseModel):
    stack: str
    plan_id: str
    hash: str
    kind: str
    base_revision: int
    target_revision: int | None
    environment: str | None
    summary: dict[str, int]
    actions: list[ActionOut]
    rendered: str = Field(description="The plan as `alma plan` shows it (terraform style).")


Gate = Literal["nothing_to_do", "apply", "confirm", "ipr"]


class RiskOut(BaseModel):
    gate: Gate = Field(
        description=(
            "What applying needs: nothing_to_do (no changes); apply (apply_plan may run it); confirm (it stops or "
            "restarts something: apply_plan needs confirm=true, after a person saw the plan); ipr (an approved "
            "Infrastructure Pull Request, reviewed by a person other than its author)."
        )
    )
    destructive: bool = Field(description="The plan deletes or replaces at least one resource.")
    reasons: list[str] = Field(description="Why the gate is what it is (the approval policy's reasons first).")


class PlanReport(BaseModel):
    plan: PlanOut
    risk: RiskOut
    warnings: list[DiagnosticOut] = []
    next_step: str
    then: str | None = Field(default=None, description="What to do after this plan is applied (restart: start).")


class ReviewOut(BaseModel):
    revision: int
    reviewer: str
    verdict: str
    comment: str
    at: str


class IprOut(BaseModel):
    id: int
    stack: str
    title: str
    description: str
    author: str
    status: str
    revision: int
    reviewers: list[str]
    approvals: list[str]
    approvals_required: int
    policy_reasons: list[str]
    deployment_id: str | None
    plan: PlanOut
    reviews: list[ReviewOut]
    created_at: str
    updated_at: str


class RunOut(BaseModel):
    """The CLI's apply contract: ``{deployment_id, stack, revision, status, summary, ...}``."""

    deployment_id: str | None
    stack: str | None
    revision: int | None
    status: str
    outcome: str
    summary: dict[str, int]
    elapsed_s: float | None
    failures: list[dict[str, Any]]
    verify_failures: list[str]
    rollback: dict[str, Any] | None
    error: str | None
    waiting_for: dict[str, Any] | None
    run_id: str
    notes: list[str]


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


class EngineOut(BaseModel):
    name: str
    ok: bool
    detail: str


class EngineList(BaseModel):
    engines: list[EngineOut]


class MentionOut(BaseModel):
    """A resource a message describes; null where the message does not say."""

    name: str | None
    kind: str | None = Field(description="lxc, vm, container, webserver, database, loadbalancer, cache, …")
    template: str | None = Field(description="alpine, ubuntu, nginx, postgres, redis, …")
    cores: int | None
    memory_mb: int | None
    disk_gb: int | None
    count: int


class GuardOut(BaseModel):
    decision: Decision = Field(
        description=(
            "The conversation's risk guard: allow; confirm (destructive, the person must confirm it); block "
            "(destructive while the person seems frustrated: do not act, offer the safe next step)."
        )
    )
    frustration: float = Field(description="0..1, from the session's messages; frustrated from 0.5.")
    reason: str
    next_step: str | None = Field(default=None, description="The safe next step offered with a block.")
    token: str | None = Field(
        default=None,
        description=(
            "The conversation's confirmation token (decision confirm). No tool of this server takes it: "
            "apply_plan gates by the stored plan (confirm=true, or an approved IPR)."
        ),
    )


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


def stack_out(s: StackSummary) -> StackOut:
    return StackOut(name=s.name, revision=s.revision, resources=s.resources, updated_at=s.updated_at.isoformat())


def resource_out(r: ResourceRecord) -> ResourceOut:
    return ResourceOut(
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


def lock_out(lock: LockRecord | None) -> LockOut | None:
    if lock is None:
        return None
    return LockOut(
        holder=lock.holder,
        reason=lock.reason,
        acquired_at=lock.acquired_at.isoformat(),
        expires_at=lock.expires_at.isoformat(),
    )


def deployment_out(d: DeploymentRecord) -> DeploymentOut:
    return DeploymentOut(
        deployment_id=d.id,
        revision=d.revision,
        status=d.status,
        kind=d.kind,
        plan_id=d.plan_id,
        actor=d.actor,
        started_at=d.started_at.isoformat(),
        finished_at=d.finished_at.isoformat() if d.finished_at else None,
        summary=d.summary,
        error=d.error,
    )


def plan_out(plan: Plan) -> PlanOut:
    actions = [
        ActionOut(
            resource=a.resource,
            type=a.type,
            provider=a.provider,
            action=a.action,
            changes=[FieldChangeOut(**c.as_json()) for c in a.changes],
            reason=a.reason,
        )
        for a in plan.actions
    ]
    return PlanOut(
        stack=plan.stack,
        plan_id=plan.id,
        hash=plan.hash,
        kind=plan.kind,
        base_revision=plan.base_revision,
        target_revision=plan.target_revision,
        environment=plan.environment,
        summary=plan.summary(),
        actions=actions,
        rendered=render_plan(plan),
    )


def ipr_out(view: IprView) -> IprOut:
    ipr = view.ipr
    return IprOut(
        id=ipr.id,
        stack=ipr.stack,
        title=ipr.title,
        description=ipr.description,
        author=ipr.author,
        status=ipr.status,
        revision=ipr.revision,
        reviewers=list(ipr.reviewers),
        approvals=list(view.approvals),
        approvals_required=view.needs,
        policy_reasons=list(view.reasons),
        deployment_id=ipr.deployment_id,
        plan=plan_out(view.plan),
        reviews=[
            ReviewOut(
                revision=r.revision, reviewer=r.reviewer, verdict=r.verdict, comment=r.comment, at=r.at.isoformat()
            )
            for r in view.reviews
        ],
        created_at=ipr.created_at.isoformat(),
        updated_at=ipr.updated_at.isoformat(),
    )


def run_out(result: RunResult) -> RunOut:
    report = result.report.as_json() if result.report is not None else {}
    status = "failed" if result.outcome in ("failed", "rolled_back") else result.outcome
    return RunOut(
        deployment_id=report.get("deployment_id"),
        stack=report.get("stack"),
        revision=report.get("revision"),
        status=status,
        outcome=result.outcome,
        summary=report.get("summary", {}),
        elapsed_s=report.get("elapsed_s"),
        failures=report.get("failures", []),
        verify_failures=list(result.verify_failures),
        rollback=result.rollback,
        error=result.error,
        waiting_for=result.waiting_for,
        run_id=result.deployment_id,
        notes=list(result.notes),
    )


def engine_out(status: EngineStatus) -> EngineOut:
    return EngineOut(name=status.name, ok=status.ok, detail=status.detail)
