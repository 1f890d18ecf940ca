"""The one way to apply: every surface (CLI, API, MCP, chat, the worker) starts and resumes runs here.

``prepare`` decides once whether a plan may run and how: not gated (a clearance now), through its IPR
(claimed inside the run, under the stack's lock, once approved), or refused with a typed error that
says what to do. ``start`` runs it in this process or queues it for ``alma worker``. ``resume``
continues a run any number of times safely: it says the run is still waiting, finished or abandoned,
or it continues it exactly once (the stack's lock is the proof: a second resume at the same moment is
told who holds it).

The stack's lock is held by the run for its whole active part — checks, execute, verify and automatic
rollback — so nothing else can change the stack between an apply and the rollback that undoes it, and a
run whose IPR merely waits holds nothing.

An IPR has one run at a time: a run claims its IPR in the store before it starts (compare-and-set, so of
two applies at the same instant one wins), and every later apply of that IPR — ``--when-approved`` or
not, from any surface — is told that run, or continues it once it may run. It is never a second run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alma.errors import ConflictError, InvalidInputError, NotFoundError, PlanTamperedError, RunAbandonedError
from alma.planning import Plan
from alma.services import ApplyProgress, DeploymentReport, DeploymentService, IprService, PlanService, StackService
from alma.services.actor import actor
from alma.services.approvals import Clearance, clear_without_review
from alma.services.iprs import REVIEWABLE, IprView
from alma.services.stacks import id_named
from alma.settings import Settings
from alma.workflow.result import RunResult
from alma.workflow.runner import RunSnapshot, WorkflowService

if TYPE_CHECKING:
    from alma.jobs import JobQueue, QueuedRun
    from alma.store import RunClaim


@dataclass(frozen=True, slots=True)
class PreparedRun:
    """A plan that may run: cleared now (no review needed), or through its IPR (``ipr`` set)."""

    plan: Plan
    clearance: Clearance | None
    ipr: IprView | None

    @property
    def waits_for_approval(self) -> bool:
        return self.ipr is not None and self.ipr.ipr.status in REVIEWABLE


class Runs:
    def __init__(
        self,
        settings: Settings,
        plans: PlanService,
        deployments: DeploymentService,
        iprs: IprService,
        stacks: StackService,
        workflow: WorkflowService,
        jobs: JobQueue | None = None,
    ) -> None:
        self._settings = settings
        self._plans = plans
        self._deployments = deployments
        self._iprs = iprs
        self._stacks = stacks
        self._workflow = workflow
        self._jobs = jobs

    async def prepare(
        self,
        plan: Plan | str,
        *,
        ipr_id: int | None = None,
        expected_hash: str | None = None,
        when_approved: bool = False,
    ) -> PreparedRun:
        """Decide whether (and how) a stored plan may run; refuse with what to do when it may not."""
        if isinstance(plan, str):
            plan = await self._plans.get(plan)
        if expected_hash is not None and expected_hash != plan.hash:
            raise PlanTamperedError(f"the plan file does not match stored plan {plan.id} (hash differs); refused")
        if ipr_id is None:
            await self._deployments.refuse_applied(plan)
            return PreparedRun(plan, clear_without_review(plan, self._settings), None)
        view = await self._iprs.show(ipr_id)
        if view.plan.id != plan.id:
            raise InvalidInputError(
                f"IPR #{ipr_id} holds plan {view.plan.id} (revision {view.ipr.revision}), not plan {plan.id}"
            )
        self._iprs.require_applicable(view, when_approved)  # says it better than "the plan ran already"
        await self._deployments.refuse_applied(plan)
        return PreparedRun(plan, None, view)

    async def start(
        self,
        prepared: PreparedRun,
        *,
        parallelism: int | None = None,
        progress: ApplyProgress | None = None,
        queue: bool = False,
        run_id: str | None = None,
    ) -> RunResult | QueuedRun:
        """Run a prepared plan here, or (``queue`` and a queue is configured) as a job for a worker."""
        plan = prepared.plan
        ipr_id = prepared.ipr.ipr.id if prepared.ipr is not None else None
        run_id = run_id or uuid.uuid4().hex
        if ipr_id is None:
            return await self._started(prepared, run_id, parallelism, progress, queue)
        held = await self._claim(ipr_id, run_id, plan, progress, queue)
        if held is not None:  # the IPR has its run already: this call is told it (or continued it)
            return held
        try:
            return await self._started(prepared, run_id, parallelism, progress, queue)
        except BaseException:
            # Refused before it began (the stack locked, the queue down): the IPR must not stay claimed by a
            # run that does not exist. One that began keeps it: resuming it is how it goes on.
            if await self._workflow.snapshot(run_id) is None:
                await self._iprs.release_run(ipr_id, run_id)
            raise

    async def _started(
        self,
        prepared: PreparedRun,
        run_id: str,
        parallelism: int | None,
        progress: ApplyProgress | None,
        queue: bool,
    ) -> RunResult | QueuedRun:
        plan = prepared.plan
        ipr_id = prepared.ipr.ipr.id if prepared.ipr is not None else None
        if queue and self._jobs is not None:
            return await self._jobs.submit_apply(
                plan.id, plan.stack, actor(self._settings), ipr_id=ipr_id, deployment_id=run_id
            )
        if prepared.waits_for_approval:  # nothing can change yet: it records the run and waits, lock-free
            return await self._workflow.run(
                plan.id, run_id, stack=plan.stack, ipr_id=ipr_id, clearance=None, lease=None, parallelism=parallelism
            )
        reason = f"run {run_id}: {plan.kind} plan {plan.id}"
        async with self._deployments.locks.held(plan.stack, reason) as lease:
            return await self._workflow.run(
                plan.id,
                run_id,
                stack=plan.stack,
                ipr_id=ipr_id,
                clearance=prepared.clearance,
                lease=lease,
                parallelism=parallelism,
                progress=progress,
            )

    async def apply(
        self,
        plan: Plan | str,
        *,
        ipr_id: int | None = None,
        expected_hash: str | None = None,
        when_approved: bool = False,
        parallelism: int | None = None,
        progress: ApplyProgress | None = None,
        queue: bool = False,
    ) -> RunResult | QueuedRun:
        prepared = await self.prepare(plan, ipr_id=ipr_id, expected_hash=expected_hash, when_approved=when_approved)
        return await self.start(prepared, parallelism=parallelism, progress=progress, queue=queue)

    async def resume(
        self, run_id: str, *, progress: ApplyProgress | None = None, queue: bool = False
    ) -> RunResult | QueuedRun:
        """Continue a run where it stopped — as often as asked, doing its work once. ``run_id`` may be a
        unique start of the id (tables shorten ids)."""
        run_id = await self.run_named(run_id)
        snapshot = await self._workflow.snapshot(run_id)
        record = await self._stacks.find_deployment(run_id)
        if snapshot is None:
            return await self._resume_bare(run_id, progress)
        if snapshot.finished:
            return snapshot.result(run_id, f"run {run_id} had already finished; nothing was done")
        if record is not None and record.status == "abandoned":
            await self._end_abandoned(run_id, snapshot, record.error or "abandoned")
        executable = True
        if snapshot.waiting is not None and snapshot.ipr_id is not None:
            view = await self._iprs.show(snapshot.ipr_id)
            revised = view.plan.id != snapshot.plan_id  # it waits for a revision that is no longer the IPR's
            if view.ipr.status in REVIEWABLE and not revised:
                waiting = {**snapshot.waiting, "approvals": view.approvals, "needs": view.needs}
                return snapshot.result(run_id, "still waiting for approval; nothing was done", waiting)
            executable = not revised and (
                view.ipr.status == "approved" or (view.ipr.status == "applying" and view.ipr.deployment_id == run_id)
            )
        if not executable:  # its IPR was refused, closed, superseded or revised: the run records that and ends
            return await self._workflow.resume(run_id, lease=None, progress=progress)
        if queue and self._jobs is not None:
            return await self._jobs.submit_apply(
                snapshot.plan_id, snapshot.stack, actor(self._settings), ipr_id=snapshot.ipr_id, deployment_id=run_id
            )
        reason = f"run {run_id}: resumed"
        async with self._deployments.locks.held(snapshot.stack, reason, take_over_dead=True, run_id=run_id) as lease:
            # Looked at again under the lock: another resume may have finished or moved the run meanwhile.
            record = await self._stacks.find_deployment(run_id)
            if record is not None and record.status == "running":
                try:
                    await self._deployments.refuse_moved_on(record)
                except RunAbandonedError as exc:
                    await self._end_abandoned(run_id, snapshot, str(exc))
            return await self._workflow.resume(run_id, lease=lease, progress=progress)

    async def run_queued(self, plan_id: str, run_id: str, ipr_id: int | None) -> RunResult:
        """What a queued job does, as often as it is run: start the run, or continue it where it stopped."""
        if await self._workflow.snapshot(run_id) is not None or await self._stacks.find_deployment(run_id):
            outcome = await self.resume(run_id)
        else:
            prepared = await self.prepare(plan_id, ipr_id=ipr_id, when_approved=True)
            outcome = await self.start(prepared, run_id=run_id)
        assert isinstance(outcome, RunResult)  # inline: never queued again
        return outcome

    async def _resume_bare(self, run_id: str, progress: ApplyProgress | None) -> RunResult:
        """A deployment with no run checkpoint (one started outside the workflow, e.g. by an import)."""
        record = await self._stacks.find_deployment(run_id)
        if record is None:
            raise NotFoundError(f"no run or deployment '{run_id}' to resume; `alma history STACK` lists deployments")
        if record.status == "abandoned":
            raise RunAbandonedError(f"deployment {run_id} was abandoned ({record.error}); make a new plan")
        if record.status != "running":
            recorded = DeploymentReport(
                record.id, record.stack, record.revision, record.status, dict(record.summary), 0.0, []
            )
            return RunResult(
                run_id,
                "succeeded" if record.status == "succeeded" else "failed",
                recorded,
                nothing_done=f"deployment {run_id} had already finished ({record.status}); nothing was done",
                error=record.error,
                stack=record.stack,
                plan_id=record.plan_id,
            )
        report = await self._deployments.resume(run_id, progress=progress)
        outcome = "succeeded" if report.status == "succeeded" else "failed"
        return RunResult(run_id, outcome, report, stack=record.stack, plan_id=record.plan_id)

    async def run_named(self, ref: str) -> str:
        """The run (or deployment) that ``ref`` names: its id, or a unique start of it. A start shared by
        several is an error listing them; one naming none says where run ids are listed."""
        if await self._workflow.snapshot(ref) is not None or await self._stacks.find_deployment(ref) is not None:
            return ref
        ids = await self._workflow.run_ids()
        for stack in await self._stacks.stacks():  # deployments made outside a run (an import) have no checkpoint
            ids += [d.id for d in await self._stacks.history(stack.name)]
        return id_named(
            ref,
            ids,
            what="runs",
            missing=f"no run or deployment '{ref}' to resume; `alma history STACK` lists them (ID column)",
        )

    async def _claim(
        self, ipr_id: int, run_id: str, plan: Plan, progress: ApplyProgress | None, queue: bool
    ) -> RunResult | QueuedRun | None:
        """Make ``run_id`` the IPR's one run (None), or answer with the run that is: still waiting (told),
        or waiting no longer (continued here, once). A claim whose run ended, or never began, is taken over."""
        over: str | None = None
        for _ in range(3):  # taken over by someone else at the same moment: look at the new holder
            claim = await self._iprs.claim_run(ipr_id, run_id, over=over)
            if claim is None:
                return None
            answer = await self._answer_for(ipr_id, claim, plan, progress, queue)
            if answer is not None:
                return answer
            over = claim.run_id
        raise ConflictError(f"IPR #{ipr_id}'s run keeps changing hands; look again with `alma ipr show {ipr_id}`")

    async def _answer_for(
        self, ipr_id: int, claim: RunClaim, plan: Plan, progress: ApplyProgress | None, queue: bool
    ) -> RunResult | QueuedRun | None:
        """What another apply of the IPR is told about the run ``claim`` names; None when that run is over
        (ended, made for an earlier revision, or never begun) and may be replaced."""
        held_by = claim.run_id
        note = f"IPR #{ipr_id} has a run already ({held_by}); no second run was started"
        snapshot = await self._workflow.snapshot(held_by)
        if snapshot is not None and (snapshot.finished or snapshot.plan_id != plan.id):
            return None
        # A start that died before its first checkpoint (or a job no worker took) is given up after a lock's life.
        age = dt.datetime.now(dt.UTC) - claim.claimed_at
        if snapshot is None and age > dt.timedelta(seconds=self._settings.lock_ttl_s):
            return None
        if snapshot is None or snapshot.waiting is None:
            # Its process is starting it (or a worker has yet to): continuing it from here too would run its
            # steps twice.
            view = await self._iprs.show(ipr_id)
            if view.ipr.status in REVIEWABLE:
                waiting = {"waiting_for": "approval", "ipr": ipr_id, "approvals": view.approvals, "needs": view.needs}
                return _told(held_by, "waiting", plan, ipr_id, note, waiting=waiting)
            if snapshot is None:
                error = f"IPR #{ipr_id} is being applied by run {held_by}; follow it with `alma resume {held_by}`"
                return _told(held_by, "conflict", plan, ipr_id, note, error=error)
        result = await self.resume(held_by, progress=progress, queue=queue)  # a dead run is taken over there
        if isinstance(result, RunResult) and result.outcome == "waiting":
            note = f"IPR #{ipr_id} has a run waiting for its approval already ({held_by}); no second run was started"
            return dataclasses.replace(result, nothing_done=note)
        return result

    async def _end_abandoned(self, run_id: str, snapshot: RunSnapshot, reason: str) -> None:
        """The stack moved on under a run: record it as ended (later resumes say so), settle its IPR,
        and refuse with the reason (exit 4)."""
        await self._workflow.end(run_id, "abandoned", reason)
        if snapshot.ipr_id is not None:
            await self._iprs.settle(snapshot.ipr_id, run_id, "superseded", None, None)
            await self._iprs.release_run(snapshot.ipr_id, run_id)
        await self._deployments.locks.release_dead_run(snapshot.stack, run_id, "its run was abandoned")
        raise RunAbandonedError(reason)


def _told(
    run_id: str,
    outcome: str,
    plan: Plan,
    ipr_id: int,
    note: str,
    *,
    waiting: dict[str, object] | None = None,
    error: str | None = None,
) -> RunResult:
    """The answer about another run of the IPR that cannot be looked at further yet (it is starting)."""
    return RunResult(
        run_id,
        outcome,
        None,
        error=error,
        waiting_for=waiting,
        nothing_done=note,
        stack=plan.stack,
        plan_id=plan.id,
        ipr_id=ipr_id,
    )


__all__ = ["PreparedRun", "Runs"]
