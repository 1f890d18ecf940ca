"""Drift: what the engines have that the recorded state does not say, resource by resource.

The report is a plan of the stack *as recorded*, read as a list of differences: a recorded resource the
engine no longer has is ``missing`` (the plan creates it again), one whose fields differ is ``changed``
(the plan updates or replaces it back), and one an engine holds with ALMA's ownership marker for the stack
that nobody recorded is ``unmanaged`` (the plan removes it). So a plan of the recorded blueprint
(``recorded_blueprint``) repairs exactly what the report shows, and ``repair`` says how, per resource.

Reading a report changes nothing. The periodic check (``alma worker``) records what it finds as a
``drift.detected`` event. One typed report serves every surface: ``alma drift --json``, the HTTP API's
response model and the MCP tool's output schema.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

from pydantic import BaseModel, Field

from alma.diagnostics import did_you_mean
from alma.engines import Action, EngineRegistry
from alma.errors import AlmaError, NotFoundError
from alma.jsonvalue import JsonValue
from alma.planning import DesiredResource, PlannedAction, plan_actions
from alma.services.actor import actor
from alma.services.plans import PlanService
from alma.settings import Settings
from alma.store import Store, utcnow

log = logging.getLogger("alma.drift")
DriftKind = Literal["in_sync", "changed", "missing", "unmanaged"]
DRIFT_KINDS: tuple[DriftKind, ...] = ("changed", "missing", "unmanaged", "in_sync")


class FieldDrift(BaseModel):
    path: str = Field(description="The spec field, as in a plan's changes.")
    recorded: JsonValue = Field(description="The value ALMA recorded (what the stack's blueprint asks for).")
    actual: JsonValue = Field(description="The value the engine has now.")
    forces_replace: bool = Field(description="Putting the recorded value back needs a new resource.")


class ResourceDrift(BaseModel):
    resource: str
    type: str
    provider: str
    drift: DriftKind
    repair: Action = Field(description="What a plan of the recorded blueprint does to it (noop when in sync).")
    external_id: str | None = Field(description="The engine's id for it, when the engine has it.")
    fields: list[FieldDrift] = Field(description="For `changed`: each field that differs.")
    detail: str = Field(description="The difference in words.")


class DriftSummary(BaseModel):
    changed: int
    missing: int
    unmanaged: int
    in_sync: int


class DriftReport(BaseModel):
    stack: str
    revision: int = Field(description="The stack's state revision the engines were compared with.")
    checked_at: str = Field(description="When the engines were read (UTC, ISO 8601).")
    drifted: bool = Field(description="True when any resource is changed, missing or unmanaged.")
    summary: DriftSummary
    resources: list[ResourceDrift] = Field(description="Every recorded resource, then the unmanaged ones.")
    change_in_progress: str | None = Field(
        description="Who holds the stack's lock, while a change runs: the engines may be ahead of the record."
    )
    error: str | None = Field(
        default=None, description="Why the stack could not be compared (its engines unreachable...); then no resources."
    )

    def differences(self) -> list[ResourceDrift]:
        return [r for r in self.resources if r.drift != "in_sync"]


def _field_drift(action: PlannedAction) -> list[FieldDrift]:
    # A change's ``before`` is what the engine has; ``after`` is the desired value, here the recorded one.
    return [
        FieldDrift(path=c.path, recorded=c.after, actual=c.before, forces_replace=c.forces_replace)
        for c in action.changes
    ]


def _resource_drift(action: PlannedAction) -> ResourceDrift:
    kind: DriftKind
    if action.action == "noop":
        kind, detail = "in_sync", "as recorded"
    elif action.action == "create":
        kind, detail = "missing", "recorded, but the engine no longer has it"
    elif action.action == "delete":
        kind, detail = "unmanaged", "the engine holds it with ALMA's marker for this stack, but it is not recorded"
    else:
        kind = "changed"
        detail = "; ".join(f"{c.path}: recorded {c.after!r}, now {c.before!r}" for c in action.changes)
    return ResourceDrift(
        resource=action.resource,
        type=action.type,
        provider=action.provider,
        drift=kind,
        repair=action.action,
        external_id=action.external_id,
        fields=_field_drift(action) if kind == "changed" else [],
        detail=detail or "differs from the record",
    )


def _unchecked(stack: str, revision: int, error: str) -> DriftReport:
    summary = DriftSummary(changed=0, missing=0, unmanaged=0, in_sync=0)
    return DriftReport(
        stack=stack,
        revision=revision,
        checked_at=utcnow().isoformat(),
        drifted=False,
        summary=summary,
        resources=[],
        change_in_progress=None,
        error=error,
    )


class DriftService:
    def __init__(self, settings: Settings, store: Store, engines: EngineRegistry, plans: PlanService) -> None:
        self._settings = settings
        self._store = store
        self._engines = engines
        self._plans = plans

    async def report(self, stack: str) -> DriftReport:
        """Refresh ``stack`` through its engines and compare with its record; nothing is written."""
        await self._require(stack)
        # Read before the engines, as a plan does: a change that lands meanwhile shows as a newer revision.
        revision = await self._store.stacks.revision(stack)
        recorded = await self._store.stacks.resources(stack)
        desired = [DesiredResource(r.name, r.type, r.provider, r.specs, tuple(r.dependencies)) for r in recorded]
        actions = await plan_actions(stack, desired, recorded, self._engines.get)
        resources = [_resource_drift(a) for a in actions]
        counts = {kind: sum(1 for r in resources if r.drift == kind) for kind in DRIFT_KINDS}
        lock = await self._store.locks.get(stack)
        busy = lock is not None and lock.expires_at > dt.datetime.now(dt.UTC)
        return DriftReport(
            stack=stack,
            revision=revision,
            checked_at=utcnow().isoformat(),
            drifted=any(r.drift != "in_sync" for r in resources),
            summary=DriftSummary(**counts),
            resources=resources,
            change_in_progress=f"{lock.holder}: {lock.reason}" if busy and lock is not None else None,
        )

    async def reports(self) -> list[DriftReport]:
        """A report for every stack that has resources recorded, by name. A stack that cannot be compared
        (an engine unreachable, a provider gone) gets a report saying why; the others are still checked."""
        found: list[DriftReport] = []
        for summary in await self._store.stacks.summaries():
            if not summary.resources:
                continue
            try:
                found.append(await self.report(summary.name))
            except AlmaError as exc:
                log.warning("drift check of %s failed: %s", summary.name, exc)
                found.append(_unchecked(summary.name, summary.revision, str(exc)))
        return found

    async def record(self, report: DriftReport) -> None:
        """Put what a report found in the stack's audit trail (``drift.detected``); nothing when in sync."""
        found = report.differences()
        if not found:
            return
        self._store.events.append(
            report.stack,
            "drift.detected",
            f"{len(found)} resource(s) differ from the recorded state: "
            + ", ".join(f"{r.resource} ({r.drift})" for r in found),
            actor=actor(self._settings),
            data={"revision": report.revision, "drifted": [r.model_dump(mode="json") for r in found]},
        )
        await self._store.buffer.flush()

    async def recorded_blueprint(self, stack: str) -> str:
        """The stack as recorded, as a blueprint: planning it repairs the drift a report shows."""
        await self._require(stack)
        return await self._plans.recorded_blueprint(stack)

    async def _require(self, stack: str) -> None:
        if not await self._store.stacks.exists(stack):
            known = [s.name for s in await self._store.stacks.summaries()]
            hint = did_you_mean(stack, known) if known else "; no stack has been deployed yet"
            raise NotFoundError(f"no stack named '{stack}'{hint}")
