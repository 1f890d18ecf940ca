"""The council: reviewers read a proposed blueprint, report findings, and fix what a rule can fix.

Reviewers sit in turn (architect, security, reliability, cost), each on the blueprint as the ones before
left it. A finding may carry a fix: a deterministic change to the blueprint data (add a replica, bind a
port to loopback, add a health check). Each fix is applied on a copy and kept only when the revised
blueprint still validates; a fix that validation refuses is dropped and the finding says so. The decree
is the revised blueprint, every finding, and a verdict; when a language model is configured the service
adds its prose summary (``narrative``) afterwards, which changes none of them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from alma.diagnostics import Diagnostic
from alma.errors import BlueprintInvalidError
from alma.generation.rates import RateCard
from alma.settings import Quota

Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")
Change = Callable[[dict[str, Any]], None]
Validator = Callable[[Mapping[str, Any]], list[Diagnostic]]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a reviewer noticed. ``fix`` says what was changed; None when nothing was."""

    reviewer: str
    severity: Severity
    resource: str | None
    message: str
    fix: str | None = None
    change: Change | None = field(default=None, compare=False, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "reviewer": self.reviewer,
            "severity": self.severity,
            "resource": self.resource,
            "message": self.message,
            "fix": self.fix,
        }


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """What reviewers know besides the blueprint: the quotas configured, and what things cost."""

    quotas: Mapping[str, Quota]
    rate_card: RateCard


class Reviewer(Protocol):
    name: str

    def review(self, blueprint: Mapping[str, Any], context: ReviewContext) -> list[Finding]:
        """Findings on ``blueprint``; those with a ``change`` and a ``fix`` may be applied."""
        ...


Verdict = Literal["approved", "approved_with_fixes", "changes_requested"]


@dataclass(frozen=True, slots=True)
class Decree:
    """The council's answer: the revised blueprint, what each reviewer found, and the verdict.
    ``narrative`` is a language model's summary of it in prose, None when no model wrote one."""

    blueprint: dict[str, Any]
    findings: list[Finding]
    verdict: Verdict
    cost: dict[str, Any]
    reviewers: list[str]
    notes: list[str] = field(default_factory=list)
    narrative: str | None = None

    @property
    def fixes(self) -> list[Finding]:
        return [f for f in self.findings if f.fix is not None]

    @property
    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.fix is None and f.severity != "info"]

    def as_json(self) -> dict[str, Any]:
        counts = {severity: 0 for severity in SEVERITIES}
        for finding in self.open_findings:
            counts[finding.severity] += 1
        return {
            "blueprint": self.blueprint,
            "findings": [f.as_json() for f in self.findings],
            "decree": {
                "stack": self.blueprint.get("name"),
                "verdict": self.verdict,
                "valid": True,
                "reviewers": self.reviewers,
                "fixes_applied": len(self.fixes),
                "open": counts,
                "estimated_monthly_cost": self.cost,
                "narrative": self.narrative,
                "notes": self.notes,
            },
        }


class Council:
    def __init__(self, reviewers: Sequence[Reviewer], context: ReviewContext, validate: Validator) -> None:
        self._reviewers = list(reviewers)
        self._context = context
        self._validate = validate

    def convene(self, blueprint: Mapping[str, Any], cost: Callable[[Mapping[str, Any]], dict[str, Any]]) -> Decree:
        """Review ``blueprint`` (which must validate) and decree; ``cost`` prices the revised blueprint."""
        revised = copy.deepcopy(dict(blueprint))
        problems = self._validate(revised)
        if problems:
            raise BlueprintInvalidError(problems)  # the council reviews valid blueprints only
        findings: list[Finding] = []
        for reviewer in self._reviewers:
            for finding in reviewer.review(revised, self._context):
                revised, kept = self._applied(revised, finding)
                findings.append(kept)
        return Decree(revised, findings, _verdict(findings), cost(revised), [r.name for r in self._reviewers])

    def _applied(self, blueprint: dict[str, Any], finding: Finding) -> tuple[dict[str, Any], Finding]:
        """The blueprint with the finding's fix applied when it still validates, and the finding as kept."""
        if finding.change is None or finding.fix is None:
            return blueprint, _without_change(finding, None)
        candidate = copy.deepcopy(blueprint)
        finding.change(candidate)
        problems = self._validate(candidate)
        if problems:
            why = problems[0].render()
            message = f"{finding.message} (the fix '{finding.fix}' was not applied: validation refused it: {why})"
            return blueprint, Finding(finding.reviewer, finding.severity, finding.resource, message)
        return candidate, _without_change(finding, finding.fix)


def _without_change(finding: Finding, fix: str | None) -> Finding:
    return Finding(finding.reviewer, finding.severity, finding.resource, finding.message, fix)


def _verdict(findings: list[Finding]) -> Verdict:
    if any(f.fix is None and f.severity in ("high", "critical") for f in findings):
        return "changes_requested"
    if any(f.fix is not None for f in findings):
        return "approved_with_fixes"
    return "approved"
