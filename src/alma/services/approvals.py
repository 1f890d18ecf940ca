"""The approval policy: which plans must go through an Infrastructure Pull Request.

Derived from the plan alone (its actions and its stack's environment), never from a blueprint or
from anything an LLM says: the plan is what will run.
"""

from __future__ import annotations

from alma.planning import Plan
from alma.settings import Settings

VERBS = {"create": "creates", "update": "updates", "replace": "replaces", "delete": "deletes"}


def approval_reasons(plan: Plan, settings: Settings) -> list[str]:
    """Why ``plan`` needs an approved IPR; empty when it may be applied directly."""
    if not plan.has_changes:
        return []
    reasons: list[str] = []
    if plan.environment is not None and plan.environment in settings.approval_environments:
        reasons.append(f"stack '{plan.stack}' is {plan.environment}")
    if plan.stack in settings.approval_stacks:
        reasons.append(f"stack '{plan.stack}' always needs approval")
    for action in settings.approval_actions:
        names = [a.resource for a in plan.actions if a.action == action]
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            reasons.append(f"it {VERBS[action]} {shown}")
    return reasons


def how_to_open_an_ipr(plan: Plan) -> str:
    if plan.kind == "destroy":
        return f"alma ipr create --destroy {plan.stack}"
    if plan.kind == "rollback":
        return f"alma ipr create --rollback {plan.stack} --to {plan.target_revision}"
    return "alma ipr create FILE"
