"""Finding runs again: the run that waits for an IPR, a run named by the start of its id, and what an
ended run says it was (its stack, plan and IPR) when it made no deployment."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path

import pytest

from alma.bootstrap import Services, build
from alma.contracts import RunOut
from alma.errors import InvalidInputError, NotFoundError, StackLockedError
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
        other = await services.iprs.create(await services.plans.get(plan_id), "the same, asked twice")
        ids = [f"feed{n}{uuid.uuid4().hex[:12]}" for n in (1, 2)]
        for run_id, ipr in zip(ids, (ipr_id, other.ipr.id), strict=True):  # chosen ids (as a queued job's are)
            prepared = await services.runs.prepare(plan_id, ipr_id=ipr, when_approved=True)
            await services.runs.start(prepared, run_id=run_id)  # an IPR has one run: two IPRs, then
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


async def test_waits_for_an_ipr_at_the_same_instant_make_one_run_and_each_is_told_it(
    tmp_path: Path, database_url: str
) -> None:
    # Four people (four processes: each its own Services) ask at the same moment; none sees another's run in
    # the checkpoints yet, so only a claim in the store can keep the others from starting one. Three IPRs, so
    # that the moment is shared for certain at least once.
    settings = make_settings(tmp_path, database_url, approval_actions=["delete"])
    async with contextlib.AsyncExitStack() as exits:
        people = [await exits.enter_async_context(await build(settings)) for _ in range(4)]
        await people[0].runs.apply((await people[0].plans.plan_blueprint(V1)).plan)
        for _ in range(3):
            plan = (await people[0].plans.plan_blueprint(DROP_DB)).plan
            ipr_id = (await people[0].iprs.create(plan, "drop the database")).ipr.id
            before = set(await people[0].workflow.run_ids(ipr_id=ipr_id))
            answers = await asyncio.gather(*(p.runs.apply(plan.id, ipr_id=ipr_id, when_approved=True) for p in people))
            runs = {r.deployment_id for r in answers if isinstance(r, RunResult) and r.outcome == "waiting"}
            assert len(runs) == 1 and len(answers) == 4, answers
            assert set(await people[0].workflow.run_ids(ipr_id=ipr_id)) - before == runs
            told = [r.nothing_done for r in answers if isinstance(r, RunResult) and r.nothing_done is not None]
            run = runs.pop()
            assert len(told) == 3 and all(run in t and "no second run was started" in t for t in told), told


async def test_applying_an_approved_ipr_continues_the_run_that_waits_for_it_instead_of_starting_another(
    tmp_path: Path, database_url: str
) -> None:
    policy = {"approval_actions": ["delete"]}
    async with (
        await build(make_settings(tmp_path / "alice", database_url, user="alice", **policy)) as alice,
        await build(make_settings(tmp_path / "bob", database_url, user="bob", **policy)) as bob,
    ):
        ipr_id, plan_id = await waiting_ipr(alice)
        waiting = await alice.runs.apply(plan_id, ipr_id=ipr_id, when_approved=True)
        assert isinstance(waiting, RunResult) and waiting.outcome == "waiting"
        runs = await alice.workflow.run_ids(ipr_id=ipr_id)
        await bob.iprs.review(ipr_id, "approve")
        ran = await alice.runs.apply(plan_id, ipr_id=ipr_id)  # `alma ipr apply N`, no --when-approved
        assert isinstance(ran, RunResult) and (ran.deployment_id, ran.outcome) == (waiting.deployment_id, "succeeded")
        assert await alice.workflow.run_ids(ipr_id=ipr_id) == runs  # no second run
        view = await alice.iprs.show(ipr_id)
        assert (view.ipr.status, view.ipr.deployment_id) == ("applied", waiting.deployment_id)
        again = await alice.runs.resume(waiting.deployment_id)  # the waiting run is that run: finished
        assert isinstance(again, RunResult) and again.outcome == "succeeded" and again.nothing_done is not None


async def test_an_apply_refused_before_its_run_began_leaves_the_ipr_free_for_the_next_one(
    tmp_path: Path, database_url: str
) -> None:
    policy = {"approval_actions": ["delete"]}
    async with (
        await build(make_settings(tmp_path, database_url, user="alice", **policy)) as alice,
        await build(make_settings(tmp_path, database_url, user="bob", **policy)) as bob,
    ):
        ipr_id, plan_id = await waiting_ipr(alice)
        await bob.iprs.review(ipr_id, "approve")
        async with bob.deployments.locks.held("look", "bob is busy with the stack"):
            with pytest.raises(StackLockedError):
                await alice.runs.apply(plan_id, ipr_id=ipr_id)  # refused: the run never began
        ran = await alice.runs.apply(plan_id, ipr_id=ipr_id)  # not "IPR #N is being applied by run …"
        assert isinstance(ran, RunResult) and ran.outcome == "succeeded" and ran.nothing_done is None
