"""The graph itself: nodes are thin calls into the services; edges decide what comes next.

```
validate → check ─┬─ problems (≤ 3 rounds) ─▶ heal ─▶ check
                  ├─ not cleared yet (an IPR) ─▶ approval ─(claimed)─▶ execute   (interrupt while waiting)
                  └─ cleared ─▶ execute ─▶ verify ─┬─ failed & auto_rollback ─▶ rollback ─▶ finish
                                                    └─▶ finish
```
Every node is safe to run again: LangGraph re-runs a node that was interrupted (by ``interrupt`` or
by the process dying), so execute resumes a deployment that already started instead of starting a
second one, and rollback continues the rollback deployment it started (its id is derived from the run's).

Expected endings are outcomes in the state, never exceptions, so a run always reaches ``finish`` and a
later resume finds it finished: ``succeeded``, ``failed``, ``rolled_back``, ``rejected`` (its IPR was
refused or closed), ``abandoned`` (the stack moved on under it), ``conflict`` (its lock was taken).
The stack's lock is not part of the state: the run use case (``runs.py``) holds it for the whole active
part of a run and hands the lease in through the config, so automatic rollback happens under the same
lock as the apply it undoes.
"""

from __future__ import annotations

import asyncio
import operator
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypedDict

from alma.lean_imports import LANGGRAPH_UNUSED, defer_package_bodies

defer_package_bodies(LANGGRAPH_UNUSED)  # before LangGraph is first imported: half of it is never used

from langchain_core.runnables import RunnableConfig  # noqa: E402
from langgraph.constants import END, START  # noqa: E402
from langgraph.graph.state import StateGraph  # noqa: E402
from langgraph.types import interrupt  # noqa: E402

from alma.errors import AlmaError, ConflictError, LockLostError, StalePlanError  # noqa: E402
from alma.services import DeploymentService, EngineService, IprService, PlanService, StackService  # noqa: E402
from alma.services.approvals import Clearance, clear_without_review  # noqa: E402
from alma.services.deployments import PreflightRecord  # noqa: E402
from alma.services.locking import StackLease  # noqa: E402
from alma.settings import Settings  # noqa: E402

MAX_CHECK_ROUNDS = 3
# The automatic rollback of a run is a deployment whose id is derived from the run's: a resumed run finds it.
_ROLLBACK_IDS = uuid.UUID("7d0c3c1e-2f5a-4f6e-9b1a-5a1a00000000")

Outcome = Literal["running", "waiting", "succeeded", "failed", "rolled_back", "rejected", "abandoned", "conflict"]
ProblemKind = Literal["drift", "engine", "preflight"]


class Problem(TypedDict):
    kind: ProblemKind
    text: str


class RunState(TypedDict, total=False):
    plan_id: str
    deployment_id: str  # the run's id; the deployment it starts has the same id
    stack: str
    ipr_id: int | None
    clearance: dict[str, Any] | None  # a Clearance as JSON: set when the run may execute
    approval: Literal["waiting", "granted", "refused"] | None
    parallelism: int | None
    rounds: int
    problems: list[Problem]
    issues: list[PreflightRecord]  # preflight issues engines found
    notes: Annotated[list[str], operator.add]
    report: dict[str, Any] | None
    verify_failures: list[str]
    rollback: dict[str, Any] | None
    rollback_verify_failures: list[str]
    outcome: Outcome
    error: str | None


@dataclass(frozen=True, slots=True)
class GraphServices:
    settings: Settings
    plans: PlanService
    deployments: DeploymentService
    iprs: IprService
    stacks: StackService
    engines: EngineService


def rollback_id(run_id: str) -> str:
    return uuid.uuid5(_ROLLBACK_IDS, run_id).hex


def _lease(config: RunnableConfig) -> StackLease | None:
    lease = config.get("configurable", {}).get("lease")
    return lease if isinstance(lease, StackLease) else None


def build_graph(services: GraphServices) -> StateGraph[RunState]:
    s = services

    async def validate(state: RunState) -> dict[str, Any]:
        plan = await s.plans.get(state["plan_id"])  # the hash is checked on load
        return {
            "stack": plan.stack,
            "deployment_id": state.get("deployment_id") or uuid.uuid4().hex,
            "rounds": 0,
            "outcome": "running",
            "notes": [f"validate: plan {plan.id} ({plan.kind} of '{plan.stack}', hash {plan.hash[:12]})"],
        }

    async def check(state: RunState) -> dict[str, Any]:
        if await s.deployments.exists(state["deployment_id"]):
            return {"problems": [], "notes": ["check: the deployment already started; resuming it"]}
        plan = await s.plans.get(state["plan_id"])
        problems: list[Problem] = []
        current = await s.stacks.revision(plan.stack)
        if current != plan.base_revision:
            problems.append(
                {"kind": "drift", "text": f"stack '{plan.stack}' moved from revision {plan.base_revision} to {current}"}
            )
        providers = {a.provider for a in plan.actions if a.action != "noop"}
        for status in await s.engines.statuses(providers):
            if not status.ok:
                problems.append({"kind": "engine", "text": f"engine {status.name} is unavailable: {status.detail}"})
        issues = await s.deployments.preflight(plan.id) if not problems else []
        problems += [{"kind": "preflight", "text": f"{i['resource']}: {i['message']}"} for i in issues]
        return {"problems": problems, "issues": issues, "rounds": state.get("rounds", 0) + 1}

    def after_check(state: RunState) -> Literal["heal", "approval", "execute"]:
        if state.get("problems"):
            return "heal"
        return "execute" if state.get("clearance") else "approval"

    async def heal(state: RunState) -> dict[str, Any]:
        notes: list[str] = []
        plan_id = state["plan_id"]
        clearance = state.get("clearance")
        for problem in state.get("problems", []):
            if problem["kind"] == "drift":
                plan = await s.plans.get(plan_id)
                fresh = await s.plans.replan(plan) if state.get("ipr_id") is None else None
                if fresh is None or _actions(fresh.as_json()) != _actions(plan.as_json()):
                    # What was reviewed or confirmed is no longer what would run: the run cannot go on.
                    hint = f" (`alma ipr revise {state['ipr_id']}`)" if state.get("ipr_id") is not None else ""
                    return _ended(
                        "abandoned",
                        f"{problem['text']}; the plan no longer describes what would happen: make a new plan{hint}",
                    )
                plan_id = fresh.id
                clearance = clear_without_review(fresh, s.settings).as_json()  # a new plan: decided anew
                notes.append(f"heal: {problem['text']}; harmless (re-planned as {fresh.id} with the same actions)")
            elif problem["kind"] == "engine":
                wait_s = min(2.0 ** state.get("rounds", 1), 10.0)
                notes.append(f"heal: {problem['text']}; waiting {wait_s:.0f}s for it to come back")
                await asyncio.sleep(wait_s)  # an outage may pass; bounded by MAX_CHECK_ROUNDS
        for issue in state.get("issues", []):
            if not issue["fixable"]:
                return _ended("failed", f"{issue['resource']}: {issue['message']} (not something ALMA can fix)")
            notes.append(f"heal: {issue['resource']}: {issue['message']}; {await s.deployments.fix(issue)}")
        if state.get("rounds", 0) >= MAX_CHECK_ROUNDS and state.get("problems"):
            return _ended("failed", "could not heal: " + "; ".join(p["text"] for p in state.get("problems", [])))
        return {"plan_id": plan_id, "clearance": clearance, "notes": notes}

    def after_heal(state: RunState) -> Literal["check", "finish"]:
        return "finish" if state.get("outcome") not in ("running", None) else "check"

    async def approval(state: RunState, config: RunnableConfig) -> dict[str, Any]:
        ipr_id = state.get("ipr_id")
        run_id = state["deployment_id"]
        if ipr_id is None:  # the run use case clears every run without an IPR before it starts
            return _ended("rejected", "this run has neither a clearance nor an IPR; nothing was applied")
        view = await s.iprs.show(ipr_id)
        if view.plan.id == state["plan_id"] and view.ipr.status in ("open", "changes_requested"):
            interrupt({"waiting_for": "approval", "ipr": ipr_id, "approvals": view.approvals, "needs": view.needs})
            view = await s.iprs.show(ipr_id)  # resumed: look again
        if view.plan.id != state["plan_id"]:  # approvals from now on are of another plan than this run's
            why = (
                f"IPR #{ipr_id} was revised (revision {view.ipr.revision}, plan {view.plan.id}) after this run was "
                f"made for plan {state['plan_id']}; nothing was applied: `alma ipr apply {ipr_id}` runs the "
                "revision its reviewers approve"
            )
            return {**_ended("rejected", why), "approval": "refused"}
        lease = _lease(config)
        if view.ipr.status in ("open", "changes_requested") or (view.ipr.status == "approved" and lease is None):
            return {"approval": "waiting", "outcome": "waiting"}  # back to the interrupt: nothing stored twice
        try:
            clearance = await s.iprs.claim(ipr_id, run_id, view)
        except StalePlanError as exc:  # superseded: the stack moved on under the review
            return {**_ended("abandoned", str(exc)), "approval": "refused"}
        except ConflictError as exc:  # applied already, or being applied by another run
            return {**_ended("conflict", str(exc)), "approval": "refused"}
        except AlmaError as exc:  # closed, rejected, no longer approved: refused, nothing ran
            return {**_ended("rejected", str(exc)), "approval": "refused"}
        return {
            "approval": "granted",
            "outcome": "running",
            "clearance": clearance.as_json(),
            "notes": [f"approval: IPR #{ipr_id} approved by {', '.join(view.approvals) or 'its reviewers'}"],
        }

    def after_approval(state: RunState) -> Literal["approval", "execute", "finish"]:
        decided = state.get("approval")
        if decided == "waiting":
            return "approval"
        return "execute" if decided == "granted" else "finish"

    async def execute(state: RunState, config: RunnableConfig) -> dict[str, Any]:
        progress = config.get("configurable", {}).get("progress")
        lease = _lease(config)
        deployment_id = state["deployment_id"]
        raw = state.get("clearance")
        if lease is None or raw is None:
            return _ended("conflict", "the run reached execute without holding the stack's lock or a clearance")
        try:
            if await s.deployments.exists(deployment_id):
                report = await s.deployments.resume(
                    deployment_id, lease=lease, parallelism=state.get("parallelism"), progress=progress
                )
            else:
                report = await s.deployments.apply(
                    state["plan_id"],
                    clearance=Clearance.from_json(raw),
                    lease=lease,
                    deployment_id=deployment_id,
                    parallelism=state.get("parallelism"),
                    progress=progress,
                )
        except StalePlanError as exc:  # a stale plan, or a deployment the stack moved on from
            return _ended("abandoned", str(exc))
        except ConflictError as exc:
            return _ended("conflict", str(exc))
        if lease.lost is not None:
            try:
                lease.require()
            except LockLostError as exc:
                return {**_ended("conflict", str(exc)), "report": report.as_json()}
        outcome = "succeeded" if report.status == "succeeded" else "failed"
        return {"report": report.as_json(), "outcome": outcome, "notes": [f"execute: {report.status}"]}

    def after_execute(state: RunState) -> Literal["verify", "finish"]:
        report = state.get("report") or {}
        return "verify" if state.get("outcome") == "succeeded" and report.get("deployment_id") else "finish"

    async def verify(state: RunState) -> dict[str, Any]:
        failures = await s.deployments.verify(state["deployment_id"])
        if not failures:
            return {"verify_failures": [], "notes": ["verify: every resource reads back as planned and is ready"]}
        return {
            "verify_failures": failures,
            "outcome": "failed",
            "notes": [f"verify: {len(failures)} problem(s)"],
            "error": "verification failed: " + "; ".join(failures),
        }

    def after_verify(state: RunState) -> Literal["rollback", "finish"]:
        return "rollback" if state.get("verify_failures") and s.settings.auto_rollback else "finish"

    async def rollback(state: RunState, config: RunnableConfig) -> dict[str, Any]:
        """Undo a deployment that failed verification, under the lock the run holds, then verify the
        rollback too: the report says what was restored and what still fails."""
        lease = _lease(config)
        if lease is None:
            return _ended("conflict", "automatic rollback needs the stack's lock, which the run no longer holds")
        undo_id = rollback_id(state["deployment_id"])
        earlier = await s.stacks.find_deployment(undo_id)
        try:
            if earlier is None:
                plan = await s.plans.plan_rollback(state["stack"], again=True)  # a failed rollback is undone too
                why = f"automatic rollback: verification of deployment {state['deployment_id']} failed"
                await s.deployments.apply(
                    plan.id,
                    clearance=Clearance(plan.id, "automatic_rollback", note=why),
                    lease=lease,
                    deployment_id=undo_id,
                )
            elif earlier.status == "running":  # the process died during the rollback: finish it
                await s.deployments.resume(undo_id, lease=lease)
        except ConflictError as exc:
            return _ended("conflict", f"automatic rollback could not run: {exc}")
        undone = await s.stacks.deployment(undo_id)
        target = (await s.plans.get(undone.plan_id)).target_revision
        still = await s.deployments.verify(undo_id) if undone.status == "succeeded" else []
        restored = undone.status == "succeeded" and not still
        body = {
            "deployment_id": undone.id,
            "revision": undone.revision,
            "target_revision": target,
            "status": "succeeded" if restored else "failed",
            "summary": undone.summary,
            "verify_failures": still,
            "error": undone.error,
        }
        return {
            "rollback": body,
            "rollback_verify_failures": still,
            "outcome": "rolled_back" if restored else "failed",
            "notes": [
                f"rollback: to revision {target} as revision {undone.revision}, {undone.status}"
                + (f"; still failing: {'; '.join(still)}" if still else "")
            ],
        }

    async def finish(state: RunState) -> dict[str, Any]:
        ipr_id = state.get("ipr_id")
        clearance = state.get("clearance") or {}
        if ipr_id is not None and clearance.get("by") == "ipr" and state.get("outcome") != "waiting":
            report = state.get("report") or {}
            outcome = state.get("outcome")
            status = {"succeeded": "applied", "abandoned": "superseded"}.get(str(outcome), "failed")
            if not report and outcome != "abandoned":
                status = "approved"  # nothing ran: still approved, apply again when ready
            await s.iprs.settle(
                ipr_id, state["deployment_id"], status, report.get("deployment_id"), report.get("revision")
            )
        if ipr_id is not None:  # the run is over: the IPR may get another (when it is still approved)
            await s.iprs.release_run(ipr_id, state["deployment_id"])
        return {}

    graph: StateGraph[RunState] = StateGraph(RunState)
    for name, node in (
        ("validate", validate),
        ("check", check),
        ("heal", heal),
        ("approval", approval),
        ("execute", execute),
        ("verify", verify),
        ("rollback", rollback),
        ("finish", finish),
    ):
        graph.add_node(name, node)
    graph.add_edge(START, "validate")
    graph.add_edge("validate", "check")
    graph.add_conditional_edges("check", after_check)
    graph.add_conditional_edges("heal", after_heal)
    graph.add_conditional_edges("approval", after_approval)
    graph.add_conditional_edges("execute", after_execute)
    graph.add_conditional_edges("verify", after_verify)
    graph.add_edge("rollback", "finish")
    graph.add_edge("finish", END)
    return graph


def _actions(plan_json: dict[str, Any]) -> list[Any]:
    return [{k: v for k, v in a.items() if k != "external_id"} for a in plan_json["actions"]]


def _ended(outcome: Outcome, error: str) -> dict[str, Any]:
    return {"outcome": outcome, "error": error, "problems": [], "notes": [f"{outcome}: {error}"]}
