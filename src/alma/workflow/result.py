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
