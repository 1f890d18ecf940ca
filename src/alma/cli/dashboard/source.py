"""What the dashboard shows, and the one interface it reads it through.

Two implementations: ``LocalSource`` (the services from ``bootstrap``, over the local store) and
``RemoteSource`` (a running ``alma serve``, through its public HTTP API and a key). Both hand over the
public JSON shapes of ``alma.contracts`` (what ``--json`` and the API print), and the rows below are
read from those shapes in one place, so the screens cannot tell which source they are looking at.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from alma.services.drift import DriftReport

Verdict = Literal["approve", "request_changes"]
# Events that say a resource is still being worked on; any other ``resource.*`` event finishes one.
ONGOING = frozenset({"resource.creating", "resource.updating", "resource.replacing", "resource.deleting"})
ONGOING |= {"resource.retrying"}
INTERRUPTED = "stream.interrupted"  # the stream's own last word: nothing runs the deployment any more
FINAL = frozenset({"deployment.succeeded", "deployment.failed", "deployment.abandoned", INTERRUPTED})


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    role: str | None  # None locally: the local store has no roles, ALMA_USER acts


@dataclass(frozen=True, slots=True)
class StackRow:
    name: str
    revision: int
    resources: int
    updated_at: str

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> StackRow:
        return cls(data["name"], data["revision"], data["resources"], data["updated_at"])


@dataclass(frozen=True, slots=True)
class ResourceRow:
    name: str
    type: str
    provider: str
    status: str
    specs: Mapping[str, Any]
    external_id: str | None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ResourceRow:
        return cls(data["name"], data["type"], data["provider"], data["status"], data["specs"], data["external_id"])


@dataclass(frozen=True, slots=True)
class DeploymentRow:
    id: str
    stack: str
    revision: int
    kind: str
    status: str
    actor: str
    started_at: str
    changes: int  # resources the plan changes: the progress bar's total

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> DeploymentRow:
        summary = data.get("summary") or {}
        changes = sum(int(summary.get(k, 0)) for k in ("create", "update", "replace", "delete"))
        return cls(
            data["deployment_id"],
            data["stack"],
            data["revision"],
            data["kind"],
            data["status"],
            data["actor"],
            data["started_at"],
            changes,
        )


@dataclass(frozen=True, slots=True)
class IprRow:
    id: int
    stack: str
    title: str
    author: str
    status: str
    revision: int

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> IprRow:
        return cls(data["id"], data["stack"], data["title"], data["author"], data["status"], data["revision"])


@dataclass(frozen=True, slots=True)
class IprDetail:
    ipr: IprRow
    approvals: int
    needed: int
    reasons: list[str]
    plan_id: str
    plan_hash: str
    plan_text: str  # the plan as `alma plan` renders it: what the reviewer reviews
    reviews: list[str]

    @classmethod
    def of(cls, data: Mapping[str, Any], plan_text: str) -> IprDetail:
        reviews = [
            f"r{r['revision']} {r['reviewer']}: {r['verdict'].replace('_', ' ')}"
            + (f" — {r['comment']}" if r["comment"] else "")
            for r in data.get("reviews", [])
        ]
        return cls(
            IprRow.of(data),
            len(data.get("approvals", [])),
            int(data.get("approvals_required", 1)),
            [str(reason) for reason in data.get("policy_reasons", [])],
            data["plan"]["plan_id"],
            data["plan"]["hash"],
            plan_text,
            reviews,
        )


@dataclass(frozen=True, slots=True)
class EngineRow:
    name: str
    ok: bool
    detail: str

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> EngineRow:
        return cls(data["name"], bool(data["ok"]), data["detail"])


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    at: str
    kind: str
    actor: str
    message: str
    resource: str | None
    deployment_id: str | None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> EventRow:
        return cls(
            data["id"],
            data["at"],
            data["kind"],
            data["actor"],
            data["message"],
            data.get("resource"),
            data.get("deployment_id"),
        )

    @classmethod
    def interrupted(cls, deployment_id: str, detail: str) -> EventRow:
        """Not an event of the log: the stream saying that nothing runs the deployment any more, and why."""
        return cls(0, "", INTERRUPTED, "", detail, None, deployment_id)

    @property
    def finishes_a_resource(self) -> bool:
        return self.kind.startswith("resource.") and self.kind not in ONGOING


class DataSource(Protocol):
    """Everything the dashboard reads or does. Failures are ALMA's own errors (``alma.errors``)."""

    @property
    def where(self) -> str:
        """Where the data comes from, in words (the local store's path, or the server's URL)."""
        ...

    async def actor(self) -> Actor: ...
    async def stacks(self) -> list[StackRow]: ...
    async def resources(self, stack: str) -> list[ResourceRow]: ...
    async def deployments(self, stack: str) -> list[DeploymentRow]: ...
    async def iprs(self) -> list[IprRow]: ...
    async def ipr(self, ipr_id: int) -> IprDetail: ...
    async def review(self, ipr_id: int, verdict: Verdict, comment: str, revision: int | None = None) -> IprDetail:
        """Approve or request changes as the acting user, with that user's rights, of ``revision`` (the one on
        screen): refused when the IPR was revised since."""
        ...

    async def engines(self) -> list[EngineRow]: ...
    async def events(self, stack: str, limit: int) -> list[EventRow]:
        """The stack's last ``limit`` events, oldest first."""
        ...

    async def drift(self, stack: str) -> DriftReport: ...
    def follow(self, deployment_id: str, after: int = 0) -> AsyncIterator[EventRow]:
        """A deployment's events after ``after`` as they are committed, until it ends."""
        ...

    async def aclose(self) -> None: ...
