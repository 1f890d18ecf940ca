"""The tools that change something, and how each is gated (absent in ``--read-only`` mode).

Only ``apply_plan`` changes infrastructure, and only by running a stored plan through the deployment
workflow, as ``alma apply`` does; it does so when ``gating.risk_of`` allows it: a plan that deletes or
replaces anything (or that the approval policy gates) needs an approved IPR, which no tool here can
approve; one that stops, restarts or shrinks something needs ``confirm=true``. Otherwise it opens or returns the
IPR to review, or asks for the confirmation, and does nothing. ``plan_blueprint``, ``control_resource``
and ``rollback`` only make (and store) plans; ``create_ipr`` opens a request for review. ``resume_run``
continues a run that stopped, as ``alma resume`` does; the run use case executes only a run that was cleared.

An apply outlives the request that started it (``Applies``): a client that disconnects, or cancels the
call, mid-apply would otherwise cancel the run between two steps, leaving it "running" under a lock its
live server still holds (neither ``alma resume`` nor ``force-unlock`` may take it until the lock expires)
with resources made but not recorded. The run finishes and records its outcome; the servers wait for the
runs in flight before they close the services.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import ToolAnnotations
from pydantic import Field

from alma.bootstrap import Services
from alma.contracts import DiagnosticOut, IprOut, PlanOut, RunOut
from alma.errors import InvalidInputError, RolledBackAlreadyError
from alma.mcp.failures import guarded
from alma.mcp.gating import next_step, risk_of
from alma.mcp.inputs import MAX_ID, Label, Text
from alma.mcp.progress import ToolProgress
from alma.mcp.reading import BlueprintPath, BlueprintSources, BlueprintText, StackName
from alma.mcp.schemas import ApplyOut, ApplyStatus, PlanReport
from alma.planning import Plan
from alma.services import IprView
from alma.workflow import RunResult

LIVE_IPRS = ("open", "approved", "changes_requested")
OUTCOMES: dict[str, ApplyStatus] = {
    o: o for o in ("succeeded", "failed", "rolled_back", "rejected", "waiting", "abandoned", "conflict")
}

# Stores a plan (and the blueprint's text as a new version): ALMA's records change, infrastructure does not.
PLANS = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True)
OPENS_IPR = ToolAnnotations(
    title="Open an Infrastructure Pull Request",
    read_only_hint=False,
    destructive_hint=False,
    idempotent_hint=False,
    open_world_hint=False,
)
APPLIES = ToolAnnotations(
    title="Apply a stored plan",
    read_only_hint=False,
    destructive_hint=True,  # it can delete, once an approved IPR says so
    idempotent_hint=False,
    open_world_hint=True,
)

RESUMES = ToolAnnotations(
    title="Resume a run",
    read_only_hint=False,
    destructive_hint=True,  # it finishes what an approved or confirmed plan began
    idempotent_hint=True,  # its work is done once, however often it is called
    open_world_hint=True,
)
RunId = Annotated[
    Text, Field(description="A run's id (apply_plan's run.run_id), or a unique start of it.", min_length=4)
]

T = TypeVar("T")
log = logging.getLogger(__name__)


class Applies:
    """The applies in flight, each a task of its own that the request awaits but cannot cancel."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        task = asyncio.get_running_loop().create_task(work)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        try:
            # The request's cancellation stops the wait here, not the run.
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            task.add_done_callback(_orphaned)  # nobody will read its outcome: the log does
            raise

    @property
    def running(self) -> int:
        return len(self._running)

    async def finished(self) -> None:
        """Return once no apply is in flight (the server is closing: let them record their outcome)."""
        while self._running:
            await asyncio.wait(set(self._running))


def _orphaned(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        # The run recorded its own outcome; this says it in the server's log, since its client left.
        log.warning("an apply whose client left ended with %s: %s", type(error).__name__, error)


PlanId = Annotated[Text, Field(description="A plan id, as returned by plan_blueprint, control_resource or rollback.")]


def register_change_tools(server: MCPServer, services: Services, applies: Applies, sources: BlueprintSources) -> None:
    settings = services.settings

    def report(plan: Plan, warnings: list[DiagnosticOut] | None = None, then: str | None = None) -> PlanReport:
        risk = risk_of(plan, settings)
        return PlanReport(
            plan=PlanOut.of(plan, rendered=True),
            risk=risk,
            warnings=warnings or [],
            next_step=next_step(plan, risk),
            then=then,
        )

    @server.tool(annotations=PLANS.model_copy(update={"title": "Plan a blueprint"}))
    @guarded
    async def plan_blueprint(
        ctx: Context[Any, Any], blueprint: BlueprintText = "", path: BlueprintPath = ""
    ) -> PlanReport:
        """Validate a blueprint, refresh what the engines see, and store the exact, hashed plan that
        applying it would run, with its risk (what applying it needs). Changes no infrastructure."""
        text, filename = await sources.read(blueprint, path)
        await ctx.report_progress(0, 2, "validating and refreshing")
        result = await services.plans.plan_blueprint(text, filename)
        await ctx.report_progress(2, 2, f"plan {result.plan.id} stored")
        return report(result.plan, [DiagnosticOut.of(w) for w in result.warnings])

    @server.tool(annotations=OPENS_IPR)
    @guarded
    async def create_ipr(
        plan_id: PlanId,
        title: Annotated[Label | None, Field(description="Default: a summary of the plan.")] = None,
        description: Text = "",
        reviewers: Annotated[list[Label] | None, Field(description="Who should review it.")] = None,
    ) -> IprOut:
        """Open an Infrastructure Pull Request for a stored plan. A person other than its author approves
        it (`alma ipr review ID --approve`); no tool can. Changes no infrastructure."""
        plan = await services.plans.get(plan_id)
        return IprOut.of(await services.iprs.create(plan, title, description, reviewers or []), rendered=True)

    @server.tool(annotations=APPLIES)
    @guarded
    async def apply_plan(
        ctx: Context[Any, Any],
        plan_id: PlanId,
        ipr_id: Annotated[
            int | None, Field(description="The approved IPR that holds this plan.", ge=1, le=MAX_ID)
        ] = None,
        confirm: Annotated[
            bool,
            Field(description="Needed for plans that stop, restart or shrink something, once a person saw the plan."),
        ] = False,
        parallelism: Annotated[int | None, Field(ge=1, le=1000, description="Actions at once (default 10).")] = None,
    ) -> ApplyOut:
        """Apply exactly a stored plan through the deployment workflow (validate, check, heal, execute,
        verify), with progress per resource. A plan that needs review runs only through an approved IPR:
        without one this opens (or returns) the IPR to review and changes nothing. A plan that stops,
        restarts or shrinks something (fewer cores, less memory…) needs confirm=true."""
        plan = await services.plans.get(plan_id)
        risk = risk_of(plan, settings)
        view: IprView | None = None
        if ipr_id is not None:
            view = await services.iprs.show(ipr_id)
            if view.plan.id != plan.id:
                raise InvalidInputError(
                    f"IPR #{ipr_id} holds plan {view.plan.id} (revision {view.ipr.revision}), not plan {plan.id}"
                )
        elif risk.gate == "ipr":
            view = await _ipr_for(services, plan)
        if risk.gate == "ipr" or view is not None:
            assert view is not None
            if view.ipr.status in ("open", "changes_requested"):
                return ApplyOut(
                    status="needs_approval",
                    message=(
                        f"nothing was applied: plan {plan.id} needs an approved IPR ({'; '.join(risk.reasons)}); "
                        f"IPR #{view.ipr.id} is {view.ipr.status.replace('_', ' ')} "
                        f"({len(view.approvals)}/{view.needs} approvals). A person other than {view.ipr.author} "
                        f"approves it with `alma ipr review {view.ipr.id} --approve`; then call apply_plan with "
                        f"plan_id={plan.id} and ipr_id={view.ipr.id}"
                    ),
                    plan_id=plan.id,
                    risk=risk,
                    ipr=IprOut.of(view, rendered=True),
                )
        elif risk.gate == "confirm" and not confirm:
            return ApplyOut(
                status="needs_confirmation",
                message=f"nothing was applied: {risk.reasons[0]}; {next_step(plan, risk)}",
                plan_id=plan.id,
                risk=risk,
            )
        through = view.ipr.id if view is not None else None
        # The one run use case decides the rest (an IPR that is applied, superseded or being applied is
        # refused there with the right advice) and claims the IPR inside the run.
        prepared = await services.runs.prepare(plan, ipr_id=through)
        async with ToolProgress.running(ctx) as progress:
            result = await applies.run(services.runs.start(prepared, parallelism=parallelism, progress=progress))
        assert isinstance(result, RunResult)  # inline: MCP never queues
        return await _answer(services, plan, result)

    @server.tool(annotations=RESUMES)
    @guarded
    async def resume_run(ctx: Context[Any, Any], run_id: RunId) -> ApplyOut:
        """Continue a run that stopped: its process died or its client left mid-apply, or it waited for
        its IPR's approval. It does its remaining work once, however often it is called; a run that still
        waits for approval, or has finished, is reported and nothing is done. Only a run that was cleared
        when it started (its IPR approved, or its plan needing none) changes anything."""
        async with ToolProgress.running(ctx) as progress:
            result = await applies.run(services.runs.resume(run_id, progress=progress))
        assert isinstance(result, RunResult)  # inline: MCP never queues
        if result.plan_id is None:
            raise InvalidInputError(f"run {run_id} names no stored plan; `alma history STACK` shows what it did")
        return await _answer(services, await services.plans.get(result.plan_id), result)

    @server.tool(annotations=PLANS.model_copy(update={"title": "Start, stop or restart a resource (plans it)"}))
    @guarded
    async def control_resource(
        stack: StackName,
        resource: Annotated[Text, Field(description="The resource's name.")],
        operation: Literal["start", "stop", "restart"],
    ) -> PlanReport:
        """Plan starting, stopping or restarting a resource: its recorded state with `start` set, planned like
        any blueprint. Nothing runs: apply the plan with apply_plan (stop and restart need confirm=true).
        Engines have no restart action: a restart is a stop plan now and a start plan after it ran (`then`)."""
        planned = await services.operations.plan(stack, resource, operation)
        then = "call control_resource again with operation=start" if planned.then == "start" else None
        return report(planned.plan, then=then)

    @server.tool(annotations=PLANS.model_copy(update={"title": "Plan a rollback"}))
    @guarded
    async def rollback(
        stack: StackName,
        to_revision: Annotated[
            int | None,
            Field(ge=0, le=MAX_ID, description="Revision to restore (default: the last one that succeeded)."),
        ] = None,
    ) -> PlanReport:
        """Plan restoring a stack to the state recorded at an earlier revision. Nothing runs: a rollback
        that deletes or replaces anything is applied only through an approved IPR (apply_plan opens it)."""
        try:
            return report(await services.plans.plan_rollback(stack, to_revision))
        except RolledBackAlreadyError as refused:
            raise refused.said(
                "to_revision",
                f"call rollback with to_revision (e.g. to_revision={refused.undone} restores revision "
                f"{refused.undone} on purpose; get_state and the stack's deployments show the revisions)",
            ) from refused


async def _answer(services: Services, plan: Plan, result: RunResult) -> ApplyOut:
    """What an apply or a resume did, in the tools' one shape."""
    run = RunOut.of(result)
    final = await services.iprs.show(result.ipr_id) if result.ipr_id is not None else None
    if result.nothing_done is not None:
        what = f"nothing was done: {result.nothing_done}"
    elif run.deployment_id is None and result.outcome == "succeeded":
        what = f"stack '{plan.stack}' no changes"
    elif run.revision is None:  # refused before it recorded anything (a stale plan): no revision to name
        what = f"stack '{plan.stack}' unchanged"
    else:
        what = f"stack '{plan.stack}' revision {run.revision}"
    return ApplyOut(
        status=OUTCOMES.get(result.outcome, "failed"),
        message=f"{result.outcome}: {what}" + (f": {result.error}" if result.error else ""),
        plan_id=plan.id,
        risk=risk_of(plan, services.settings),
        run=run,
        ipr=IprOut.of(final, rendered=True) if final is not None else None,
    )


async def _ipr_for(services: Services, plan: Plan) -> IprView:
    """The live IPR whose current revision holds ``plan`` (an approved one first), or a new one."""
    holding: list[IprView] = []
    for ipr in await services.iprs.find(stack=plan.stack):
        if ipr.status in LIVE_IPRS:
            view = await services.iprs.show(ipr.id)
            if view.plan.id == plan.id:
                holding.append(view)
    holding.sort(key=lambda v: (v.ipr.status != "approved", v.ipr.id))
    if holding:
        return holding[0]
    return await services.iprs.create(plan)
