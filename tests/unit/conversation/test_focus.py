"""Focus across turns: "it", "that one", "the database", follow-ups, confirmations and topic switches."""

from __future__ import annotations

from alma.conversation import Focus, IntentParser, Resolved, is_destructive


def converse(*turns: str) -> tuple[Resolved, Focus]:
    """Each turn parsed, resolved and remembered through a Focus saved and reloaded as the store would."""
    parser = IntentParser()
    state: dict[str, object] = {}
    reading: Resolved | None = None
    focus = Focus()
    for text in turns:
        focus = Focus.from_state(state)
        parsed = parser.parse(text)
        reading = focus.resolve(parsed)
        destructive = is_destructive(reading.name, reading.direction, reading.scale_to)
        focus.advance(parsed, reading, destructive, None)
        state = focus.to_state()
    assert reading is not None
    return reading, focus


def test_it_means_the_resource_just_created() -> None:
    reading, _ = converse("Deploy an Ubuntu VM called app-01", "Deploy a Debian LXC called cache-02", "restart it")
    assert (reading.name, reading.target) == ("restart", "cache-02")


def test_the_database_means_the_database_discussed() -> None:
    reading, _ = converse(
        "deploy an nginx container named web-02 and a postgres database named db-02", "stop the database"
    )
    assert (reading.name, reading.target) == ("stop", "db-02")


def test_that_one_resolves_like_it() -> None:
    reading, _ = converse("is web-07 healthy?", "ok, reboot that one")
    assert (reading.name, reading.target) == ("restart", "web-07")


def test_scaling_up_from_the_remembered_count_is_not_destructive() -> None:
    reading, _ = converse("Deploy an Alpine LXC named web-01 with 2 cores", "now scale it to 3")
    assert (reading.name, reading.target, reading.direction) == ("scale", "web-01", "up")


def test_scaling_below_the_remembered_count_is_destructive() -> None:
    reading, _ = converse("deploy three nginx containers named web", "scale web to 2 replicas")
    assert reading.direction == "down"


def test_a_follow_up_keeps_the_request_and_changes_the_target() -> None:
    reading, _ = converse("is db-01 healthy?", "and what about cache-01?")
    assert (reading.name, reading.target) == ("status", "cache-01")


def test_go_ahead_carries_out_the_planned_action() -> None:
    reading, _ = converse("show me what removing cache-01 would change", "ok, go ahead and do it")
    assert (reading.name, reading.target) == ("destroy", "cache-01")


def test_go_ahead_with_nothing_pending_does_nothing() -> None:
    reading, _ = converse("go ahead")
    assert reading.name == "unknown"


def test_withdrawing_a_request_cancels_what_was_pending() -> None:
    reading, focus = converse("stop web-01", "wait, no, leave it running")
    assert reading.cancelled and not is_destructive(reading.name)
    assert focus.pending is None


def test_a_symptom_without_a_name_is_about_the_focus() -> None:
    reading, _ = converse("why is web-01 so slow", "still slow. this is useless")
    assert (reading.name, reading.target) == ("troubleshoot", "web-01")


def test_leaving_infrastructure_is_a_topic_switch_that_keeps_the_focus() -> None:
    reading, focus = converse("list my VMs", "is web-03 up?", "by the way, tell me a joke")
    assert reading.name == "unknown" and reading.switched
    assert focus.target == "web-03"


def test_naming_another_resource_is_a_topic_switch() -> None:
    reading, _ = converse("is web-01 up?", "restart db-09")
    assert reading.switched


def test_a_kind_never_mentioned_resolves_to_nothing() -> None:
    reading, _ = converse("is web-01 up?", "stop the database")
    assert reading.target is None
