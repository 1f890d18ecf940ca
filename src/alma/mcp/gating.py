"""What a plan needs before an agent may apply it: the one place this surface decides it.

The approval policy (``alma.services.approvals``) comes first. On top of it, this surface gates by the
plan's content, whatever the policy is set to, because an agent is not the person at the keyboard:

- a plan that deletes or replaces anything runs only through an approved Infrastructure Pull Request;
- a plan that stops, restarts or shrinks something (fewer replicas, less memory…) needs ``confirm=true``
  (the person has seen the plan; ``alma.planning.harm`` says what a plan takes away);
- anything else (creates, in-place updates) may be applied by its plan id.

Everything is derived from the stored plan, never from the blueprint or from what an agent says.
"""

from __future__ import annotations

from alma.mcp.schemas import RiskOut
from alma.planning import Plan, PlannedAction
from alma.planning.harm import plan_harms
from alma.services.approvals import policy_reasons
from alma.settings import Settings

DESTRUCTIVE = ("delete", "replace")


def _names(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _disrupts(action: PlannedAction) -> bool:
    """An in-place update that powers something off, or that the engine says reboots it."""
    return action.action == "update" and any(
        (c.path == "start" and c.after is False) or c.path == "restart" for c in action.changes
    )


def risk_of(plan: Plan, settings: Settings) -> RiskOut:
    destroyed = [a.resource for a in plan.actions if a.action in DESTRUCTIVE]
    if not plan.has_changes:
        return RiskOut(gate="nothing_to_do", destructive=False, reasons=[])
    policy = policy_reasons(plan, settings)
    reasons = [r.text for r in policy]
    if destroyed and not any(r.kind == "action" and r.action in DESTRUCTIVE for r in policy):
        reasons.append(f"it deletes or replaces {_names(destroyed)}: agents apply that only through an approved IPR")
    if reasons:
        return RiskOut(gate="ipr", destructive=bool(destroyed), reasons=reasons)
    disrupted = [a.resource for a in plan.actions if _disrupts(a)]
    if disrupted:
        return RiskOut(gate="confirm", destructive=False, reasons=[f"it stops or restarts {_names(disrupted)}"])
    shrunk = [h.describe() for h in plan_harms(plan) if h.kind == "shrink"]
    if shrunk:
        return RiskOut(gate="confirm", destructive=True, reasons=shrunk)
    return RiskOut(gate="apply", destructive=False, reasons=[])


def next_step(plan: Plan, risk: RiskOut) -> str:
    if risk.gate == "nothing_to_do":
        return f"nothing to do: stack '{plan.stack}' already matches"
    if risk.gate == "apply":
        return f"call apply_plan with plan_id={plan.id} to apply exactly this plan"
    if risk.gate == "confirm":
        return f"show this plan to the person; if they agree, call apply_plan with plan_id={plan.id} and confirm=true"
    return (
        f"this plan needs review: call create_ipr with plan_id={plan.id} (apply_plan opens one too); a person other "
        "than its author approves it with `alma ipr review ID --approve`; then call apply_plan with that ipr_id"
    )
