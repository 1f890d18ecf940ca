"""What a plan takes away: the plan's own say in the risk decision, whatever the words were.

A plan is destructive when it deletes or replaces anything, stops something (``start`` true → false,
or an engine's ``restart``), or shrinks something — fewer replicas, fewer cores, less memory, a smaller
disk or volume. Chat, MCP and the API take the stricter of this and the reading of the words: "give web
a little tune-up" that plans a memory cut is confirmed like "shrink web". Destroy and rollback plans are
destructive by kind. Read from the stored plan only, never from a blueprint or a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from alma.units import UnitError, disk_gib, memory_mib

if TYPE_CHECKING:
    from alma.planning.plan import Plan

Disruption = Literal["delete", "replace", "stop", "shrink"]
# Spec keys whose smaller value takes capacity away; the value is read as a count, MiB or GiB.
_SIZED: dict[str, str] = {
    "replicas": "count",
    "cores": "count",
    "cpus": "count",
    "vcpus": "count",
    "memory": "memory",
    "memory_mb": "count",
    "disk": "disk",
    "disk_gb": "count",
    "size": "disk",
    "storage": "disk",
}


@dataclass(frozen=True, slots=True)
class PlanHarm:
    """One thing a plan takes away: what, from which resource, and the field when it is a change."""

    kind: Disruption
    resource: str
    path: str | None = None

    def describe(self) -> str:
        if self.kind == "shrink":
            return f"it shrinks {self.resource} ({self.path})"
        verb = {"delete": "deletes", "replace": "replaces", "stop": "stops"}[self.kind]
        return f"it {verb} {self.resource}"


def plan_harms(plan: Plan) -> list[PlanHarm]:
    """Everything ``plan`` deletes, replaces, stops or shrinks, in plan order."""
    found: list[PlanHarm] = []
    for action in plan.actions:
        if action.action in ("delete", "replace"):
            found.append(PlanHarm(action.action, action.resource))
            continue
        if action.action != "update":
            continue
        for change in action.changes:
            leaf = change.path.rsplit(".", 1)[-1]
            if (leaf == "start" and change.before is True and change.after is False) or leaf == "restart":
                found.append(PlanHarm("stop", action.resource, change.path))
            elif leaf in _SIZED and _smaller(_SIZED[leaf], change.before, change.after):
                found.append(PlanHarm("shrink", action.resource, change.path))
    return found


def plan_is_destructive(plan: Plan) -> bool:
    """Whether a plan deletes, replaces, stops or shrinks anything: the plan, not the words, has a say."""
    return plan.kind in {"destroy", "rollback"} or bool(plan_harms(plan))


def _smaller(unit: str, before: Any, after: Any) -> bool:
    old, new = _amount(unit, before), _amount(unit, after)
    return old is not None and new is not None and new < old


def _amount(unit: str, value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return None
    try:
        return float(memory_mib(value) if unit == "memory" else disk_gib(value) if unit == "disk" else value)
    except (UnitError, ValueError):
        return None
