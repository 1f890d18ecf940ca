"""What a deployment run ended with (kept apart from the graph so callers need not import LangGraph).

Its JSON contract is ``alma.contracts.RunOut`` (one model for every surface)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from alma.services.deployments import DeploymentReport

# Outcomes that mean "the world moved under the run" (a surface says exit 4 / HTTP 409).
CONFLICTS = frozenset({"abandoned", "conflict"})


@dataclass(frozen=True, slots=True)
class RunResult:
    deployment_id: str
    # succeeded | failed | rolled_back | rejected | waiting | abandoned (the stack moved on under it) |
    # conflict (its lock was taken, or someone else applies it)
    outcome: str
    report: DeploymentReport | None  # the deployment it ran (None: nothing ran)
    notes: list[str] = field(default_factory=list)
    verify_failures: list[str] = field(default_factory=list)
    rollback: dict[str, Any] | None = None
    error: str | None = None
    waiting_for: dict[str, Any] | None = None
    nothing_done: str | None = None  # why this call did nothing (the run had finished, or still waits)
    # What the run is, known even when it made no deployment (it waited, or was abandoned before it began).
    stack: str | None = None
    plan_id: str | None = None
    ipr_id: int | None = None

    @property
    def no_changes(self) -> bool:
        """The plan changed nothing: no deployment was made."""
        return self.report is not None and self.report.deployment_id is None and self.outcome == "succeeded"
