"""Applying a stored plan: lock the stack, advance its revision, execute, record, release.

Apply never re-derives anything from a blueprint: it loads the plan by id, checks its hash (and the
hash the caller saw, when given) and the stack revision it was made against, and runs its actions.

This module is longer than most: apply, resume and verify are one deployment's lifecycle and share its
recording; the lock is in ``locking.py``, the recorder in ``recording.py``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
import uuid
from dataclasses import dataclass
from typing import Any

from alma.engines import EngineRegistry, Observed, Preflight, PreflightIssue, Readiness
from alma.errors import (
    ApprovalRequiredError,
    ConflictError,
    InvalidInputError,
    PlanTamperedError,
    StalePlanError,
)
from alma.planning import ExecutionResult, Executor, Outcome, Plan, RetryPolicy
from alma.services.actor import actor
from alma.services.approvals import approval_reasons, how_to_open_an_ipr
from alma.services.locking import StackLocks
from alma.services.metrics import DomainMetrics
from alma.services.plans import PlanService
from alma.services.recording import ApplyProgress, DeploymentRecorder
from alma.settings import Settings
from alma.store import DeploymentRecord, Store, utcnow


@dataclass(frozen=True, slots=True)
class DeploymentReport:
    deployment_id: str | None
    stack: str
    revision: int
    status: str  # succeeded | failed
    summary: dict[str, int]
    elapsed_s: float
    failures: list[dict[str, Any]]

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
        self._locks = StackLocks(settings, store)

    async def apply(
        self,
        plan_id: str,
        *,
        parallelism: int | None = None,
        expected_hash: str | None = None,
        progress: ApplyProgress | None = None,
        deployment_id: str | None = None,
        preapproved_by: str | None = None,
    ) -> DeploymentReport:
        """Apply a stored plan. ``deployment_id`` lets a workflow name the deployment before it starts
        (so a resumed workflow finds it); ``preapproved_by`` records why the approval policy is waived
        (only the workflow's automatic rollback uses it, and the event log says so)."""
        started = time.perf_counter()
        plan = await self._plans.get(plan_id)
        if expected_hash is not None and expected_hash != plan.hash:
            raise PlanTamperedError(f"the plan file does not match stored plan {plan_id} (hash differs); refused")
        if preapproved_by is None:
            await self.require_approval(plan)
        else:
            self._store.events.append(
                plan.stack,
                "approval.waived",
                f"plan {plan.id} applied without an IPR: {preapproved_by}",
                actor=actor(self._settings),
                data={"plan_id": plan.id, "hash": plan.hash},
            )
        async with self._locks.held(plan.stack, f"{plan.kind} plan {plan.id}"):
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
                result = await self._execute(plan, recorder, parallelism, progress)
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
            return await self._finish(plan, deployment_id, revision, result, started)

    async def resume(
        self, deployment_id: str, *, parallelism: int | None = None, progress: ApplyProgress | None = None
    ) -> DeploymentReport:
        """Finish a deployment whose process died: same plan, same revision, nothing done twice.

        Actions whose result is already there (read back through the engines, found by their
        ownership marker) are recorded as adopted; only the rest run."""
        started = time.perf_counter()
        record = await self._store.deployments.get(deployment_id)
        if record is None:
            raise InvalidInputError(f"no deployment '{deployment_id}'")
        if record.status != "running":
            raise ConflictError(f"deployment {deployment_id} already {record.status}; nothing to resume")
        plan = await self._plans.get(record.plan_id)
        async with self._locks.held(plan.stack, f"resume deployment {deployment_id}", take_over_dead=True):
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
            result = await self._execute(dataclasses.replace(plan, actions=remaining), recorder, parallelism, progress)
            result.outcomes.update(done)
            return await self._finish(plan, deployment_id, record.revision, result, started)

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

    async def preflight(self, plan_id: str) -> list[dict[str, Any]]:
        """Problems engines can see before the plan runs (a missing template, say), as JSON."""
        plan = await self._plans.get(plan_id)
        found: list[dict[str, Any]] = []
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

    async def fix(self, issue: dict[str, Any]) -> str:
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
            raise InvalidInputError(f"no deployment '{deployment_id}'")
        plan = await self._plans.get(record.plan_id)
        problems: list[str] = []
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
            if isinstance(engine, Readiness):
                reason = await engine.ready(ref)
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

    async def require_approval(self, plan: Plan) -> None:
        """A plan the policy gates runs only as the current revision of an IPR that is being applied."""
        reasons = approval_reasons(plan, self._settings)
        if not reasons:
            return
        ipr = await self._store.iprs.approving_plan(plan.id)
        if ipr is None:
            raise ApprovalRequiredError(
                f"plan {plan.id} needs an approved Infrastructure Pull Request ({'; '.join(reasons)}): "
                f"open one with `{how_to_open_an_ipr(plan)}`, have someone else approve it, "
                "then run `alma ipr apply ID`"
            )

    async def _begin(self, plan: Plan, deployment_id: str | None = None) -> tuple[str, int]:
        deployment_id = deployment_id or uuid.uuid4().hex
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
        )
        if progress is not None:
            progress.begin(sum(1 for a in plan.actions if a.action != "noop"))
        return await executor.run(plan.actions)

    async def _finish(
        self, plan: Plan, deployment_id: str, revision: int, result: ExecutionResult, started: float
    ) -> DeploymentReport:
        status = "succeeded" if result.succeeded else "failed"
        failures = [
            {"resource": o.action.resource, "action": o.action.action, "status": o.status, "error": o.error}
            for o in result.outcomes.values()
            if o.status != "succeeded"
        ]
        summary = {
            **plan.summary(),
            "succeeded": result.count("succeeded"),
            "failed": result.count("failed"),
            "skipped": result.count("skipped"),
        }
        first_error = next((f["error"] for f in failures if f["status"] == "failed"), None)
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
        await self._store.deployments.finish(deployment_id, status, summary, snapshot, error)
        self._store.events.append(
            plan.stack,
            f"deployment.{status}",
            f"revision {revision} {status}" + (f": {error}" if error else ""),
            actor=actor(self._settings),
            deployment_id=deployment_id,
            data={"summary": summary},
        )
        await self._store.buffer.flush()
