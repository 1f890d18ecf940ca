"""Infrastructure Pull Requests through the services, on SQLite and PostgreSQL: the approval policy,
the review cycle between different people, stale (superseded) requests, exact applies, the audit trail.

Each person is a separate ``Services`` with its own ``user`` setting, over one database.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from alma.bootstrap import Services, build
from alma.errors import AlmaError, ApprovalRequiredError, ConflictError, InvalidInputError, RefusedError
from alma.planning import Plan
from alma.services import DeploymentReport, IprView
from alma.services.iprs import Verdict
from alma.workflow import RunResult
from tests.conftest import make_settings
from tests.helpers import blueprint_text, compute

POLICY: dict[str, Any] = {"approval_actions": ["delete", "replace"], "approval_environments": ["production"]}
PRODUCTION = {"environment": "production"}
STAGING = {"environment": "staging"}

# A production stack: every change to it needs an approved IPR.
PROD_V1 = blueprint_text(
    "shop", [compute("net"), compute("db", ["net"], cores=2), compute("web", ["db"])], metadata=PRODUCTION
)
PROD_V2 = blueprint_text(  # grows db, adds cache, and drops web
    "shop", [compute("net"), compute("db", ["net"], cores=4), compute("cache", ["net"])], metadata=PRODUCTION
)
PROD_V3 = blueprint_text(  # the same, but keeps web
    "shop",
    [compute("net"), compute("db", ["net"], cores=4), compute("web", ["db"]), compute("cache", ["net"])],
    metadata=PRODUCTION,
)

# A staging stack: only deletes and replacements need an approved IPR.
STAGE_V1 = blueprint_text(
    "shop", [compute("net"), compute("db", ["net"], cores=2), compute("web", ["db"], image="nginx:1")], metadata=STAGING
)
STAGE_GROW = blueprint_text(  # creates and updates only: ungated
    "shop",
    [
        compute("net"),
        compute("db", ["net"], cores=4),
        compute("web", ["db"], image="nginx:1"),
        compute("cache", ["net"]),
    ],
    metadata=STAGING,
)
STAGE_DROP_WEB = blueprint_text("shop", [compute("net"), compute("db", ["net"], cores=2)], metadata=STAGING)
STAGE_NEW_IMAGE = blueprint_text(  # an image is immutable: web must be replaced
    "shop", [compute("net"), compute("db", ["net"], cores=2), compute("web", ["db"], image="nginx:2")], metadata=STAGING
)
STAGE_ADD_QUEUE = blueprint_text(  # an ungated change by someone else, which moves the stack on
    "shop",
    [compute("net"), compute("db", ["net"], cores=2), compute("web", ["db"], image="nginx:1"), compute("queue")],
    metadata=STAGING,
)


@dataclass(frozen=True)
class Team:
    alice: Services  # opens requests
    bob: Services  # reviews
    carol: Services  # reviews too


@contextlib.asynccontextmanager
async def team(tmp_path: Path, database_url: str, **overrides: Any) -> AsyncIterator[Team]:
    """Three people sharing one database, with the approval policy on."""
    async with contextlib.AsyncExitStack() as exits:
        members: dict[str, Services] = {}
        for name in ("alice", "bob", "carol"):
            settings = make_settings(tmp_path / name, database_url, user=name, **{**POLICY, **overrides})
            members[name] = await exits.enter_async_context(await build(settings))
        yield Team(**members)


@pytest.fixture
async def people(tmp_path: Path, database_url: str) -> AsyncIterator[Team]:
    async with team(tmp_path, database_url) as members:
        yield members


async def plan(services: Services, text: str) -> Plan:
    return (await services.plans.plan_blueprint(text, "shop.yaml")).plan


async def direct(services: Services, plan_id: str) -> DeploymentReport:
    """Apply a plan without an IPR, through the one run use case (which refuses gated plans)."""
    return _report(await services.runs.apply(plan_id))


async def ipr_apply(services: Services, number: int) -> DeploymentReport:
    """`alma ipr apply NUMBER`: the IPR's current plan, through the one run use case."""
    view = await services.iprs.show(number)
    return _report(await services.runs.apply(view.plan, ipr_id=number))


def _report(result: object) -> DeploymentReport:
    assert isinstance(result, RunResult) and result.report is not None, result
    return result.report


async def deploy(services: Services, text: str) -> int:
    """Apply an ungated blueprint directly."""
    report = await direct(services, (await plan(services, text)).id)
    assert report.status == "succeeded", report.failures
    return report.revision


async def land(people: Team, text: str) -> IprView:
    """The short happy path: alice opens, bob approves, alice applies."""
    opened = await people.alice.iprs.create(await plan(people.alice, text))
    await people.bob.iprs.review(opened.ipr.id, "approve")
    report = await ipr_apply(people.alice, opened.ipr.id)
    assert report.status == "succeeded", report.failures
    return await people.alice.iprs.show(opened.ipr.id)


async def state(services: Services, stack: str = "shop") -> dict[str, dict[str, Any]]:
    return {r.name: r.specs for r in await services.stacks.resources(stack)}


async def last_event_id(services: Services, stack: str = "shop") -> int:
    return (await services.stacks.events(stack))[-1].id


# The flow from the issue ----------------------------------------------------------------------------


async def test_a_change_is_reviewed_revised_approved_by_someone_else_and_applied_with_an_audit_trail(
    people: Team,
) -> None:
    alice, bob, carol = people.alice, people.bob, people.carol
    await land(people, PROD_V1)
    before = await last_event_id(alice)

    first = await plan(alice, PROD_V2)
    opened = await alice.iprs.create(first, "Grow the database", "db needs more cores", ["bob"])
    number = opened.ipr.id
    assert (opened.ipr.status, opened.ipr.revision, opened.ipr.author) == ("open", 1, "alice")
    assert (opened.ipr.title, opened.ipr.description, opened.ipr.reviewers) == (
        "Grow the database",
        "db needs more cores",
        ["bob"],
    )
    assert opened.plan.id == first.id and opened.current.plan_hash == first.hash
    assert opened.reasons == ["stack 'shop' is production", "it deletes web"]
    assert (opened.approvals, opened.needs) == ([], 1)

    asked = await bob.iprs.review(number, "request_changes", "keep web, it still serves traffic")
    assert asked.ipr.status == "changes_requested" and asked.approvals == []

    revised = await alice.iprs.revise(number, PROD_V3, "shop.yaml")
    second = revised.plan
    assert (revised.ipr.status, revised.ipr.revision, revised.current.created_by) == ("open", 2, "alice")
    assert second.id != first.id and revised.current.plan_hash == second.hash
    assert second.summary()["delete"] == 0 and revised.reasons == ["stack 'shop' is production"]

    with pytest.raises(ApprovalRequiredError):
        await direct(alice, second.id)  # an open request's plan cannot skip the review
    approved = await bob.iprs.review(number, "approve", "web stays, good")
    assert approved.ipr.status == "approved" and approved.approvals == ["bob"]
    with pytest.raises(ApprovalRequiredError):
        await direct(alice, second.id)  # an approved plan runs through `ipr apply` only

    report = await ipr_apply(alice, number)
    assert report.status == "succeeded"
    done = await carol.iprs.show(number)
    assert done.ipr.status == "applied" and done.ipr.deployment_id == report.deployment_id
    assert set(await state(carol)) == {"net", "db", "web", "cache"}
    assert (await state(carol))["db"]["cores"] == 4

    # Who approved what, for which plan, when.
    assert [(r.revision, r.reviewer, r.verdict, r.comment) for r in done.reviews] == [
        (1, "bob", "request_changes", "keep web, it still serves traffic"),
        (2, "bob", "approve", "web stays, good"),
    ]
    events = await carol.stacks.events("shop", after_id=before)
    trail = [
        (e.kind, e.actor, e.data.get("revision"), e.data.get("plan_id"), e.data.get("hash"))
        for e in events
        if e.kind.startswith("ipr.")
    ]
    assert trail == [
        ("ipr.created", "alice", 1, first.id, first.hash),
        ("ipr.review.request_changes", "bob", 1, first.id, first.hash),
        ("ipr.changes_requested", "bob", 1, first.id, first.hash),
        ("ipr.revised", "alice", 2, second.id, second.hash),
        ("ipr.review.approve", "bob", 2, second.id, second.hash),
        ("ipr.approved", "bob", 2, second.id, second.hash),
        ("ipr.applying", "alice", 2, second.id, second.hash),
        ("ipr.applied", "alice", 2, second.id, second.hash),
    ]
    assert all(e.data["ipr"] == number for e in events if e.kind.startswith("ipr."))
    milestones = [e.kind for e in events if e.kind.startswith(("ipr.", "deployment."))]
    assert milestones[-5:] == [
        "ipr.applying",
        "deployment.started",
        "deployment.succeeded",
        "deployment.verified",
        "ipr.applied",
    ]
    by_kind = {e.kind: e for e in events}
    assert by_kind["ipr.review.request_changes"].data["comment"] == "keep web, it still serves traffic"
    started, applied = by_kind["deployment.started"], by_kind["ipr.applied"]
    assert started.data == {"plan_id": second.id, "hash": second.hash}
    assert started.deployment_id == applied.deployment_id == report.deployment_id
    assert started.actor == "alice"
    assert by_kind["ipr.review.approve"].at <= by_kind["ipr.applying"].at <= applied.at
    deployment = (await carol.stacks.history("shop"))[-1]
    assert (deployment.id, deployment.plan_id, deployment.actor) == (report.deployment_id, second.id, "alice")


async def test_approvals_of_an_earlier_revision_do_not_count_for_the_new_one(tmp_path: Path, database_url: str) -> None:
    async with team(tmp_path, database_url, approvals_required=2) as people:
        alice, bob, carol = people.alice, people.bob, people.carol
        await deploy(alice, STAGE_V1)
        number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
        once = await bob.iprs.review(number, "approve")
        assert (once.ipr.status, once.approvals, once.needs) == ("open", ["bob"], 2)

        revised = await alice.iprs.revise(number, STAGE_NEW_IMAGE, "shop.yaml")
        assert (revised.ipr.revision, revised.approvals) == (2, [])
        still = await carol.iprs.review(number, "approve")
        assert (still.ipr.status, still.approvals) == ("open", ["carol"])  # bob's approval was for revision 1
        with pytest.raises(RefusedError, match=r"1/2 approvals"):
            await ipr_apply(alice, number)

        done = await bob.iprs.review(number, "approve")
        assert (done.ipr.status, done.approvals) == ("approved", ["bob", "carol"])
        assert [(r.revision, r.reviewer) for r in done.reviews] == [(1, "bob"), (2, "carol"), (2, "bob")]


async def test_revising_an_approved_request_takes_its_approval_away(people: Team) -> None:
    alice, bob = people.alice, people.bob
    await deploy(alice, STAGE_V1)
    number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
    assert (await bob.iprs.review(number, "approve")).ipr.status == "approved"
    revised = await alice.iprs.revise(number, STAGE_NEW_IMAGE, "shop.yaml")
    assert (revised.ipr.status, revised.ipr.revision, revised.approvals) == ("open", 2, [])
    with pytest.raises(
        RefusedError,
        match=r"IPR #\d+ is open \(0/1 approvals\): it can be applied once someone other than alice approves it",
    ):
        await ipr_apply(alice, number)
    assert "web" in await state(alice)


# Who may approve ------------------------------------------------------------------------------------


async def test_the_author_cannot_approve_their_own_request(people: Team) -> None:
    alice = people.alice
    await deploy(alice, STAGE_V1)
    number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
    with pytest.raises(
        RefusedError, match=r"alice opened or revised IPR #\d+ and cannot approve it; someone else must"
    ):
        await alice.iprs.review(number, "approve")
    view = await alice.iprs.show(number)
    assert (view.ipr.status, view.approvals, view.reviews) == ("open", [], [])


async def test_the_author_may_approve_their_own_request_when_self_approval_is_allowed(
    tmp_path: Path, database_url: str
) -> None:
    async with team(tmp_path, database_url, allow_self_approval=True) as people:
        alice = people.alice
        await deploy(alice, STAGE_V1)
        number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
        approved = await alice.iprs.review(number, "approve")
        assert (approved.ipr.status, approved.approvals) == ("approved", ["alice"])
        assert (await ipr_apply(alice, number)).status == "succeeded"
        assert "web" not in await state(alice)


async def test_two_required_approvals_need_two_different_people(tmp_path: Path, database_url: str) -> None:
    async with team(tmp_path, database_url, approvals_required=2) as people:
        alice, bob, carol = people.alice, people.bob, people.carol
        await deploy(alice, STAGE_V1)
        number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
        await bob.iprs.review(number, "approve")
        twice = await bob.iprs.review(number, "approve")
        assert (twice.ipr.status, twice.approvals, twice.needs) == ("open", ["bob"], 2)
        with pytest.raises(RefusedError, match=r"1/2 approvals"):
            await ipr_apply(alice, number)
        done = await carol.iprs.review(number, "approve")
        assert (done.ipr.status, done.approvals) == ("approved", ["bob", "carol"])
        approved_events = [e for e in await alice.stacks.events("shop") if e.kind == "ipr.approved"]
        assert [e.actor for e in approved_events] == ["carol"]


# The policy: which plans need an IPR ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (STAGE_DROP_WEB, "it deletes web"),
        (STAGE_NEW_IMAGE, "it replaces web"),
    ],
    ids=["delete", "replace"],
)
async def test_a_gated_blueprint_plan_applied_directly_is_refused_naming_how_to_open_an_ipr(
    people: Team, change: str, reason: str
) -> None:
    alice = people.alice
    await deploy(alice, STAGE_V1)
    gated = await plan(alice, change)
    with pytest.raises(ApprovalRequiredError, match=reason) as refused:
        await direct(alice, gated.id)
    assert "open one with `alma ipr create FILE`, have someone else approve it" in str(refused.value)
    assert "`alma ipr apply ID`" in str(refused.value)
    assert await alice.stacks.lock("shop") is None
    assert [d.revision for d in await alice.stacks.history("shop")] == [1]
    assert (await state(alice))["web"]["image"] == "nginx:1"


async def test_any_change_to_a_production_stack_is_refused_without_an_ipr(people: Team) -> None:
    alice = people.alice
    only_creates = await plan(alice, PROD_V1)
    assert only_creates.summary()["create"] == 3 and only_creates.environment == "production"
    with pytest.raises(ApprovalRequiredError, match=r"stack 'shop' is production\): open one with `alma ipr create"):
        await direct(alice, only_creates.id)
    assert await alice.stacks.stacks() == []


@pytest.mark.parametrize("kind", ["destroy", "rollback"])
async def test_a_gated_destroy_or_rollback_names_its_own_ipr_command(people: Team, kind: str) -> None:
    alice = people.alice
    await deploy(alice, STAGE_V1)
    await deploy(alice, STAGE_GROW)
    if kind == "destroy":
        gated, command = await alice.plans.plan_destroy("shop"), "alma ipr create --destroy shop"
    else:
        gated, command = await alice.plans.plan_rollback("shop", 1), "alma ipr create --rollback shop --to 1"
    with pytest.raises(ApprovalRequiredError, match=f"open one with `{command}`"):
        await direct(alice, gated.id)
    assert set(await state(alice)) == {"net", "db", "web", "cache"}


async def test_an_ungated_plan_applies_directly(people: Team) -> None:
    alice = people.alice
    assert await deploy(alice, STAGE_V1) == 1
    grow = await plan(alice, STAGE_GROW)
    assert grow.summary()["create"] == 1 and grow.summary()["update"] == 1
    report = await direct(alice, grow.id)
    assert (report.status, report.revision) == ("succeeded", 2)
    assert set(await state(alice)) == {"net", "db", "web", "cache"}
    assert not [e for e in await alice.stacks.events("shop") if e.kind.startswith("ipr.")]


async def test_a_stack_listed_in_approval_stacks_needs_an_ipr_for_any_change(tmp_path: Path, database_url: str) -> None:
    async with team(tmp_path, database_url, approval_stacks=["shop"]) as people:
        only_creates = await plan(people.alice, STAGE_V1)
        with pytest.raises(ApprovalRequiredError, match="stack 'shop' always needs approval"):
            await direct(people.alice, only_creates.id)
        view = await land(people, STAGE_V1)
        assert view.reasons == ["stack 'shop' always needs approval"]
        assert set(await state(people.alice)) == {"net", "db", "web"}


# Stale requests -------------------------------------------------------------------------------------


async def test_a_request_whose_stack_changed_is_superseded_and_can_be_neither_reviewed_nor_applied(
    people: Team,
) -> None:
    alice, bob, carol = people.alice, people.bob, people.carol
    await deploy(alice, STAGE_V1)
    number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
    await bob.iprs.review(number, "approve")
    await deploy(carol, STAGE_ADD_QUEUE)  # someone else moves the stack on

    listed = {i.id: i.status for i in await bob.iprs.find(stack="shop")}
    assert listed[number] == "superseded"
    assert number in [i.id for i in await bob.iprs.find(status="superseded")]
    assert number not in [i.id for i in await bob.iprs.find(status="approved")]
    view = await bob.iprs.show(number)
    assert view.ipr.status == "superseded"
    with pytest.raises(ConflictError, match=f"`alma ipr revise {number}`"):
        await carol.iprs.review(number, "approve")
    with pytest.raises(AlmaError, match="superseded"):
        await ipr_apply(alice, number)
    assert set(await state(alice)) == {"net", "db", "web", "queue"}
    superseded = [e for e in await alice.stacks.events("shop") if e.kind == "ipr.superseded"]
    assert len(superseded) == 1 and superseded[0].data["ipr"] == number
    # Attributed to the change that moved the stack on (carol's revision 2), not to bob who looked next.
    assert (superseded[0].actor, superseded[0].data["superseded_by_revision"]) == ("carol", 2)
    assert "superseded by revision 2 (apply by carol" in superseded[0].message


async def test_revising_a_superseded_request_without_a_file_replans_its_blueprint(people: Team) -> None:
    alice, bob, carol = people.alice, people.bob, people.carol
    await deploy(alice, STAGE_V1)
    opened = await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))
    number = opened.ipr.id
    await deploy(carol, STAGE_ADD_QUEUE)
    assert (await alice.iprs.show(number)).ipr.status == "superseded"

    revised = await alice.iprs.revise(number)
    assert (revised.ipr.status, revised.ipr.revision) == ("open", 2)
    assert revised.plan.id != opened.plan.id and revised.plan.blueprint_id == opened.plan.blueprint_id
    assert (revised.plan.base_revision, revised.current.base_revision) == (2, 2)
    # The same blueprint against the new state: web goes, and so does the queue carol added.
    assert {a.resource: a.action for a in revised.plan.actions if a.action != "noop"} == {
        "web": "delete",
        "queue": "delete",
    }
    assert (await bob.iprs.review(number, "approve")).ipr.status == "approved"
    assert (await ipr_apply(alice, number)).status == "succeeded"
    assert set(await state(alice)) == {"net", "db"}


@pytest.mark.parametrize("kind", ["destroy", "rollback"])
async def test_revising_a_superseded_destroy_or_rollback_replans_the_same_intent(people: Team, kind: str) -> None:
    alice, bob, carol = people.alice, people.bob, people.carol
    await deploy(alice, STAGE_V1)
    await deploy(alice, STAGE_GROW)
    if kind == "destroy":
        first = await alice.plans.plan_destroy("shop")
    else:
        first = await alice.plans.plan_rollback("shop", 1)
    number = (await alice.iprs.create(first)).ipr.id
    await deploy(carol, blueprint_text("extra", [compute("x")]))  # another stack: nothing is superseded
    assert (await alice.iprs.show(number)).ipr.status == "open"
    grown = blueprint_text(
        "shop",
        [
            compute("net"),
            compute("db", ["net"], cores=4),
            compute("web", ["db"], image="nginx:1"),
            compute("cache", ["net"]),
            compute("queue"),
        ],
        metadata=STAGING,
    )
    await deploy(carol, grown)
    assert (await bob.iprs.show(number)).ipr.status == "superseded"

    revised = await alice.iprs.revise(number)
    assert (revised.ipr.status, revised.plan.kind, revised.plan.base_revision) == ("open", kind, 3)
    assert revised.plan.target_revision == first.target_revision
    assert "queue" in {a.resource for a in revised.plan.actions if a.action == "delete"}
    await bob.iprs.review(number, "approve")
    assert (await ipr_apply(alice, number)).status == "succeeded"
    if kind == "destroy":
        assert await state(alice) == {}
    else:
        assert set(await state(alice)) == {"net", "db", "web"}
        assert (await state(alice))["db"]["cores"] == 2


async def test_a_revision_for_another_stack_is_refused(people: Team) -> None:
    alice = people.alice
    await deploy(alice, STAGE_V1)
    number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
    with pytest.raises(InvalidInputError, match="is for stack 'shop', the new plan is for 'other'"):
        await alice.iprs.revise(number, blueprint_text("other", [compute("x")]), "other.yaml")
    view = await alice.iprs.show(number)
    assert (view.ipr.status, view.ipr.revision) == ("open", 1)


# Ends of the road -----------------------------------------------------------------------------------


async def test_a_rejected_request_can_be_neither_reviewed_revised_nor_applied(people: Team) -> None:
    alice, bob, carol = people.alice, people.bob, people.carol
    await deploy(alice, STAGE_V1)
    number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
    rejected = await bob.iprs.review(number, "reject", "web is not going anywhere")
    assert rejected.ipr.status == "rejected"
    verdicts: tuple[Verdict, ...] = ("approve", "request_changes", "reject")
    for verdict in verdicts:
        with pytest.raises(ConflictError, match=f"IPR #{number} is rejected; only open requests can be reviewed"):
            await carol.iprs.review(number, verdict)
    with pytest.raises(ConflictError, match="rejected and cannot be revised"):
        await alice.iprs.revise(number, STAGE_NEW_IMAGE, "shop.yaml")
    with pytest.raises(RefusedError, match="is rejected"):
        await ipr_apply(alice, number)
    assert "web" in await state(alice)
    kinds = [e.kind for e in await alice.stacks.events("shop") if e.kind.startswith("ipr.")]
    assert kinds == ["ipr.created", "ipr.review.reject", "ipr.rejected"]
    # A rejected request can still be closed, to tidy the list.
    assert (await alice.iprs.close(number)).ipr.status == "closed"


async def test_a_closed_request_can_be_neither_reviewed_nor_applied_nor_closed_again(people: Team) -> None:
    alice, bob = people.alice, people.bob
    await deploy(alice, STAGE_V1)
    number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
    await bob.iprs.review(number, "approve")
    closed = await alice.iprs.close(number, "not needed after all")
    assert closed.ipr.status == "closed"
    with pytest.raises(ConflictError, match="is closed; only open requests can be reviewed"):
        await bob.iprs.review(number, "approve")
    with pytest.raises(RefusedError, match="is closed"):
        await ipr_apply(alice, number)
    with pytest.raises(ConflictError, match="is closed and cannot be closed"):
        await alice.iprs.close(number)
    with pytest.raises(ConflictError, match="is closed and cannot be revised"):
        await alice.iprs.revise(number)
    assert "web" in await state(alice)
    last = (await alice.stacks.events("shop"))[-1]
    assert (last.kind, last.actor) == ("ipr.closed", "alice")
    assert "not needed after all" in last.message


async def test_an_applied_request_cannot_be_applied_reviewed_revised_or_closed_again(people: Team) -> None:
    alice, bob = people.alice, people.bob
    await deploy(alice, STAGE_V1)
    view = await land(people, STAGE_DROP_WEB)
    number = view.ipr.id
    assert view.ipr.status == "applied"
    revisions = [d.revision for d in await alice.stacks.history("shop")]
    with pytest.raises(ConflictError, match=f"IPR #{number} is applied already"):
        await ipr_apply(alice, number)
    with pytest.raises(ConflictError, match="is applied; only open requests can be reviewed"):
        await bob.iprs.review(number, "request_changes")
    with pytest.raises(ConflictError, match="is applied and cannot be revised"):
        await alice.iprs.revise(number)
    with pytest.raises(ConflictError, match="is applied and cannot be closed"):
        await alice.iprs.close(number)
    assert [d.revision for d in await alice.stacks.history("shop")] == revisions
    assert (await bob.iprs.show(number)).ipr.status == "applied"  # a later change does not supersede history
    await deploy(alice, STAGE_ADD_QUEUE)
    assert (await bob.iprs.show(number)).ipr.status == "applied"


async def test_a_request_that_changes_nothing_cannot_be_opened(people: Team) -> None:
    alice = people.alice
    await deploy(alice, STAGE_V1)
    nothing = await plan(alice, STAGE_V1)
    with pytest.raises(InvalidInputError, match=f"plan {nothing.id} changes nothing on stack 'shop'"):
        await alice.iprs.create(nothing)
    assert not [e for e in await alice.stacks.events("shop") if e.kind.startswith("ipr.")]


async def test_a_request_that_is_not_approved_cannot_be_applied(people: Team) -> None:
    alice, bob = people.alice, people.bob
    await deploy(alice, STAGE_V1)
    number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
    with pytest.raises(RefusedError, match=r"is open \(0/1 approvals\): it can be applied once someone other"):
        await ipr_apply(alice, number)
    await bob.iprs.review(number, "request_changes", "no")
    with pytest.raises(RefusedError, match=r"is changes requested \(0/1 approvals\): it can be applied once"):
        await ipr_apply(bob, number)
    assert [d.revision for d in await alice.stacks.history("shop")] == [1]
    assert "ipr.applying" not in [e.kind for e in await alice.stacks.events("shop")]


async def test_a_comment_is_recorded_without_changing_the_status_and_needs_text(people: Team) -> None:
    alice, bob = people.alice, people.bob
    await deploy(alice, STAGE_V1)
    number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
    with pytest.raises(InvalidInputError, match="a comment needs text"):
        await bob.iprs.review(number, "comment")
    commented = await bob.iprs.review(number, "comment", "is anything still calling web?")
    assert (commented.ipr.status, commented.approvals) == ("open", [])
    assert [(r.reviewer, r.verdict, r.comment) for r in commented.reviews] == [
        ("bob", "comment", "is anything still calling web?")
    ]
    event = (await alice.stacks.events("shop"))[-1]
    assert (event.kind, event.actor, event.data["comment"]) == (
        "ipr.review.comment",
        "bob",
        "is anything still calling web?",
    )


async def test_an_unknown_request_is_a_clear_error(people: Team) -> None:
    with pytest.raises(InvalidInputError, match=r"no IPR #424242; `alma ipr list` shows them"):
        await people.alice.iprs.show(424242)
    with pytest.raises(InvalidInputError, match="no IPR #424242"):
        await people.bob.iprs.review(424242, "approve")
    with pytest.raises(InvalidInputError, match="no IPR #424242"):
        await ipr_apply(people.alice, 424242)
    with pytest.raises(InvalidInputError, match="no IPR #424242"):
        await people.alice.iprs.close(424242)


async def test_a_request_without_a_title_is_named_after_its_plan(people: Team) -> None:
    alice = people.alice
    await deploy(alice, STAGE_V1)
    view = await alice.iprs.create(await plan(alice, STAGE_GROW))
    assert view.ipr.title == "apply shop: 1 to add, 1 to change"
    assert view.reasons == []  # an IPR may be opened for an ungated change too
    assert (await alice.iprs.create(await alice.plans.plan_destroy("shop"))).ipr.title == "destroy shop: 3 to destroy"


async def test_requests_are_listed_newest_first_and_filtered_by_status_and_stack(people: Team) -> None:
    alice, bob = people.alice, people.bob
    await deploy(alice, STAGE_V1)
    await deploy(alice, blueprint_text("other", [compute("x")], metadata=STAGING))
    first = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
    second = (await alice.iprs.create(await alice.plans.plan_destroy("other"))).ipr.id
    await bob.iprs.review(second, "approve")
    mine = {first, second}
    assert [i.id for i in await bob.iprs.find() if i.id in mine] == [second, first]
    assert [i.id for i in await bob.iprs.find(status="approved") if i.id in mine] == [second]
    assert [i.id for i in await bob.iprs.find(status="open", stack="shop") if i.id in mine] == [first]
    assert [i.id for i in await bob.iprs.find(status="open", stack="other") if i.id in mine] == []
    assert [i.id for i in await bob.iprs.find(stack="other") if i.id in mine] == [second]
    listed = next(i for i in await bob.iprs.find(stack="other") if i.id == second)
    assert (listed.stack, listed.author, listed.status, listed.revision) == ("other", "alice", "approved", 1)


# Destroy, rollback, failure -------------------------------------------------------------------------


async def test_an_approved_destroy_request_empties_the_stack(people: Team) -> None:
    alice, bob = people.alice, people.bob
    await land(people, PROD_V1)
    destroy = await alice.plans.plan_destroy("shop")
    assert destroy.environment == "production"
    opened = await alice.iprs.create(destroy)
    assert opened.reasons == ["stack 'shop' is production", "it deletes web, db, net"]
    await bob.iprs.review(opened.ipr.id, "approve")
    report = await ipr_apply(bob, opened.ipr.id)
    assert (report.status, report.summary["delete"]) == ("succeeded", 3)
    assert await state(alice) == {}
    done = await alice.iprs.show(opened.ipr.id)
    assert (done.ipr.status, done.ipr.deployment_id, done.plan.kind) == ("applied", report.deployment_id, "destroy")
    assert (await alice.stacks.history("shop"))[-1].kind == "destroy"


async def test_an_approved_rollback_request_restores_the_earlier_revision(people: Team) -> None:
    alice, bob = people.alice, people.bob
    await deploy(alice, STAGE_V1)
    first_state = await state(alice)
    await deploy(alice, STAGE_GROW)
    rollback = await alice.plans.plan_rollback("shop", 1)
    opened = await alice.iprs.create(rollback, "Back to revision 1")
    assert opened.reasons == ["it deletes cache"]
    await bob.iprs.review(opened.ipr.id, "approve")
    report = await ipr_apply(alice, opened.ipr.id)
    assert (report.status, report.revision) == ("succeeded", 3)
    assert await state(alice) == first_state
    last = (await alice.stacks.history("shop"))[-1]
    assert (last.kind, last.plan_id) == ("rollback", rollback.id)


async def test_a_failed_apply_leaves_the_request_failed_with_its_deployment_recorded(
    tmp_path: Path, database_url: str
) -> None:
    async with team(tmp_path, database_url, fake_fail_resources=["cache"]) as people:
        alice, bob = people.alice, people.bob
        await deploy(alice, STAGE_V1)
        with_cache = blueprint_text(
            "shop", [compute("net"), compute("db", ["net"], cores=2), compute("cache", ["net"])], metadata=STAGING
        )
        number = (await alice.iprs.create(await plan(alice, with_cache))).ipr.id
        await bob.iprs.review(number, "approve")
        report = await ipr_apply(alice, number)
        assert report.status == "failed" and report.deployment_id is not None
        assert {f["resource"]: f["status"] for f in report.failures}["cache"] == "failed"
        view = await bob.iprs.show(number)
        assert (view.ipr.status, view.ipr.deployment_id) == ("failed", report.deployment_id)
        history = await alice.stacks.history("shop")
        assert (history[-1].id, history[-1].status) == (report.deployment_id, "failed")
        events = await alice.stacks.events("shop")
        failed = [e for e in events if e.kind == "ipr.failed"]
        assert len(failed) == 1 and failed[0].deployment_id == report.deployment_id
        assert "ipr.applied" not in [e.kind for e in events]
        with pytest.raises(RefusedError, match="failed when it was applied"):
            await ipr_apply(alice, number)
        # A failed request can be revised into a new attempt against the state it left behind.
        revised = await alice.iprs.revise(number)
        assert (revised.ipr.status, revised.ipr.revision, revised.plan.base_revision) == ("open", 2, 2)


# Who may close, who may approve ---------------------------------------------------------------------


async def test_only_the_author_or_an_admin_may_close_a_request(tmp_path: Path, database_url: str) -> None:
    async with team(tmp_path, database_url, role="operator") as people:
        alice, bob = people.alice, people.bob
        await deploy(alice, STAGE_V1)
        number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
        await bob.iprs.review(number, "approve")
        with pytest.raises(RefusedError, match=f"IPR #{number} was opened by alice: only its author or an admin"):
            await bob.iprs.close(number)
        assert (await bob.iprs.show(number)).ipr.status == "approved"
    async with team(tmp_path, database_url) as admins:  # the local CLI acts as admin by default
        assert (await admins.carol.iprs.close(number, "tidying up")).ipr.status == "closed"


async def test_a_request_that_names_reviewers_is_approved_by_them_only(tmp_path: Path, database_url: str) -> None:
    async with team(tmp_path, database_url, role="approver") as people:
        alice, bob, carol = people.alice, people.bob, people.carol
        await deploy(alice, STAGE_V1)
        number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB), reviewers=["bob"])).ipr.id
        with pytest.raises(RefusedError, match=r"names its reviewers \(bob\): carol is not one of them"):
            await carol.iprs.review(number, "approve")
        asked = await carol.iprs.review(number, "request_changes", "what about the logs?")
        assert asked.ipr.status == "changes_requested"  # anyone may ask for changes
        revised = await alice.iprs.revise(number, STAGE_DROP_WEB, "shop.yaml")
        assert (await bob.iprs.review(revised.ipr.id, "approve")).ipr.status == "approved"


async def test_named_reviewers_can_be_made_advisory_by_a_setting(tmp_path: Path, database_url: str) -> None:
    async with team(tmp_path, database_url, role="approver", ipr_named_reviewers_only=False) as people:
        await deploy(people.alice, STAGE_V1)
        number = (await people.alice.iprs.create(await plan(people.alice, STAGE_DROP_WEB), reviewers=["bob"])).ipr.id
        assert (await people.carol.iprs.review(number, "approve")).ipr.status == "approved"


async def test_a_status_filter_is_read_as_people_write_it_and_a_mistyped_one_is_an_error(people: Team) -> None:
    # A typo used to list nothing, which reads as "there are no such requests".
    alice, bob = people.alice, people.bob
    await deploy(alice, STAGE_V1)
    number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id
    await bob.iprs.review(number, "request_changes", "why?")
    for written in ("changes_requested", "Changes-Requested", " changes requested "):
        assert [i.id for i in await bob.iprs.find(status=written)] == [number]
    with pytest.raises(InvalidInputError, match=r"unknown IPR status 'aproved'; did you mean 'approved'\?"):
        await bob.iprs.find(status="aproved")


async def test_names_are_one_person_whatever_their_case(tmp_path: Path, database_url: str) -> None:
    async with team(tmp_path, database_url, role="approver") as people:
        alice, bob = people.alice, people.bob
        await deploy(alice, STAGE_V1)
        # A reviewer named in another case is that reviewer, not a name nobody holds.
        number = (await alice.iprs.create(await plan(alice, STAGE_DROP_WEB), reviewers=["BOB", "bob"])).ipr.id
        assert (await alice.iprs.show(number)).ipr.reviewers == ["BOB"]
        # The author under another spelling is still the author.
        settings = make_settings(tmp_path / "ALICE", database_url, user="ALICE", role="approver", **POLICY)
        async with await build(settings) as shouting_alice:
            with pytest.raises(RefusedError, match=r"ALICE opened or revised IPR #\d+ and cannot approve it"):
                await shouting_alice.iprs.review(number, "approve")
            other = (await alice.iprs.create(await plan(alice, STAGE_NEW_IMAGE))).ipr.id
            assert (await shouting_alice.iprs.close(other)).ipr.status == "closed"  # her own, to close
        assert (await bob.iprs.review(number, "approve")).ipr.status == "approved"
        # Naming oneself as the reviewer would leave a request only an admin could approve.
        with pytest.raises(InvalidInputError, match="alice opens this IPR and cannot review it as well"):
            await alice.iprs.create(await plan(alice, STAGE_NEW_IMAGE), reviewers=["Alice"])


async def test_two_approvals_given_at_once_approve_the_request(tmp_path: Path, database_url: str) -> None:
    # Each approval counted the approvals it had read before storing its own: given together, each saw the
    # other's as missing and the request stayed open with both.
    async with team(tmp_path, database_url, approvals_required=2) as people:
        alice, bob, carol = people.alice, people.bob, people.carol
        await deploy(alice, STAGE_V1)
        numbers = [(await alice.iprs.create(await plan(alice, STAGE_DROP_WEB))).ipr.id for _ in range(3)]
        for number in numbers:
            await asyncio.gather(bob.iprs.review(number, "approve"), carol.iprs.review(number, "approve"))
            view = await alice.iprs.show(number)
            assert (view.ipr.status, view.approvals) == ("approved", ["bob", "carol"])


@pytest.mark.parametrize("written", ["Production", "PRODUCTION", " production"])
async def test_an_environment_gates_whatever_its_case(people: Team, written: str) -> None:
    # Compared exactly, `environment: Production` applied straight through the production gate.
    text = blueprint_text("shop", [compute("net")], metadata={"environment": written})
    with pytest.raises(ApprovalRequiredError, match=f"stack 'shop' is {written}"):
        await direct(people.alice, (await plan(people.alice, text)).id)


async def test_a_stack_listed_for_approval_in_another_case_is_gated(tmp_path: Path, database_url: str) -> None:
    # ALMA_APPROVAL_STACKS=Shop never matched the stack 'shop' (names are lowercase): it went ungated.
    async with team(tmp_path, database_url, approval_stacks=["Shop"]) as people:
        with pytest.raises(ApprovalRequiredError, match="stack 'shop' always needs approval"):
            await direct(people.alice, (await plan(people.alice, STAGE_V1)).id)


async def test_titles_descriptions_and_comments_with_terminal_controls_are_refused(people: Team) -> None:
    # A reviewer reads these in a terminal: "\x1b[2J" would clear it, "\u202e" reverse what follows.
    staged = await plan(people.alice, STAGE_DROP_WEB)
    with pytest.raises(InvalidInputError, match=r"title holds the control character U\+001B \(ESC\) at character 5"):
        await people.alice.iprs.create(staged, "Drop\x1b[2J web")
    with pytest.raises(InvalidInputError, match=r"description holds .* U\+202E"):
        await people.alice.iprs.create(staged, "Drop web", "safe\u202e")
    assert await people.alice.iprs.find() == []  # nothing was opened
    number = (await people.alice.iprs.create(staged, "Drop web", "line one\nline two")).ipr.id
    with pytest.raises(InvalidInputError, match=r"comment holds .* U\+000D \(carriage return\)"):
        await people.bob.iprs.review(number, "approve", "ok\rREJECTED")
    assert (await people.bob.iprs.show(number)).approvals == []


async def test_a_title_or_reviewer_longer_than_its_column_is_refused_by_name(people: Team) -> None:
    # PostgreSQL refused the insert (a 500 over HTTP, "Error executing tool" over MCP); nothing is opened.
    staged = await plan(people.alice, STAGE_DROP_WEB)
    with pytest.raises(InvalidInputError, match=r"the title is 256 characters; at most 255"):
        await people.alice.iprs.create(staged, "t" * 256)
    with pytest.raises(InvalidInputError, match=r"is not a user name"):
        await people.alice.iprs.create(staged, "Drop web", reviewers=["b" * 300])
    assert await people.alice.iprs.find() == []
    assert (await people.alice.iprs.create(staged, "t" * 255)).ipr.title == "t" * 255
