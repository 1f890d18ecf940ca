"""Plans rendered for people, in the shape Terraform users read without thinking."""

from __future__ import annotations

import json
from typing import Any

from alma.planning.plan import Plan, PlannedAction

SYMBOLS = {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "noop": " "}
VERBS = {
    "create": "will be created",
    "update": "will be updated in place",
    "replace": "must be replaced",
    "delete": "will be destroyed",
    "noop": "is up to date",
}


# One encoder for every value: json.dumps with an option builds a new encoder per call, and a plan of 10,000
# resources renders 50,000 values.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _value(value: Any) -> str:
    return _ENCODE(value)


def render_action(action: PlannedAction) -> list[str]:
    symbol = SYMBOLS[action.action]
    head = f"  {symbol} {action.resource} ({action.type}, {action.provider}) {VERBS[action.action]}"
    lines = [head + (f"  # {action.reason}" if action.reason else "")]
    if action.action == "create" and action.after is not None:
        shown = {k: v for k, v in sorted(action.after.items()) if v not in (None, [], {})}  # defaults add noise
        width = max((len(k) for k in shown), default=0)
        lines += [f"      + {key.ljust(width)} = {_value(value)}" for key, value in shown.items()]
    elif action.action in ("update", "replace"):
        for change in action.changes:
            note = "   # forces replacement" if change.forces_replace else ""
            lines.append(f"      ~ {change.path}: {_value(change.before)} → {_value(change.after)}{note}")
    return lines


def describe(plan: Plan) -> str:
    """What the plan is for, in a few words ("roll stack 'web' back to revision 2")."""
    if plan.kind == "operation" and plan.operation is not None:
        operation, resource = plan.operation["operation"], plan.operation["resource"]
        to = f" to {plan.operation['replicas']}" if operation == "scale" else ""
        return f"{operation} {resource}{to} in stack '{plan.stack}'"
    return {
        "apply": f"apply stack '{plan.stack}'",
        "destroy": f"destroy stack '{plan.stack}'",
        "rollback": f"roll stack '{plan.stack}' back to revision {plan.target_revision}",
        "import": f"import into stack '{plan.stack}'",
        "operation": f"change stack '{plan.stack}'",
    }[plan.kind]


def render_plan(plan: Plan, *, show_unchanged: bool = False) -> str:
    return "\n".join(plan_lines(plan, show_unchanged=show_unchanged))


def plan_lines(plan: Plan, *, show_unchanged: bool = False, summary_over: int | None = None) -> list[str]:
    """The plan as lines. With ``summary_over``, a plan that changes more resources than that is shown
    as a summary instead of every field: counts per action and type, and the resources that are replaced
    or destroyed by name (the first ``SUMMARY_NAMES`` of each; destructive changes are not only a count)."""
    lines: list[str] = []
    changed = [a for a in plan.actions if a.action != "noop"]
    if not changed:
        lines.append(f"No changes. Stack '{plan.stack}' matches the desired state (revision {plan.base_revision}).")
    else:
        lines.append(f"Plan {plan.id} to {describe(plan)} (from revision {plan.base_revision}):")
        lines.append("")
        if summary_over is not None and len(changed) > summary_over:
            lines.extend(_summary_lines(changed))
        else:
            for action in plan.actions:
                if action.action != "noop" or show_unchanged:
                    lines.extend(render_action(action))
    summary = plan.summary()
    lines.append("")
    lines.append(
        f"Plan: {summary['create']} to add, {summary['update']} to change, {summary['replace']} to replace, "
        f"{summary['delete']} to destroy, {summary['noop']} unchanged."
    )
    return lines


SUMMARY_NAMES = 50  # named resources per destructive action in a summary; more are counted


def _summary_lines(changed: list[PlannedAction]) -> list[str]:
    lines = [f"  {len(changed)} resources change; a summary (every field: --full, or the plan file of --out):"]
    for kind in ("create", "update", "replace", "delete"):
        of_kind = [a for a in changed if a.action == kind]
        if not of_kind:
            continue
        kinds: dict[str, int] = {}
        for action in of_kind:
            key = f"{action.type}/{action.provider}"
            kinds[key] = kinds.get(key, 0) + 1
        by_type = ", ".join(f"{count} {key}" for key, count in sorted(kinds.items()))
        lines.append(f"  {SYMBOLS[kind]} {len(of_kind)} {VERBS[kind]} ({by_type})")
        if kind in ("replace", "delete"):
            names = [a.resource for a in of_kind]
            shown = ", ".join(names[:SUMMARY_NAMES])
            more = f" and {len(names) - SUMMARY_NAMES} more" if len(names) > SUMMARY_NAMES else ""
            lines.append(f"      {shown}{more}")
    return lines
