"""Finding runs again: the run that waits for an IPR, a run named by the start of its id, and what an
ended run says it was (its stack, plan and IPR) when it made no deployment."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from alma.bootstrap import Services, build
from alma.contracts import RunOut
from alma.errors import InvalidInputError, NotFoundError
from alma.workflow import RunResult
from tests.conftest import make_settings
from tests.helpers import blueprint_text, compute

V1 = blueprint_text("look", [compute("net"), compute("db")])
DROP_DB = blueprint_text("look", [compute("net")])
MORE_CORES = blueprint_text("look", [compute("net", cores=2), compute("db")])


async def waiting_ipr(services: Services) -> tuple[int, str]:
    """A deployed stack and an open IPR that deletes something (gated): its id and its plan's."""
    first = await services.runs.apply((await services.plans.plan_blueprint(V1)).plan)
    assert isinstance(first, RunResult) and first.outcome == "succeeded"
    plan = (await services.plans.plan_blueprint(DROP_DB)).plan
    view = await services.iprs.create(plan, "drop the database")
    return view.ipr.id, plan.id


async def test_a_second_wait_for_an_ipr_is_told_the_waiting_run_and_starts_none(
    tmp_path: Path, database_url: str
) -> None:
    async with await build(make_settings(tmp_path, database_url, approval_actions=["delete"])) as services:
        ipr_id, plan_id = await waiting_ipr(services)
        first = await services.runs.apply(plan_id, ipr_id=ipr_id, when_approved=True)
        # On PostgreSQL the checkpoints of the suite's other tests share the database (and IPR numbers):
        # what matters is that the second call adds no run.
        runs = await services.workflow.run_ids(ipr_id=ipr_id)
        assert first.deployment_id in runs
        second = await services.runs.apply(plan_id, ipr_id=ipr_id, when_approved=True)
        assert isinstance(first, RunResult) and isinstance(second, RunResult)
        assert (second.outcome, second.deployment_id) == ("waiting", first.deployment_id)
        assert second.nothing_done is not None and first.deployment_id in second.nothing_done
        assert second.waiting_for is not None and second.waiting_for["ipr"] == ipr_id
        assert await services.workflow.run_ids(ipr_id=ipr_id) == runs


async def test_resume_takes_a_unique_start_of_a_run_id_and_lists_the_runs_a_shared_start_names(
    tmp_path: Path, database_url: str
) -> None:
    async with await build(make_settings(tmp_path, database_url, approval_actions=["delete"])) as services:
        ipr_id, plan_id = await waiting_ipr(services)
        prepared = await services.runs.prepare(plan_id, ipr_id=ipr_id, when_approved=True)
        ids = [f"feed{n}{uuid.uuid4().hex[:12]}" for n in (1, 2)]
        for run_id in ids:  # chosen ids (as a queued job's are) that share a start
            await services.runs.start(prepared, run_id=run_id)
        resumed = await services.runs.resume(ids[0][:6])
        assert isinstance(resumed, RunResult) and (resumed.deployment_id, resumed.outcome) == (ids[0], "waiting")
        with pytest.raises(InvalidInputError, match="give more of it") as shared:
            await services.runs.resume("feed")
        assert all(run_id in str(shared.value) for run_id in ids)
        with pytest.raises(NotFoundError, match="alma history"):
            await services.runs.resume("0000zz")


async def test_an_abandoned_run_says_its_stack_plan_and_ipr_though_it_made_no_deployment(
    tmp_path: Path, database_url: str
) -> None:
    async with await build(make_settings(tmp_path, database_url, approval_actions=["delete"])) as services:
        ipr_id, plan_id = await waiting_ipr(services)
        waiting = await services.runs.apply(plan_id, ipr_id=ipr_id, when_approved=True)
        assert isinstance(waiting, RunResult)
        moved = await services.runs.apply((await services.plans.plan_blueprint(MORE_CORES)).plan)
        assert isinstance(moved, RunResult) and moved.outcome == "succeeded"  # the IPR is superseded under it
        for _ in range(2):  # ended now, then found ended
            ended = await services.runs.resume(waiting.deployment_id)
            assert isinstance(ended, RunResult) and ended.outcome == "abandoned" and ended.report is None
            body = RunOut.of(ended)
            assert (body.stack, body.plan_id, body.ipr_id) == ("look", plan_id, ipr_id)
