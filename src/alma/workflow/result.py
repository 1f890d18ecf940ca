"""What a deployment run ended with (kept apart from the graph so callers need not import LangGraph)."""

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

    @property
    def no_changes(self) -> bool:
        """The plan changed nothing: no deployment was made."""
        return self.report is not None and self.report.deployment_id is None and self.outcome == "succeeded"

    def as_json(self) -> dict[str, Any]:
        """The one JSON shape of a run, for every surface (``alma apply --json``, the HTTP API).
        ``deployment_id`` is the run's deployment (also while it waits for approval: that id is what
        ``alma resume`` and the event streams take); null only when the plan changed nothing."""
        report = self.report.as_json() if self.report is not None else {}
        status = "failed" if self.outcome in ("failed", "rolled_back") else self.outcome
        return {
            "deployment_id": None if self.no_changes else report.get("deployment_id") or self.deployment_id,
            "stack": report.get("stack"),
            "revision": report.get("revision"),
            "status": status,
            "outcome": self.outcome,
            "summary": report.get("summary", {}),
            "elapsed_s": report.get("elapsed_s"),
            "failures": report.get("failures", []),
            "verify_failures": self.verify_failures,
            "rollback": self.rollback,
            "error": self.error,
            "waiting_for": self.waiting_for,
            "run_id": self.deployment_id,
            "notes": self.notes,
            "nothing_done": self.nothing_done,
            "report": report or None,
        }
