"""A run's outcome as every surface shows it (``alma apply --json``, the apply routes, MCP's apply_plan)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from alma.jobs import QueuedRun
from alma.services import DeploymentReport
from alma.workflow import RunResult

Outcome = Literal["succeeded", "failed", "rolled_back", "rejected", "waiting", "abandoned", "conflict"]


class FailureOut(BaseModel):
    resource: str
    action: str
    status: str = Field(description="failed, or skipped (never started)")
    error: str | None


class ReportOut(BaseModel):
    """The deployment a run made: revision N of the stack, and what happened."""

    deployment_id: str | None = Field(description="null when the plan changed nothing")
    stack: str
    revision: int
    status: str
    summary: dict[str, int]
    elapsed_s: float
    failures: list[FailureOut]

    @classmethod
    def of(cls, report: DeploymentReport) -> ReportOut:
        return cls.model_validate(report.as_json())


class RollbackOut(BaseModel):
    """The automatic rollback of a run whose verification failed, verified itself."""

    deployment_id: str
    revision: int
    target_revision: int | None
    status: str = Field(description="succeeded (restored and verified) or failed")
    summary: dict[str, int]
    verify_failures: list[str] = Field(description="What still fails after the rollback.")
    error: str | None


class WaitingOut(BaseModel):
    waiting_for: str = Field(description="approval")
    ipr: int
    approvals: list[str]
    needs: int


class RunOut(BaseModel):
    """The apply contract: ``{deployment_id, stack, revision, status, summary, ...}`` (README)."""

    deployment_id: str | None = Field(
        description="The run's deployment (also while it waits for approval); null only when nothing changed."
    )
    stack: str | None = Field(description="The run's stack (also when it made no deployment).")
    plan_id: str | None = Field(description="The stored plan the run applies.")
    ipr_id: int | None = Field(description="The IPR it applies, when it was reviewed through one.")
    revision: int | None
    status: str = Field(description="The outcome, with rolled_back shown as failed (the change did not land).")
    outcome: Outcome
    summary: dict[str, int]
    elapsed_s: float | None
    failures: list[FailureOut]
    verify_failures: list[str]
    rollback: RollbackOut | None
    error: str | None
    waiting_for: WaitingOut | None
    run_id: str
    notes: list[str]
    nothing_done: str | None = Field(description="Why this call did nothing (the run had finished, or still waits).")
    report: ReportOut | None

    @classmethod
    def of(cls, result: RunResult) -> RunOut:
        report = ReportOut.of(result.report) if result.report is not None else None
        outcome = result.outcome
        return cls.model_validate(
            {
                "deployment_id": None
                if result.no_changes
                else (report.deployment_id if report else None) or result.deployment_id,
                "stack": report.stack if report else result.stack,
                "plan_id": result.plan_id,
                "ipr_id": result.ipr_id,
                "revision": report.revision if report else None,
                "status": "failed" if outcome in ("failed", "rolled_back") else outcome,
                "outcome": outcome,
                "summary": report.summary if report else {},
                "elapsed_s": report.elapsed_s if report else None,
                "failures": report.failures if report else [],
                "verify_failures": result.verify_failures,
                "rollback": result.rollback,
                "error": result.error,
                "waiting_for": result.waiting_for,
                "run_id": result.deployment_id,
                "notes": result.notes,
                "nothing_done": result.nothing_done,
                "report": report,
            }
        )


class QueuedRunOut(BaseModel):
    """A run handed to ``alma worker`` (HTTP 202): follow its deployment's events meanwhile."""

    status: Literal["queued"] = "queued"
    job_id: int
    deployment_id: str
    run_id: str
    stack: str

    @classmethod
    def of(cls, queued: QueuedRun) -> QueuedRunOut:
        return cls(
            job_id=queued.job_id, deployment_id=queued.deployment_id, run_id=queued.deployment_id, stack=queued.stack
        )
