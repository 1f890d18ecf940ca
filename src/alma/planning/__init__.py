"""Planning: the plan model, the planner (refresh + diff + order), the executor and rendering."""

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
