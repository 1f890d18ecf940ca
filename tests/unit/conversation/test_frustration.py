"""Frustration, 0..1, from what the user wrote: tone, capitals, profanity, repetition, failures."""

from __future__ import annotations

from alma.conversation import message_score, session_score
from alma.conversation.frustration import FRUSTRATED


def test_a_calm_request_scores_zero() -> None:
    assert message_score("Delete the LXC container test-03") == 0.0


def test_acronyms_in_capitals_are_not_shouting() -> None:
    assert message_score("give the VM 2 GB of RAM and an HA setup with LXC") == 0.0


def test_shouting_profanity_and_urgency_add_up_to_frustrated() -> None:
    assert message_score("DELETE db-01 RIGHT NOW, I don't have time for this sh*t") >= FRUSTRATED


def test_frustration_builds_up_over_a_session() -> None:
    turns = ["ugh, api-gw is flapping again", "I already told you this yesterday!!", "stop api-gw now."]
    assert session_score(turns[-1:]) < FRUSTRATED <= session_score(turns)


def test_saying_the_same_thing_again_counts() -> None:
    assert session_score(["restart web-01 please", "restart web-01 please"]) > session_score(["restart web-01 please"])


def test_repeated_failures_count() -> None:
    assert session_score(["deploy web-01"], failures=3) > session_score(["deploy web-01"])


def test_old_frustration_fades_when_the_user_calms_down() -> None:
    angry = ["THIS IS RIDICULOUS!!"]
    calm = [*angry, "ok, let's look at web-01", "show me the status of web-01", "thanks, list my vms"]
    assert session_score(calm) < FRUSTRATED <= session_score(angry)


def test_scores_stay_between_zero_and_one() -> None:
    assert session_score(["F*CK THIS!!! USELESS GARBAGE, AGAIN!!!"] * 6) == 1.0
