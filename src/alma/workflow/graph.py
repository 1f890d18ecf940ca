"""The graph itself: nodes are thin calls into the services; edges decide what comes next.

```
validate → check ─┬─ problems (≤ 3 rounds) ─▶ heal ─▶ check
                  ├─ gated by policy ─▶ approval ─(approved)─▶ execute   (interrupt while waiting)
                  └─ clear ─▶ execute ─▶ verify ─┬─ failed & auto_rollback ─▶ rollback ─▶ finish
                                                  └─▶ finish
```
Every node is safe to run again: LangGraph re-runs a node that was interrupted (by ``interrupt`` or
by the process dying), so execute resumes a deployment that already started instead of starting a
second one.
"""

from __future__ import annotations

import asyncio
import operator
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

from alma.errors import ApprovalRequiredError, StalePlanError
from alma.services import DeploymentService, EngineService, IprService, PlanService, StackService
from alma.services.approvals import approval_reasons, how_to_open_an_ipr
from alma.settings import Settings

MAX_CHECK_ROUNDS = 3


class RunState(TypedDict, total=False):
    plan_id: str
    deployment_id: str
    stack: str
    ipr_id: int | None
    parallelism: int | None
    rounds: int
    problems: list[str]
    issues: list[dict[str, Any]]  # preflight issues engines found, as JSON
    gated: list[str]
    notes: Annotated[list[str], operator.add]
    report: dict[str, Any] | None
    verify_failures: list[str]
    rollback: dict[str, Any] | None
    outcome: str  # running | succeeded | failed | rejected | rolled_back
    error: str | None


@dataclass(frozen=True, slots=True)
class GraphServices:
    settings: Settings
    plans: PlanService
    deployments: DeploymentService
    iprs: IprService
    stacks: StackService
    engines: EngineService


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
            return {"problems": [], "gated": [], "notes": ["check: the deployment already started; resuming it"]}
        plan = await s.plans.get(state["plan_id"])
        problems: list[str] = []
        current = await s.stacks.revision(plan.stack)
        if current != plan.base_revision:
            problems.append(f"drift: stack '{plan.stack}' moved from revision {plan.base_revision} to {current}")
        providers = {a.provider for a in plan.actions if a.action != "noop"}
        for status in await s.engines.statuses(providers):
            if not status.ok:
                problems.append(f"engine {status.name} is unavailable: {status.detail}")
        issues = await s.deployments.preflight(plan.id) if not problems else []
        problems += [f"preflight: {i['resource']}: {i['message']}" for i in issues]
        gated = approval_reasons(plan, s.settings)
        return {"problems": problems, "issues": issues, "gated": gated, "rounds": state.get("rounds", 0) + 1}

    def after_check(state: RunState) -> Literal["heal", "approval", "execute"]:
        if state.get("problems"):
            return "heal"
        return "approval" if state.get("gated") else "execute"

    async def heal(state: RunState) -> dict[str, Any]:
        notes: list[str] = []
        plan_id = state["plan_id"]
        for problem in state.get("problems", []):
            if problem.startswith("drift:"):
                plan = await s.plans.get(plan_id)
                fresh = await s.plans.replan(plan) if state.get("ipr_id") is None else None
                if fresh is None or _actions(fresh.as_json()) != _actions(plan.as_json()):
                    # What was reviewed or confirmed is no longer what would run: refuse, as apply does.
                    raise StalePlanError(
                        f"{problem}; the plan no longer describes what would happen: make a new plan"
                        + (" (`alma ipr revise ID`)" if state.get("ipr_id") is not None else "")
                    )
                plan_id = fresh.id
                notes.append(f"heal: {problem}; harmless (re-planned as {fresh.id} with the same actions)")
            elif problem.startswith("preflight:"):
                continue  # fixed below, issue by issue
            elif problem.startswith("engine "):
                wait_s = min(2.0 ** state.get("rounds", 1), 10.0)
                notes.append(f"heal: {problem}; waiting {wait_s:.0f}s for it to come back")
                await asyncio.sleep(wait_s)  # an outage may pass; bounded by MAX_CHECK_ROUNDS
        for issue in state.get("issues", []):
            if not issue["fixable"]:
                return _failed(f"{issue['resource']}: {issue['message']} (not something ALMA can fix)")
            notes.append(f"heal: {issue['resource']}: {issue['message']}; {await s.deployments.fix(issue)}")
        if state.get("rounds", 0) >= MAX_CHECK_ROUNDS and state.get("problems"):
            return _failed("could not heal: " + "; ".join(state.get("problems", [])))
        return {"plan_id": plan_id, "notes": notes}

    def after_heal(state: RunState) -> Literal["check", "finish"]:
        return "finish" if state.get("outcome") == "failed" else "check"

    async def approval(state: RunState) -> dict[str, Any]:
        ipr_id = state.get("ipr_id")
        plan = await s.plans.get(state["plan_id"])
        if ipr_id is None:
            raise ApprovalRequiredError(
                f"plan {plan.id} needs an approved Infrastructure Pull Request ({'; '.join(state.get('gated', []))}): "
                f"open one with `{how_to_open_an_ipr(plan)}`, have someone else approve it, then `alma ipr apply ID`"
            )
        view = await s.iprs.show(ipr_id)
        if view.ipr.status in ("open", "changes_requested"):
            interrupt({"waiting_for": "approval", "ipr": ipr_id, "approvals": view.approvals, "needs": view.needs})
            view = await s.iprs.show(ipr_id)  # resumed: look again
        if view.ipr.status == "approved":
            await s.iprs.begin_apply(ipr_id)
            return {"notes": [f"approval: IPR #{ipr_id} approved by {', '.join(view.approvals)}"]}
        if view.ipr.status == "applying":
            return {"notes": [f"approval: IPR #{ipr_id} already applying"]}
        if view.ipr.status in ("open", "changes_requested"):
            return {"outcome": "waiting"}
        return {"outcome": "rejected", "error": f"IPR #{ipr_id} is {view.ipr.status}; nothing was applied"}

    def after_approval(state: RunState) -> Literal["approval", "execute", "finish"]:
        outcome = state.get("outcome")
        if outcome == "waiting":
            return "approval"
        return "finish" if outcome == "rejected" else "execute"

    async def execute(state: RunState, config: RunnableConfig) -> dict[str, Any]:
        progress = config.get("configurable", {}).get("progress")
        deployment_id = state["deployment_id"]
        try:
            if await s.deployments.exists(deployment_id):
                report = await s.deployments.resume(
                    deployment_id, parallelism=state.get("parallelism"), progress=progress
                )
            else:
                report = await s.deployments.apply(
                    state["plan_id"],
                    deployment_id=deployment_id,
                    parallelism=state.get("parallelism"),
                    progress=progress,
                )
        except StalePlanError as exc:
            return _failed(str(exc))
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

    async def rollback(state: RunState) -> dict[str, Any]:
        plan = await s.plans.plan_rollback(state["stack"])
        report = await s.deployments.apply(
            plan.id, preapproved_by=f"automatic rollback: verification of deployment {state['deployment_id']} failed"
        )
        return {
            "rollback": report.as_json(),
            "outcome": "rolled_back" if report.status == "succeeded" else "failed",
            "notes": [f"rollback: to revision {plan.target_revision}, {report.status}"],
        }

    async def finish(state: RunState) -> dict[str, Any]:
        ipr_id = state.get("ipr_id")
        if ipr_id is not None and state.get("outcome") not in ("rejected", "waiting"):
            report = state.get("report") or {}
            status = "applied" if state.get("outcome") == "succeeded" else "failed"
            if not report:
                status = "approved"  # nothing ran
            await s.iprs.finish_apply(ipr_id, status, report.get("deployment_id"), report.get("revision"))
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


def _failed(error: str) -> dict[str, Any]:
    return {"outcome": "failed", "error": error, "problems": [], "notes": [f"failed: {error}"]}
