"""Chat follow-ups point at what the session just planned or deployed, and a plan that takes anything
away is confirmed whatever the words said."""

from __future__ import annotations

from alma.bootstrap import Services

STACK = "deploy two nginx web servers and a database"


async def specs(services: Services) -> dict[str, dict[str, object]]:
    return {r.name: r.specs for r in await services.stacks.resources()}


async def test_the_reply_says_what_the_plan_composes_so_two_nginx_servers_are_two_replicas(
    services: Services,
) -> None:
    turn = await services.chat.turn(
        "I need a small web app: two nginx servers behind a load balancer and a postgres database", "s"
    )
    assert turn.plan is not None and turn.outcome == "planned"
    assert "2 × web server (nginx)" in turn.reply
    web = next(a for a in turn.plan.actions if a.resource == "web")
    assert web.after is not None and web.after["replicas"] == 2


async def test_scale_it_changes_the_deploy_that_waits_and_applies_it_so(services: Services) -> None:
    chat = services.chat
    first = await chat.turn(STACK, "s")
    scaled = await chat.turn("scale it to 3", "s")
    assert scaled.outcome == "planned" and scaled.plan is not None and first.plan is not None
    assert scaled.plan.id != first.plan.id
    assert "web to 3" in scaled.reply
    assert (await chat.turn("yes", "s")).outcome == "applied"
    assert (await specs(services))["web"]["replicas"] == 3


async def test_the_web_servers_and_the_second_one_resolve_to_parts_of_what_was_planned(services: Services) -> None:
    chat = services.chat
    await chat.turn(STACK, "s")
    assert (await chat.turn("scale the web servers to 4", "s")).outcome == "planned"
    bigger = await chat.turn("make the second one bigger, 8 cores", "s")
    assert bigger.outcome == "planned" and bigger.interpretation is not None
    assert bigger.interpretation.reading.target == "db"
    await chat.turn("yes", "s")
    recorded = await specs(services)
    assert (recorded["web"]["replicas"], recorded["db"]["cores"]) == (4, 8)


async def test_after_the_deploy_ran_a_follow_up_acts_on_the_recorded_resource(services: Services) -> None:
    chat = services.chat
    await chat.turn(STACK, "s")
    await chat.turn("yes", "s")
    turn = await chat.turn("scale them to 5", "s")  # several were named: which one is not said
    assert turn.outcome == "answered"
    turn = await chat.turn("scale the web servers to 5", "s")
    assert turn.outcome == "planned" and turn.risk is not None and turn.risk.decision == "allow"
    await chat.turn("yes", "s")
    assert (await specs(services))["web"]["replicas"] == 5


async def test_a_plan_that_shrinks_is_confirmed_even_when_the_words_sound_harmless(services: Services) -> None:
    chat = services.chat
    await chat.turn(STACK, "s")
    await chat.turn("yes", "s")
    turn = await chat.turn("set web to 1", "s")  # "set" removes nothing by its words; the plan takes replicas away
    assert turn.plan is not None and turn.risk is not None
    assert turn.risk.decision == "confirm" and turn.risk.token is not None
    resized = await chat.turn("give db 1 core", "s")
    assert resized.risk is not None and resized.risk.decision == "confirm"


async def test_a_follow_up_about_something_the_plan_does_not_have_changes_nothing(services: Services) -> None:
    chat = services.chat
    first = await chat.turn(STACK, "s")
    turn = await chat.turn("scale cache-9 to 3", "s")
    assert turn.outcome == "answered" and "cache-9" in turn.reply
    confirmed = await chat.turn("yes", "s")
    assert confirmed.plan is not None and first.plan is not None and confirmed.plan.id == first.plan.id


async def test_a_size_for_a_part_that_has_no_such_setting_says_so_and_names_the_parts(services: Services) -> None:
    chat = services.chat
    await chat.turn(STACK, "s")
    turn = await chat.turn("make the web servers 8 cores", "s")
    assert turn.plan is None and "web has no cores setting here (it has: replicas)" in turn.reply
    assert "tell me what to change" not in turn.reply  # the size was said; the part cannot take it
