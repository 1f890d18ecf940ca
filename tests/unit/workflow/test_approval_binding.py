"""An approval binds to the revision its reviewer saw: an approval of revision 1 never approves revision 2,
whether the revision came before the approval was sent, while it was recorded, or while a run waited."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from alma.bootstrap import Services, build
from alma.errors import ConflictError
from alma.workflow import RunResult
from tests.conftest import make_settings
from tests.helpers import blueprint_text, compute

V1 = blueprint_text("bind", [compute("net"), compute("db"), compute("cache")])
DROP_DB = blueprint_text("bind", [compute("net"), compute("cache")])
DROP_CACHE = blueprint_text("bind", [compute("net"), compute("db")])


@dataclass(frozen=True)
class Pair:
    alice: Services  # opens and revises
    bob: Services  # reviews


@contextlib.asynccontextmanager
async def pair(tmp_path: Path, database_url: str) -> AsyncIterator[Pair]:
    """Two people on one database (and one ALMA_HOME, so one set of run checkpoints), deletes gated."""
    async with contextlib.AsyncExitStack() as exits:
        people = [
            await exits.enter_async_context(
                await build(make_settings(tmp_path, database_url, user=name, approval_actions=["delete"]))
            )
            for name in ("alice", "bob")
        ]
        first = await people[0].runs.apply((await people[0].plans.plan_blueprint(V1)).plan)
        assert isinstance(first, RunResult) and first.outcome == "succeeded"
        yield Pair(*people)


async def opened(alice: Services, text: str = DROP_DB) -> int:
    plan = (await alice.plans.plan_blueprint(text)).plan
    return (await alice.iprs.create(plan, "drop one")).ipr.id


async def test_an_approval_of_a_revision_that_was_revised_since_the_reviewer_saw_it_is_refused(
    tmp_path: Path, database_url: str
) -> None:
    async with pair(tmp_path, database_url) as people:
        number = await opened(people.alice)
        seen = await people.bob.iprs.show(number)  # bob reads revision 1 ...
        await people.alice.iprs.revise(number, DROP_CACHE)  # ... alice revises it to drop another resource ...
        for given in ({"revision": 1}, {"plan_hash": seen.current.plan_hash}):  # ... bob approves what he read
            with pytest.raises(ConflictError, match=r"is at revision 2 now .* nothing was recorded") as refused:
                await people.bob.iprs.review(number, "approve", **given)
            assert f"alma ipr show {number}" in str(refused.value)
        view = await people.bob.iprs.show(number)
        assert (view.ipr.status, view.ipr.revision, view.approvals, view.reviews) == ("open", 2, [], [])
        approved = await people.bob.iprs.review(number, "approve", revision=2)
        assert (approved.ipr.status, approved.approvals) == ("approved", ["bob"])


async def test_an_approval_racing_a_revision_never_approves_the_new_revision(tmp_path: Path, database_url: str) -> None:
    # Bob approves revision N while alice revises it, at about the same instant, many times over; bob first
    # does a little of the work a revision does (0 to 3 previews of a plan) so that his approval lands at
    # every point of alice's revision. Whichever lands first, an approved IPR is approved for its revision.
    async with pair(tmp_path, database_url) as people:
        number = await opened(people.alice)
        plans = [DROP_CACHE, DROP_DB]

        async def approve_after(previews: int, revision: int) -> object:
            for _ in range(previews):
                await people.bob.plans.preview_blueprint(DROP_DB)
            return await people.bob.iprs.review(number, "approve", revision=revision)

        for attempt in range(16):
            revision = (await people.bob.iprs.show(number)).ipr.revision
            outcomes = await asyncio.gather(
                approve_after(attempt % 4, revision),
                people.alice.iprs.revise(number, plans[attempt % 2]),
                return_exceptions=True,
            )
            assert all(isinstance(o, ConflictError) or not isinstance(o, BaseException) for o in outcomes), outcomes
            view = await people.alice.iprs.show(number)
            if view.ipr.status == "approved":
                assert view.approvals == ["bob"], (attempt, view.ipr, view.reviews)
            if view.ipr.status not in ("open", "approved"):
                pytest.fail(f"IPR #{number} is {view.ipr.status} after attempt {attempt}")


async def test_a_run_waiting_for_revision_1_ends_when_revision_2_is_approved_and_applies_nothing(
    tmp_path: Path, database_url: str
) -> None:
    async with pair(tmp_path, database_url) as people:
        number = await opened(people.alice)
        waiting = await people.alice.runs.apply(
            (await people.alice.iprs.show(number)).plan, ipr_id=number, when_approved=True
        )
        assert isinstance(waiting, RunResult) and waiting.outcome == "waiting"
        revised = await people.alice.iprs.revise(number, DROP_CACHE)
        await people.bob.iprs.review(number, "approve", revision=2)
        ended = await people.alice.runs.resume(waiting.deployment_id)  # the run made for revision 1's plan
        assert isinstance(ended, RunResult) and (ended.outcome, ended.report) == ("rejected", None)
        assert ended.error is not None and f"was revised (revision 2, plan {revised.plan.id})" in ended.error
        names = {r.name for r in await people.alice.stacks.resources("bind")}
        assert names == {"net", "db", "cache"}  # revision 1 (drop db) did not run
        assert (await people.alice.iprs.show(number)).ipr.status == "approved"
        ran = await people.alice.runs.apply(revised.plan, ipr_id=number)  # what bob approved: drop cache
        assert isinstance(ran, RunResult) and ran.outcome == "succeeded" and ran.deployment_id != waiting.deployment_id
        assert {r.name for r in await people.alice.stacks.resources("bind")} == {"net", "db"}
