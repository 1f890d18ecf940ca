"""Applying a stored plan: under the stack's lock, advance its revision, execute, record.

Apply never re-derives anything from a blueprint: it loads the plan by id, checks its hash and the
stack revision it was made against, and runs its actions — once: a plan that already ran is refused
naming the deployment it became. It requires the ``Clearance`` the run use case decided for the plan
(the approval gate is decided there, once per run). A deployment that cannot continue because the stack
moved on is recorded as ``abandoned``.

This module is longer than most: apply, resume and verify are one deployment's lifecycle and share its
recording; the lock is in ``locking.py``, the recorder in ``recording.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from alma.engines import EngineRegistry, Observed, Preflight, PreflightIssue, Readiness
from alma.errors import (
    AlreadyAppliedError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RefusedError,
    RunAbandonedError,
    StalePlanError,
)
from alma.planning import ExecutionResult, Executor, Outcome, Plan, RetryPolicy
from alma.services.actor import actor
from alma.services.approvals import Clearance
from alma.services.locking import StackLease, StackLocks
from alma.services.metrics import DomainMetrics
from alma.services.plans import PlanService
from alma.services.recording import ApplyProgress, DeploymentRecorder
from alma.settings import Settings
from alma.store import DeploymentRecord, Store, utcnow


class FailureRecord(TypedDict):
    """An action that did not succeed: failed, or never started (``skipped``)."""

    resource: str
    action: str
    status: str  # failed | skipped
    error: str | None


class PreflightRecord(TypedDict):
    """A problem an engine sees before a plan runs; JSON-shaped, so a run's checkpoint can keep it."""

    provider: str
    resource: str
    message: str
    fixable: bool
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DeploymentReport:
    deployment_id: str | None
    stack: str
    revision: int
    status: str  # succeeded | failed
    summary: dict[str, int]
    elapsed_s: float
    failures: list[FailureRecord]

    def as_json(self) -> dict[str, Any]:
        return {
            "deployment_id": self.deployment_id,
            "stack": self.stack,
            "revision": self.revision,
            "status": self.status,
            "summary": self.summary,
            "elapsed_s": round(self.elapsed_s, 3),
            "failures": self.failures,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeploymentReport:
        """Back from ``as_json`` (a run's checkpoint keeps its report as JSON)."""
        return cls(
            data.get("deployment_id"),
            str(data["stack"]),
            int(data["revision"]),
            str(data["status"]),
            dict(data.get("summary", {})),
            float(data.get("elapsed_s") or 0.0),
            list(data.get("failures", [])),
        )


class DeploymentService:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        engines: EngineRegistry,
        plans: PlanService,
        metrics: DomainMetrics | None = None,
    ) -> None:
        self._settings = settings
        self._store = store
        self._engines = engines
        self._plans = plans
        self._metrics = metrics or DomainMetrics()
        self.locks = StackLocks(settings, store)

    async def apply(
        self,
        plan_id: str,
        *,
        clearance: Clearance,
        lease: StackLease | None = None,
        parallelism: int | None = None,
        progress: ApplyProgress | None = None,
        deployment_id: str | None = None,
    ) -> DeploymentReport:
        """Apply a stored plan once. ``clearance`` is the approval decision the run use case made for this
        plan; ``lease`` is the stack's lock when the caller already holds it (a run holds it from its start
        to its end, automatic rollback included); ``deployment_id`` lets a run name the deployment before it
        starts (so a resumed run finds it)."""
        started = time.perf_counter()
        plan = await self._plans.get(plan_id)
        if clearance.plan_id != plan.id:
            raise RefusedError(f"plan {plan.id} was not cleared to run (the clearance is for plan {clearance.plan_id})")
        await self.refuse_applied(plan, deployment_id)
        if clearance.by == "automatic_rollback":
            self._store.events.append(
                plan.stack,
                "approval.waived",
                f"plan {plan.id} applied without an IPR: {clearance.note}",
                actor=actor(self._settings),
                data={"plan_id": plan.id, "hash": plan.hash},
            )
        async with self._lease(plan.stack, f"{plan.kind} plan {plan.id}", lease) as held:
            if not plan.has_changes:  # still locked and checked: "no changes" must be true right now
                current = await self._store.stacks.revision(plan.stack)
                if current != plan.base_revision:
                    raise StalePlanError(
                        f"the plan was made against revision {plan.base_revision} of stack '{plan.stack}', "
                        f"which is now at revision {current}; make a new plan"
                    )
                elapsed = time.perf_counter() - started
                return DeploymentReport(None, plan.stack, plan.base_revision, "succeeded", plan.summary(), elapsed, [])
            deployment_id, revision = await self._begin(plan, deployment_id)
            recorder = DeploymentRecorder(
                self._store, plan.stack, deployment_id, revision, actor(self._settings), progress, self._metrics
            )
            try:
                result = await self._execute(plan, recorder, parallelism, progress, held)
            except asyncio.CancelledError:
                # Interrupted (Ctrl-C, shutdown): the record says so instead of "running" forever.
                await self._close(
                    plan,
                    deployment_id,
                    revision,
                    "failed",
                    plan.summary(),
                    "interrupted before it finished; the recorded state shows what was done",
                )
                raise
            report = await self._finish(plan, deployment_id, revision, result, started, held)
        if lease is None:
            held.require()  # a lost lock is a conflict (exit 4); a caller with its own lease checks it itself
        return report

    async def resume(
        self,
        deployment_id: str,
        *,
        lease: StackLease | None = None,
        parallelism: int | None = None,
        progress: ApplyProgress | None = None,
    ) -> DeploymentReport:
        """Finish a deployment whose process died: same plan, same revision, nothing done twice.

        Actions whose result is already there (read back through the engines, found by their
        ownership marker) are recorded as adopted; only the rest run. A deployment the stack has moved
        on from (another deployment came after it) is recorded as abandoned and refused."""
        started = time.perf_counter()
        record = await self._store.deployments.get(deployment_id)
        if record is None:
            raise NotFoundError(f"no deployment '{deployment_id}'")
        if record.status != "running":
            raise ConflictError(
                f"deployment {deployment_id} (revision {record.revision} of '{record.stack}') already "
                f"{record.status}{': ' + record.error if record.error else ''}; nothing to resume"
            )
        plan = await self._plans.get(record.plan_id)
        async with self._lease(plan.stack, f"resume deployment {deployment_id}", lease, take_over_dead=True) as held:
            await self.refuse_moved_on(record)
            self._store.events.append(
                plan.stack,
                "deployment.resumed",
                f"revision {record.revision}: resuming plan {plan.id}",
                actor=actor(self._settings),
                deployment_id=deployment_id,
            )
            recorder = DeploymentRecorder(
                self._store, plan.stack, deployment_id, record.revision, actor(self._settings), progress, self._metrics
            )
            done = await self._already_done(plan, recorder)
            remaining = tuple(a for a in plan.actions if a.resource not in done)
            result = await self._execute(
                dataclasses.replace(plan, actions=remaining), recorder, parallelism, progress, held
            )
            result.outcomes.update(done)
            report = await self._finish(plan, deployment_id, record.revision, result, started, held)
        if lease is None:
            held.require()
        return report

    async def refuse_moved_on(self, record: DeploymentRecord) -> None:
        """A running deployment whose revision is no longer the stack's cannot continue: its plan describes
        a state that is gone. It is recorded as abandoned, and the refusal names the newer revision."""
        current = await self._store.stacks.revision(record.stack)
        if current == record.revision:
            return
        newer = await self._store.deployments.at_revision(record.stack, current)
        by = f" (deployment {newer.id}, {newer.kind} by {newer.actor})" if newer is not None else ""
        reason = f"stack '{record.stack}' moved on to revision {current}{by}"
        await self.abandon(record, reason)
        raise RunAbandonedError(
            f"deployment {record.id} (revision {record.revision}) cannot continue: {reason}; it is recorded as "
            f"abandoned. Its plan no longer describes the stack: make a new plan (`alma history {record.stack}`)"
        )

    async def abandon(self, record: DeploymentRecord, reason: str) -> bool:
        """Record that a running deployment will never finish (its run died and the stack moved on, or its
        IPR was closed); False when it was not running any more."""
        if not await self._store.deployments.mark(record.id, "abandoned", f"abandoned: {reason}", ("running",)):
            return False
        self._store.events.append(
            record.stack,
            "deployment.abandoned",
            f"revision {record.revision} abandoned: {reason}",
            actor=actor(self._settings),
            deployment_id=record.id,
        )
        await self._store.buffer.flush()
        return True

    async def refuse_applied(self, plan: Plan, deployment_id: str | None = None) -> None:
        """A plan runs once: a second apply of the same plan says where it went instead of "drift"."""
        for earlier in await self._store.deployments.for_plan(plan.id):
            if earlier.id == deployment_id:
                continue
            if earlier.status == "running":
                raise ConflictError(
                    f"plan {plan.id} is being applied as revision {earlier.revision} of '{plan.stack}' "
                    f"(deployment {earlier.id}); if its process died, `alma resume {earlier.id}` continues it"
                )
            raise AlreadyAppliedError(
                f"plan {plan.id} was already applied as revision {earlier.revision} of '{plan.stack}' "
                f"(deployment {earlier.id}, {earlier.status}); make a new plan to change the stack again"
            )

    @contextlib.asynccontextmanager
    async def _lease(
        self, stack: str, reason: str, lease: StackLease | None, *, take_over_dead: bool = False
    ) -> AsyncIterator[StackLease]:
        """The caller's lease when it holds one (for this stack), else the stack's lock for this call."""
        if lease is not None:
            if lease.stack != stack:
                raise ConflictError(f"the lock held is for stack '{lease.stack}', not '{stack}'")
            yield lease
            return
        async with self.locks.held(stack, reason, take_over_dead=take_over_dead) as held:
            yield held

    async def _already_done(self, plan: Plan, recorder: DeploymentRecorder) -> dict[str, Outcome]:
        """The plan's actions whose effect the engines already show."""
        pending = [a for a in plan.actions if a.action != "noop"]
        observed: dict[str, Observed | None] = {}
        for provider in {a.provider for a in pending}:
            refs = [a.ref(plan.stack) for a in pending if a.provider == provider]
            observed.update(await self._engines.get(provider).read_many(refs))
        done: dict[str, Outcome] = {}
        for action in pending:
            ref = action.ref(plan.stack)
            seen = observed.get(ref.key)
            engine = self._engines.get(action.provider)
            if action.action == "delete":
                finished = seen is None
            else:
                matches = seen is not None and engine.diff(ref, action.after, seen).action == "noop"
                # A replace is done only if the resource is a new one, not the one it replaces.
                finished = matches and (
                    action.action != "replace" or seen is None or seen.external_id != action.external_id
                )
            if finished:
                recorder.adopted(action, seen)
                done[action.resource] = Outcome(action, "succeeded", seen)
        return done

    async def preflight(self, plan_id: str) -> list[PreflightRecord]:
        """Problems engines can see before the plan runs (a missing template, say)."""
        plan = await self._plans.get(plan_id)
        found: list[PreflightRecord] = []
        for provider in sorted({a.provider for a in plan.actions if a.action != "noop"}):
            engine = self._engines.get(provider)
            if not isinstance(engine, Preflight):
                continue
            changes = [a.change(plan.stack) for a in plan.actions if a.provider == provider and a.action != "noop"]
            for issue in await engine.preflight(changes):
                found.append(
                    {
                        "provider": provider,
                        "resource": issue.resource,
                        "message": issue.message,
                        "fixable": issue.fixable,
                        "data": issue.data,
                    }
                )
        return found

    async def fix(self, issue: PreflightRecord) -> str:
        """Have the engine fix one preflight issue (the workflow's Heal step); the event log says what it did."""
        engine = self._engines.get(str(issue["provider"]))
        if not isinstance(engine, Preflight) or not issue.get("fixable"):
            raise InvalidInputError(f"cannot fix: {issue['message']}")
        done = await engine.fix(PreflightIssue(issue["resource"], issue["message"], True, dict(issue["data"])))
        return done

    async def exists(self, deployment_id: str) -> bool:
        return await self._store.deployments.get(deployment_id) is not None

    async def verify(self, deployment_id: str) -> list[str]:
        """Read every resource of a finished deployment back and ask engines that can whether each is
        ready; a failure marks the deployment failed. Returns what is wrong (empty: all good)."""
        record = await self._store.deployments.get(deployment_id)
        if record is None:
            raise NotFoundError(f"no deployment '{deployment_id}'")
        plan = await self._plans.get(record.plan_id)
        problems: list[str] = []
        ready_checks: dict[str, bool] = {}  # per provider: a Protocol isinstance costs more than a read here
        for action in plan.actions:
            ref = action.ref(plan.stack)
            engine = self._engines.get(action.provider)
            seen = await engine.read(ref)
            if action.action == "delete":
                if seen is not None:
                    problems.append(f"{action.resource} should be gone but still exists")
                continue
            if seen is None or engine.diff(ref, action.after, seen).action != "noop":
                problems.append(f"{action.resource} does not match the plan")
                continue
            if action.provider not in ready_checks:
                ready_checks[action.provider] = isinstance(engine, Readiness)
            if ready_checks[action.provider]:
                reason = await cast(Readiness, engine).ready(ref)
                if reason is not None:
                    problems.append(f"{action.resource} is not ready: {reason}")
        if problems:
            error = "verification failed: " + "; ".join(problems)
            await self._store.deployments.mark(deployment_id, "failed", error)
            self._store.events.append(
                plan.stack,
                "deployment.verify_failed",
                error,
                actor=actor(self._settings),
                deployment_id=deployment_id,
                data={"problems": problems},
            )
        else:
            self._store.events.append(
                plan.stack,
                "deployment.verified",
                f"revision {record.revision} verified",
                actor=actor(self._settings),
                deployment_id=deployment_id,
            )
        await self._store.buffer.flush()
        return problems

    async def _begin(self, plan: Plan, deployment_id: str | None = None) -> tuple[str, int]:
        deployment_id = deployment_id or uuid.uuid4().hex
        # Still "running" while we hold the lock: their process died and nobody resumed them. Once this
        # deployment moves the stack on they can never continue, and history says so.
        unfinished = await self._store.deployments.running(plan.stack)
        async with self._store.db.engine.begin() as conn:
            revision = await self._store.stacks.advance(conn, plan.stack, plan.base_revision)
            await self._store.deployments.start(
                conn,
                DeploymentRecord(
                    deployment_id,
                    plan.stack,
                    revision,
                    plan.id,
                    plan.kind,
                    "running",
                    actor(self._settings),
                    utcnow(),
                    None,
                    plan.summary(),
                    None,
                    None,
                ),
            )
        for earlier in unfinished:
            await self.abandon(
                earlier, f"stack '{plan.stack}' moved on to revision {revision} (deployment {deployment_id})"
            )
        self._store.events.append(
            plan.stack,
            "deployment.started",
            f"revision {revision}: {plan.kind} plan {plan.id}",
            actor=actor(self._settings),
            deployment_id=deployment_id,
            data={"plan_id": plan.id, "hash": plan.hash},
        )
        return deployment_id, revision

    async def _execute(
        self,
        plan: Plan,
        recorder: DeploymentRecorder,
        parallelism: int | None,
        progress: ApplyProgress | None,
        lease: StackLease,
    ) -> ExecutionResult:
        settings = self._settings
        executor = Executor(
            plan.stack,
            self._engines.get,
            parallelism=parallelism or settings.parallelism,
            provider_parallelism=dict(settings.provider_parallelism),
            retry=RetryPolicy(settings.retry_attempts, settings.retry_base_delay_s, settings.retry_max_delay_s),
            observer=recorder,
            rng=random.Random(settings.fake_seed),
            guard=lease,
        )
        if progress is not None:
            progress.begin(sum(1 for a in plan.actions if a.action != "noop"))
        return await executor.run(plan.actions)

    async def _finish(
        self,
        plan: Plan,
        deployment_id: str,
        revision: int,
        result: ExecutionResult,
        started: float,
        lease: StackLease,
    ) -> DeploymentReport:
        status = "succeeded" if result.succeeded else "failed"
        failures: list[FailureRecord] = [
            {"resource": o.action.resource, "action": o.action.action, "status": o.status, "error": o.error}
            for o in result.outcomes.values()
            if o.status != "succeeded"
        ]
        summary = {**plan.summary(), **outcome_counts(result)}
        first_error = next((f["error"] for f in failures if f["status"] == "failed"), None)
        if lease.lost is not None:
            first_error = f"the stack's lock was lost ({lease.lost}); dispatch stopped" + (
                f"; {first_error}" if first_error else ""
            )
            status = "failed"
        await self._close(plan, deployment_id, revision, status, summary, first_error)
        elapsed = time.perf_counter() - started
        self._metrics.apply_duration.labels(plan.kind, status).observe(elapsed)
        return DeploymentReport(deployment_id, plan.stack, revision, status, summary, elapsed, failures)

    async def _close(
        self, plan: Plan, deployment_id: str, revision: int, status: str, summary: dict[str, int], error: str | None
    ) -> None:
        """Record the outcome: everything buffered, the resulting state as this revision's snapshot."""
        await self._store.buffer.flush()
        snapshot = [
            {"name": r.name, "type": r.type, "provider": r.provider, "specs": r.specs, "dependencies": r.dependencies}
            for r in await self._store.stacks.resources(plan.stack)
        ]
        if not await self._store.deployments.finish(deployment_id, status, summary, snapshot, error):
            await self._store.buffer.flush()
            return  # abandoned meanwhile (its lock was forced open and the stack moved on): that stands
        self._store.events.append(
            plan.stack,
            f"deployment.{status}",
            f"revision {revision} {status}" + (f": {error}" if error else ""),
            actor=actor(self._settings),
            deployment_id=deployment_id,
            data={"summary": summary},
        )
        await self._store.buffer.flush()


DONE_KEYS = {"create": "created", "update": "updated", "replace": "replaced", "delete": "deleted"}


def outcome_counts(result: ExecutionResult) -> dict[str, int]:
    """What happened, counted from outcomes (not from the plan): the summary people read."""
    counts = {done: 0 for done in DONE_KEYS.values()}
    for outcome in result.outcomes.values():
        if outcome.status == "succeeded" and outcome.action.action in DONE_KEYS:
            counts[DONE_KEYS[outcome.action.action]] += 1
    return {
        **counts,
        "succeeded": result.count("succeeded"),
        "failed": result.count("failed"),
        "skipped": result.count("skipped"),
    }
