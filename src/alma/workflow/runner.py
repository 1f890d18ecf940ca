"""Running the graph: one thread per deployment, checkpointed in SQLite, resumable by id."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from alma.errors import InvalidInputError
from alma.services import ApplyProgress
from alma.workflow.graph import GraphServices, RunState, build_graph
from alma.workflow.result import RunResult


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
    async def _compiled(self) -> AsyncIterator[CompiledStateGraph[RunState]]:
        if self._postgres_url is not None:
            from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver  # only deployments on PostgreSQL

            async with AsyncPostgresSaver.from_conn_string(self._postgres_url) as saver:
                if not self._postgres_ready:
                    await saver.setup()  # LangGraph's own tables, created once and kept current by it
                    self._postgres_ready = True
                yield self._graph.compile(checkpointer=saver)
            return
        self._checkpoints.parent.mkdir(parents=True, exist_ok=True)
        async with AsyncSqliteSaver.from_conn_string(str(self._checkpoints)) as saver:
            yield self._graph.compile(checkpointer=saver)

    async def run(
        self,
        plan_id: str,
        *,
        ipr_id: int | None = None,
        parallelism: int | None = None,
        progress: ApplyProgress | None = None,
        deployment_id: str | None = None,
    ) -> RunResult:
        """Deploy a stored plan through the whole graph; the deployment id is also the run's id."""
        run_id = deployment_id or uuid.uuid4().hex
        start: RunState = {"plan_id": plan_id, "ipr_id": ipr_id, "parallelism": parallelism, "deployment_id": run_id}
        return await self._invoke(run_id, start, progress)

    async def started(self, deployment_id: str) -> bool:
        """Whether a run with this id has a checkpoint (so it is resumed, never started twice)."""
        async with self._compiled() as graph:
            snapshot = await graph.aget_state(_config(deployment_id, None))
        return bool(snapshot.values)

    async def run_or_resume(self, plan_id: str, deployment_id: str, *, ipr_id: int | None = None) -> RunResult:
        """What a queued job does, as often as it is run: start the run, or continue it where it stopped."""
        if await self.started(deployment_id):
            return await self.resume(deployment_id)
        return await self.run(plan_id, ipr_id=ipr_id, deployment_id=deployment_id)

    async def resume(self, deployment_id: str, *, progress: ApplyProgress | None = None) -> RunResult:
        """Continue a run from its last checkpoint: after a crash, or once its IPR is approved."""
        async with self._compiled() as graph:
            snapshot = await graph.aget_state(_config(deployment_id, None))
        if not snapshot.values:
            raise InvalidInputError(f"no deployment run '{deployment_id}' to resume")
        if not snapshot.next:
            return _result(deployment_id, snapshot.values, None)
        waiting = any(task.interrupts for task in snapshot.tasks)
        # An interrupted node gets an answer; a node the process died in simply runs again.
        return await self._invoke(deployment_id, Command(resume=True) if waiting else None, progress)

    async def _invoke(
        self, run_id: str, start: RunState | Command[Any] | None, progress: ApplyProgress | None
    ) -> RunResult:
        async with self._compiled() as graph:
            config = _config(run_id, progress)
            values = await graph.ainvoke(start, config)
            snapshot = await graph.aget_state(config)
        waiting = None
        for task in snapshot.tasks:
            for pending in task.interrupts:
                waiting = dict(pending.value) if isinstance(pending.value, dict) else {"value": pending.value}
        return _result(run_id, values, waiting)


def _config(run_id: str, progress: ApplyProgress | None) -> Any:
    return {"configurable": {"thread_id": run_id, "progress": progress}}


def _result(run_id: str, values: Any, waiting: dict[str, Any] | None) -> RunResult:
    outcome = "waiting" if waiting is not None else str(values.get("outcome", "failed"))
    return RunResult(
        deployment_id=run_id,
        outcome=outcome,
        report=values.get("report"),
        notes=list(values.get("notes", [])),
        verify_failures=list(values.get("verify_failures", [])),
        rollback=values.get("rollback"),
        error=values.get("error"),
        waiting_for=waiting,
    )
