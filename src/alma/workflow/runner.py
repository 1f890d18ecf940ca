"""Running the graph: one thread per run, checkpointed in SQLite (or PostgreSQL), resumable by id.

This is the graph's engine room; ``runs.py`` is the use case every surface calls. A run's id is its
LangGraph thread id and the id of the deployment it starts.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alma.lean_imports import LANGGRAPH_UNUSED, defer_package_bodies

defer_package_bodies(LANGGRAPH_UNUSED)  # before LangGraph is first imported: half of it is never used

from langgraph.checkpoint.base import BaseCheckpointSaver  # noqa: E402
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver  # noqa: E402
from langgraph.graph.state import CompiledStateGraph  # noqa: E402
from langgraph.types import Command  # noqa: E402

from alma.errors import NotFoundError  # noqa: E402
from alma.services import ApplyProgress  # noqa: E402
from alma.services.approvals import Clearance  # noqa: E402
from alma.services.deployments import DeploymentReport  # noqa: E402
from alma.services.locking import StackLease  # noqa: E402
from alma.workflow.graph import GraphServices, RunState, build_graph  # noqa: E402
from alma.workflow.result import RunResult  # noqa: E402

_META_PLAN, _META_STACK, _META_IPR = "alma_plan_id", "alma_stack", "alma_ipr_id"


@dataclass(frozen=True, slots=True)
class RunSnapshot:
    """Where a run stands according to its last checkpoint. ``plan_id``, ``stack`` and ``ipr_id`` come
    from the checkpoint's metadata, written with the very first checkpoint: a run killed before its
    first node ran has no state yet, but still says what it is."""

    values: dict[str, Any]
    finished: bool
    waiting: dict[str, Any] | None  # what it waits for, when it is paused at the approval interrupt
    plan_id: str
    stack: str
    ipr_id: int | None

    def result(self, run_id: str, note: str, waiting: dict[str, Any] | None = None) -> RunResult:
        """The run as it stands, for a call that did nothing: what it is (stack, plan, IPR) comes from the
        checkpoint's metadata, so a run that ended before it made a deployment still says so."""
        return result_of(run_id, self.values, waiting, note, stack=self.stack, plan_id=self.plan_id, ipr_id=self.ipr_id)


_CHECKPOINT_SETUP_LOCK = 0x616C6D61_63686B70  # "almachkp": one process at a time sets LangGraph's tables up


async def _set_up_once(saver: Any, postgres_url: str) -> None:
    """LangGraph's own tables, created once and kept current by it. Its setup is not safe to run twice at
    once (two workers' first jobs on a new database: a duplicate migration row, and the job was lost), so one
    process at a time runs it. The lock is *tried*, not waited for: a session waiting inside
    ``pg_advisory_lock`` would hold a snapshot that the holder's ``CREATE INDEX CONCURRENTLY`` waits for."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as guard:
        while True:
            taken = await (await guard.execute("SELECT pg_try_advisory_lock(%s)", (_CHECKPOINT_SETUP_LOCK,))).fetchone()
            if taken is not None and taken[0]:
                break
            await asyncio.sleep(0.05)  # another process is setting the tables up: a moment, then look again
        await saver.setup()  # the lock ends with the guard's session


class WorkflowService:
    """Checkpoints go to PostgreSQL when ALMA's database is PostgreSQL (so any worker can resume a run),
    otherwise to a SQLite file beside the embedded database."""

    def __init__(self, services: GraphServices, checkpoints: Path, postgres_url: str | None = None) -> None:
        self._services = services
        self._checkpoints = checkpoints
        self._postgres_url = postgres_url
        self._postgres_ready = False
        self._graph = build_graph(services)

    @asynccontextmanager
    async def _saver(self) -> AsyncIterator[BaseCheckpointSaver[Any]]:
        if self._postgres_url is not None:
            from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver  # only deployments on PostgreSQL

            async with AsyncPostgresSaver.from_conn_string(self._postgres_url) as saver:
                if not self._postgres_ready:
                    await _set_up_once(saver, self._postgres_url)
                    self._postgres_ready = True
                yield saver
            return
        self._checkpoints.parent.mkdir(parents=True, exist_ok=True)
        async with AsyncSqliteSaver.from_conn_string(str(self._checkpoints)) as saver:
            yield saver

    @asynccontextmanager
    async def _compiled(self) -> AsyncIterator[CompiledStateGraph[RunState]]:
        async with self._saver() as saver:
            yield self._graph.compile(checkpointer=saver)

    async def run_ids(self, *, ipr_id: int | None = None) -> list[str]:
        """The ids of the runs that have a checkpoint, oldest first: all of them, or those started for one
        IPR. Only each invocation's first checkpoint is read (LangGraph marks it ``source: input``), not
        every step of every run."""
        where: dict[str, Any] = {"source": "input"} if ipr_id is None else {"source": "input", _META_IPR: ipr_id}
        async with self._saver() as saver:
            found = [str(t.config["configurable"]["thread_id"]) async for t in saver.alist(None, filter=where)]
        return list(dict.fromkeys(reversed(found)))  # LangGraph lists the newest first

    async def run(
        self,
        plan_id: str,
        run_id: str,
        *,
        stack: str,
        ipr_id: int | None,
        clearance: Clearance | None,
        lease: StackLease | None,
        parallelism: int | None = None,
        progress: ApplyProgress | None = None,
    ) -> RunResult:
        """Start a run of a stored plan. Without a clearance it stops at the approval step (its IPR)."""
        start: RunState = {
            "plan_id": plan_id,
            "ipr_id": ipr_id,
            "parallelism": parallelism,
            "deployment_id": run_id,
            "clearance": clearance.as_json() if clearance is not None else None,
        }
        meta = {_META_PLAN: plan_id, _META_STACK: stack, _META_IPR: ipr_id}
        return await self._invoke(run_id, start, lease, progress, meta)

    async def snapshot(self, run_id: str) -> RunSnapshot | None:
        """The run's last checkpoint, or None when no run has this id."""
        async with self._compiled() as graph:
            snapshot = await graph.aget_state(_config(run_id, None, None))
        if not snapshot.values and not (snapshot.metadata or {}).get(_META_PLAN):
            return None
        # A process killed after a node's writes were saved but before the next step's checkpoint leaves
        # no "next" but a task holding its result: that run is not finished, it continues from there.
        finished = not snapshot.next and not snapshot.tasks
        meta = dict(snapshot.metadata or {})
        values = dict(snapshot.values)
        ipr_id = values.get("ipr_id", meta.get(_META_IPR))
        return RunSnapshot(
            values,
            finished,
            _waiting(snapshot),
            str(values.get("plan_id") or meta.get(_META_PLAN, "")),
            str(values.get("stack") or meta.get(_META_STACK, "")),
            ipr_id if isinstance(ipr_id, int) else None,
        )

    async def resume(
        self, run_id: str, *, lease: StackLease | None, progress: ApplyProgress | None = None
    ) -> RunResult:
        """Continue a run from its last checkpoint: an interrupted approval gets its answer, a node the
        process died in runs again."""
        found = await self.snapshot(run_id)
        if found is None:
            raise NotFoundError(f"no run '{run_id}' to resume")
        if found.finished:  # another process finished it since the caller looked (it holds no lock then)
            return found.result(run_id, f"run {run_id} had already finished; nothing was done")
        command: Command[Any] | None = Command(resume=True) if found.waiting is not None else None
        return await self._invoke(run_id, command, lease, progress)

    async def end(self, run_id: str, outcome: str, error: str) -> None:
        """Record that a run ended without running its remaining nodes (the stack moved on under it):
        later resumes find it finished with this outcome."""
        async with self._compiled() as graph:
            await graph.aupdate_state(
                _config(run_id, None, None),
                {"outcome": outcome, "error": error, "notes": [f"{outcome}: {error}"]},
                as_node="finish",
            )

    async def _invoke(
        self,
        run_id: str,
        start: RunState | Command[Any] | None,
        lease: StackLease | None,
        progress: ApplyProgress | None,
        meta: dict[str, Any] | None = None,
    ) -> RunResult:
        async with self._compiled() as graph:
            config = _config(run_id, progress, lease, meta)
            values = await graph.ainvoke(start, config)
            snapshot = await graph.aget_state(config)
        meta = dict(snapshot.metadata or {})
        ipr_id = values.get("ipr_id", meta.get(_META_IPR))
        return result_of(
            run_id,
            values,
            _waiting(snapshot),
            stack=meta.get(_META_STACK),
            plan_id=meta.get(_META_PLAN),
            ipr_id=ipr_id if isinstance(ipr_id, int) else None,
        )


def _config(
    run_id: str, progress: ApplyProgress | None, lease: StackLease | None, meta: dict[str, Any] | None = None
) -> Any:
    config: dict[str, Any] = {"configurable": {"thread_id": run_id, "progress": progress, "lease": lease}}
    if meta is not None:
        config["metadata"] = meta  # LangGraph writes it into every checkpoint's metadata
    return config


def _waiting(snapshot: Any) -> dict[str, Any] | None:
    waiting = None
    for task in snapshot.tasks:
        for pending in task.interrupts:
            waiting = dict(pending.value) if isinstance(pending.value, dict) else {"value": pending.value}
    return waiting


def result_of(
    run_id: str,
    values: Any,
    waiting: dict[str, Any] | None,
    note: str | None = None,
    *,
    stack: str | None = None,
    plan_id: str | None = None,
    ipr_id: int | None = None,
) -> RunResult:
    """A run's result from its state; ``note`` says why this call did nothing (when it did nothing). What
    the run is (stack, plan, IPR) comes from its state, else from what the caller read in its metadata."""
    outcome = "waiting" if waiting is not None else str(values.get("outcome", "failed"))
    state_ipr = values.get("ipr_id")
    return RunResult(
        deployment_id=run_id,
        outcome=outcome,
        stack=values.get("stack") or stack or None,
        plan_id=values.get("plan_id") or plan_id or None,
        ipr_id=state_ipr if isinstance(state_ipr, int) else ipr_id,
        report=DeploymentReport.from_json(values["report"]) if values.get("report") else None,
        notes=list(values.get("notes", [])),
        nothing_done=note,
        verify_failures=list(values.get("verify_failures", [])),
        rollback=values.get("rollback"),
        error=values.get("error"),
        waiting_for=waiting,
    )
