"""The approval policy: which plans must go through an Infrastructure Pull Request, and the clearance
that lets one plan run.

Derived from the plan alone (its actions and its stack's environment), never from a blueprint or
from anything an LLM says: the plan is what will run. The run use case (``workflow/runs.py``) decides
once per run and hands the decision on as a ``Clearance``; applying a plan requires one for that plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from alma.errors import ApprovalRequiredError
from alma.planning import Plan
from alma.settings import Settings

VERBS = {"create": "creates", "update": "updates", "replace": "replaces", "delete": "deletes"}

ReasonKind = Literal["environment", "stack", "action"]
ClearedBy = Literal["policy", "ipr", "automatic_rollback"]
_CLEARED_BY: dict[str, ClearedBy] = {"policy": "policy", "ipr": "ipr", "automatic_rollback": "automatic_rollback"}


@dataclass(frozen=True, slots=True)
class ApprovalReason:
    """One reason the policy gates a plan: ``action`` reasons name the action (``delete``, ``replace``…)."""

    kind: ReasonKind
    text: str
    action: str | None = None


@dataclass(frozen=True, slots=True)
class Clearance:
    """Why ``plan_id`` may run now: the policy does not gate it, an approved IPR holds it, or it is the
    automatic rollback of a run that failed verification. Made by the run use case, required by apply."""

    plan_id: str
    by: ClearedBy
    ipr_id: int | None = None
    note: str = ""

    def as_json(self) -> dict[str, object]:
        return {"plan_id": self.plan_id, "by": self.by, "ipr_id": self.ipr_id, "note": self.note}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Clearance:
        ipr_id = data.get("ipr_id")
        by = _CLEARED_BY[str(data["by"])]
        return cls(str(data["plan_id"]), by, ipr_id if isinstance(ipr_id, int) else None, str(data.get("note", "")))


def policy_reasons(plan: Plan, settings: Settings) -> list[ApprovalReason]:
    """Why ``plan`` needs an approved IPR; empty when it may be applied directly."""
    if not plan.has_changes:
        return []
    reasons: list[ApprovalReason] = []
    # 'Production' and ' production' are production: compared exactly, either walked past the gate.
    gated = {name.strip().casefold() for name in settings.approval_environments}
    if plan.environment is not None and plan.environment.strip().casefold() in gated:
        reasons.append(ApprovalReason("environment", f"stack '{plan.stack}' is {plan.environment}"))
    if plan.stack in {name.strip().casefold() for name in settings.approval_stacks}:  # stacks are lowercase
        reasons.append(ApprovalReason("stack", f"stack '{plan.stack}' always needs approval"))
    for action in settings.approval_actions:
        names = [a.resource for a in plan.actions if a.action == action]
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            reasons.append(ApprovalReason("action", f"it {VERBS[action]} {shown}", action))
    return reasons


def approval_reasons(plan: Plan, settings: Settings) -> list[str]:
    """The policy's reasons as sentences (what surfaces show)."""
    return [r.text for r in policy_reasons(plan, settings)]


def clear_without_review(plan: Plan, settings: Settings) -> Clearance:
    """The clearance of a plan applied without an IPR; refused when the policy gates it."""
    reasons = approval_reasons(plan, settings)
    if reasons:
        raise ApprovalRequiredError(
            f"plan {plan.id} needs an approved Infrastructure Pull Request ({'; '.join(reasons)}): "
            f"open one with `{how_to_open_an_ipr(plan)}`, have someone else approve it, then `alma ipr apply ID`"
        )
    return Clearance(plan.id, "policy")


def how_to_open_an_ipr(plan: Plan) -> str:
    if plan.kind == "destroy":
        return f"alma ipr create --destroy {plan.stack}"
    if plan.kind == "rollback":
        return f"alma ipr create --rollback {plan.stack} --to {plan.target_revision}"
    if plan.kind == "operation":
        return f"alma ipr create --plan {plan.id}"
    return "alma ipr create FILE"
