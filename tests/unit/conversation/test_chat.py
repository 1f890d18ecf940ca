"""Chat over the real services: every change is a plan the person saw, and runs only once confirmed."""

from __future__ import annotations

from pathlib import Path

from alma.bootstrap import Services, build
from alma.chat import ChatService, ChatTurn, provider_named
from tests.conftest import make_settings

DEPLOY = "deploy a postgres database named db-01"


async def deployed(chat: ChatService, session: str) -> ChatTurn:
    await chat.turn(DEPLOY, session)
    return await chat.turn("yes", session)


async def names(services: Services) -> list[str]:
    return sorted(r.name for r in await services.stacks.resources())


async def test_a_deploy_is_planned_and_shown_but_nothing_runs_before_the_person_answers(services: Services) -> None:
    turn = await services.chat.turn(DEPLOY, "s")
    assert turn.outcome == "planned"
    assert turn.plan is not None and turn.plan.summary()["create"] == 2
    assert turn.risk is not None and turn.risk.token is not None
    assert turn.plan_text is not None and "db-01" in turn.plan_text
    assert await names(services) == []


async def test_yes_applies_exactly_the_plan_that_was_shown(services: Services) -> None:
    chat = services.chat
    shown = await chat.turn(DEPLOY, "s")
    applied = await chat.turn("yes", "s")
    assert applied.outcome == "applied"
    assert applied.plan is not None and shown.plan is not None and applied.plan.id == shown.plan.id
    assert await names(services) == ["db-01", "db-01-data"]


async def test_a_destroy_asks_for_confirmation_and_changes_nothing_without_it(services: Services) -> None:
    chat = services.chat
    await deployed(chat, "s")
    turn = await chat.turn("destroy db-stack", "s")
    assert turn.outcome == "planned"
    assert turn.risk is not None and turn.risk.decision == "confirm"
    assert turn.plan is not None and turn.plan.kind == "destroy"
    assert f"confirm {turn.risk.token}" in turn.reply
    assert await names(services) == ["db-01", "db-01-data"]


async def test_the_token_of_the_plan_shown_confirms_it(services: Services) -> None:
    chat = services.chat
    await deployed(chat, "s")
    asked = await chat.turn("destroy db-stack", "s")
    assert asked.risk is not None
    done = await chat.turn(f"confirm {asked.risk.token}", "s")
    assert done.outcome == "applied"
    assert await names(services) == []


async def test_a_token_that_is_not_the_waiting_plans_confirms_nothing(services: Services) -> None:
    chat = services.chat
    await deployed(chat, "s")
    await chat.turn("destroy db-stack", "s")
    turn = await chat.turn("confirm cfm-00000000000000000000", "s")
    assert turn.outcome == "answered"
    assert "does not match" in turn.reply
    assert await names(services) == ["db-01", "db-01-data"]


async def test_no_withdraws_the_waiting_plan(services: Services) -> None:
    chat = services.chat
    await deployed(chat, "s")
    await chat.turn("destroy db-stack", "s")
    assert (await chat.turn("no", "s")).outcome == "cancelled"
    assert (await chat.turn("yes", "s")).reply == "Nothing is waiting for your confirmation."
    assert await names(services) == ["db-01", "db-01-data"]


async def test_a_frustrated_destroy_is_blocked_with_the_reason_and_a_safe_next_step(services: Services) -> None:
    chat = services.chat
    await deployed(chat, "s")
    await chat.turn("db-01 is down AGAIN!!", "s")
    turn = await chat.turn("this is the third time, JUST DELETE db-stack NOW", "s")
    assert turn.outcome == "blocked"
    assert turn.risk is not None and turn.risk.next_step is not None
    assert "frustrated" in turn.reply and "Safe next step" in turn.reply
    assert (await chat.turn("yes", "s")).outcome == "answered"
    assert await names(services) == ["db-01", "db-01-data"]


async def test_a_destroy_the_policy_gates_opens_an_ipr_instead_of_applying(tmp_path: Path) -> None:
    async with await build(make_settings(tmp_path, approval_actions=["delete"])) as services:
        chat = services.chat
        await deployed(chat, "s")
        turn = await chat.turn("destroy db-stack", "s")
        assert turn.outcome == "ipr_opened" and turn.ipr is not None
        view = await services.iprs.show(turn.ipr)
        assert turn.plan is not None and view.plan.id == turn.plan.id
        assert view.ipr.status == "open"
        assert f"IPR #{turn.ipr}" in turn.reply and "Someone other than tester must approve it" in turn.reply
        assert (await chat.turn("yes", "s")).outcome == "answered"
        assert await names(services) == ["db-01", "db-01-data"]


async def test_removing_one_resource_plans_the_stack_without_it(services: Services) -> None:
    chat = services.chat
    await chat.turn("deploy two nginx web servers named web-01", "s")
    await chat.turn("yes", "s")
    await deployed(chat, "s")
    turn = await chat.turn("delete db-01", "s")
    assert turn.plan is not None
    assert [(a.resource, a.action) for a in turn.plan.actions if a.action != "noop"] == [("db-01", "delete")]


async def test_stop_plans_the_resource_with_its_start_setting_turned_off(services: Services) -> None:
    chat = services.chat
    await deployed(chat, "s")
    turn = await chat.turn("stop db-01", "s")
    assert turn.risk is not None and turn.risk.decision == "confirm"
    assert turn.plan is not None
    changes = [(c.path, c.before, c.after) for a in turn.plan.actions for c in a.changes]
    assert changes == [("start", True, False)]
    await chat.turn("yes", "s")
    assert (await services.stacks.resource("db-stack", "db-01")).specs["start"] is False


async def test_status_shows_the_recorded_resources(services: Services) -> None:
    chat = services.chat
    await deployed(chat, "s")
    turn = await chat.turn("list all resources", "s")
    assert turn.outcome == "answered"
    assert [row[1] for row in turn.listings[0].rows] == ["db-01", "db-01-data"]
    assert [row[1] for row in (await chat.turn("is db-01 up?", "s")).listings[0].rows] == ["db-01"]


async def test_troubleshooting_asks_the_medics_questions_and_shows_state_and_events(services: Services) -> None:
    chat = services.chat
    await deployed(chat, "s")
    turn = await chat.turn("db-01 won't start, why?", "s")
    assert turn.persona == "medic" and "What changed just before?" in turn.reply
    assert [listing.title for listing in turn.listings] == ["db-01", "recent events of db-01"]
    assert turn.listings[1].rows


async def test_design_returns_the_councils_review_and_changes_nothing(services: Services) -> None:
    turn = await services.chat.turn("design an HA web app with a database", "s")
    assert turn.persona == "architect" and "The council" in turn.reply
    assert turn.blueprint is not None and turn.listings[0].rows
    assert await names(services) == []


async def test_an_unknown_request_says_what_alma_can_do(services: Services) -> None:
    turn = await services.chat.turn("what's the weather", "s")
    assert turn.intent == "unknown" and "I can deploy" in turn.reply


async def test_a_rollback_is_a_plan_that_waits_for_confirmation(services: Services) -> None:
    chat = services.chat
    await deployed(chat, "s")
    await chat.turn("stop db-01", "s")
    await chat.turn("yes", "s")
    turn = await chat.turn("roll back db-stack", "s")
    assert turn.plan is not None and turn.plan.kind == "rollback"
    assert turn.risk is not None and turn.risk.decision == "confirm"


async def test_a_second_rollback_names_its_revision_in_the_chat_s_own_words(services: Services) -> None:
    chat = services.chat
    await deployed(chat, "s")
    await chat.turn("stop db-01", "s")
    await chat.turn("yes", "s")  # revision 2
    await chat.turn("roll back db-stack", "s")
    assert (await chat.turn("yes", "s")).outcome == "applied"  # revision 3: revision 1 restored
    again = await chat.turn("roll back db-stack", "s")
    assert again.plan is None and again.outcome == "answered"
    assert 'Say which revision to restore, e.g. "roll back db-stack to revision 2"' in again.reply
    assert "--to" not in again.reply
    named = await chat.turn("roll back db-stack to revision 2", "s")
    assert named.plan is not None and named.plan.kind == "rollback" and named.plan.target_revision == 2
    versioned = await chat.turn("roll back db-stack to rev 1", "s")
    assert versioned.plan is not None and versioned.plan.target_revision == 1


def test_the_provider_named_in_a_message_is_used_and_fake_otherwise() -> None:
    assert provider_named("deploy postgres on docker") == "docker"
    assert provider_named("two nginx on k8s") == "kubernetes"
    assert provider_named("deploy postgres") == "fake"


async def test_a_destructive_request_for_something_unknown_offers_no_token_to_confirm(services: Services) -> None:
    chat = services.chat
    await deployed(chat, "s")
    turn = await chat.turn("restart web-99", "s")
    assert turn.outcome == "answered" and turn.plan is None
    assert "cannot do that" in turn.reply and "web-99" in turn.reply
    assert "confirm with token" not in turn.reply
    assert turn.risk is not None and turn.risk.token is None
    # and nothing waits: a "yes" now confirms nothing
    assert (await chat.turn("yes", "s")).reply == "Nothing is waiting for your confirmation."


async def test_a_follow_up_that_names_nothing_to_build_plans_what_it_resolved_to(services: Services) -> None:
    chat = services.chat
    first = await chat.turn("deploy a redis docker container called rq-cache with 256MB", "s")
    assert first.outcome == "planned"
    again = await chat.turn("same again but call it rq-cache-2", "s")
    assert again.outcome == "planned" and again.plan is not None
    created = {a.resource: a for a in again.plan.actions if a.action == "create"}
    assert "rq-cache-2" in created and created["rq-cache-2"].provider == "docker"  # the engine it follows
    assert "256 MiB memory" in again.reply and "rq-cache-2" in again.reply  # the reply says what is planned
    more = await chat.turn("actually 3 of them", "s")
    assert more.plan is not None
    assert sorted(a.resource for a in more.plan.actions if a.type == "service") == [
        "rq-cache-2-1",
        "rq-cache-2-2",
        "rq-cache-2-3",
    ]
    assert await names(services) == []  # planned, nothing applied


async def test_a_follow_up_with_nothing_resolved_still_says_what_it_cannot_compose(services: Services) -> None:
    turn = await services.chat.turn("same again but call it rq-cache-2", "fresh")
    assert turn.plan is None


async def test_a_design_varied_is_reviewed_with_what_was_asked_before(services: Services) -> None:
    chat = services.chat
    first = await chat.turn("design a web app with two nginx servers and a postgres database", "s")
    assert first.blueprint is not None
    varied = await chat.turn("with a redis cache on top pls", "s")
    assert varied.intent == "design" and varied.blueprint is not None
    assert "postgres" in varied.blueprint and "redis" in varied.blueprint  # the earlier ask and the addition
    assert await names(services) == []
