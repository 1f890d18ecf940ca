"""What a deployment run ended with (kept apart from the graph so callers need not import LangGraph)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RunResult:
    deployment_id: str
    outcome: str  # succeeded | failed | rolled_back | rejected | waiting
    report: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)
    verify_failures: list[str] = field(default_factory=list)
    rollback: dict[str, Any] | None = None
    error: str | None = None
    waiting_for: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        """The one JSON shape of a run, for every surface (``alma apply --json``, the HTTP API)."""
        report = dict(self.report or {})
        status = "failed" if self.outcome in ("failed", "rolled_back") else self.outcome
        return {
            "deployment_id": report.get("deployment_id", self.deployment_id if self.report else None),
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
            "report": self.report,
        }
