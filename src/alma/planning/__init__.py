"""Planning: the plan model, the planner (refresh + diff + order), the executor and rendering.

Names are loaded on first use (PEP 562): ``from alma.planning.plan import Plan`` must not bring the planner
(and with it the blueprint parser) or the executor into a command that only prints a plan.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alma.planning.executor import (
        ExecutionObserver,
        ExecutionResult,
        Executor,
        Outcome,
        RetryPolicy,
        execution_graph,
    )
    from alma.planning.plan import Plan, PlanKind, PlannedAction, content_hash
    from alma.planning.planner import DesiredResource, RecordedResource, plan_actions
    from alma.planning.render import render_plan

_EXPORTS = {
    "alma.planning.executor": (
        "ExecutionObserver",
        "ExecutionResult",
        "Executor",
        "Outcome",
        "RetryPolicy",
        "execution_graph",
    ),
    "alma.planning.plan": ("Plan", "PlanKind", "PlannedAction", "content_hash"),
    "alma.planning.planner": ("DesiredResource", "RecordedResource", "plan_actions"),
    "alma.planning.render": ("render_plan",),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'alma.planning' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is an ordinary one
    return value


__all__ = [
    "DesiredResource",
    "ExecutionObserver",
    "ExecutionResult",
    "Executor",
    "Outcome",
    "Plan",
    "PlanKind",
    "PlannedAction",
    "RecordedResource",
    "RetryPolicy",
    "content_hash",
    "execution_graph",
    "plan_actions",
    "render_plan",
]
