"""Reads added after a fifth blind set (issue 13): intent vocabulary for questions, scaling, closings. Each
sentence here is a new phrasing written for the test, not one of the set's, so that what passes is the
mechanism and not a memorised sentence.
"""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from alma.conversation.classifier import Prediction
from alma.conversation.cues import live_cues
from alma.conversation.reconcile import reconcile
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


@pytest.mark.parametrize("said", ["half giga of ram", "half gb memory", "half a gig"])
def test_half_before_a_unit_is_half_of_it(parser: IntentParser, said: str) -> None:
    read = parser.parse(f"new debian vm called relay-2 with 2 cores and {said}")
    assert read.name == "deploy"
    assert read.resources[0].memory_mb == 512


@pytest.mark.parametrize("sentence", ["wat does OOMKilled mean?", "wut does ImagePullBackOff mean"])
def test_what_typed_fast_still_asks_what_a_word_means(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "explain"


@pytest.mark.parametrize(
    "closing",
    [
        "the reboot did the trick, thank you",
        "perfect, that was all for now. bye",
        "ok cool, I'm done for the day",
        "that worked, cheers",
    ],
)
def test_a_closing_line_asks_for_nothing_after_an_operation(closing: str) -> None:
    reading, destructive = converse("reboot cache-4", closing)
    assert reading.name == "unknown"
    assert not destructive


def test_a_closing_line_is_not_overruled_by_the_classifier(parser: IntentParser) -> None:
    text = "the restart sorted it, thanks a lot"
    read = reconcile(parser.parse(text), Prediction("restart", 0.95, "unknown", 0.01), parser, text)
    assert read.name == "unknown"


def test_thanks_then_a_command_is_the_command() -> None:
    reading, destructive = converse("reboot cache-4", "thanks. now stop queue-2")
    assert (reading.name, reading.target) == ("stop", "queue-2")
    assert destructive


def test_thanks_then_go_ahead_still_carries_out_what_waits() -> None:
    reading, destructive = converse("reboot cache-4", "thanks, go ahead")
    assert (reading.name, reading.target) == ("restart", "cache-4")
    assert destructive


@pytest.mark.parametrize(
    "sentence",
    [
        "is ldap-2 still answering after the reboot?",
        "grafana-1 is slow since the restart",
        "logs look odd after a rollback",
    ],
)
def test_an_act_named_as_a_moment_is_no_request(sentence: str) -> None:
    assert not live_cues(sentence)


def test_an_act_before_a_moment_is_still_a_request() -> None:
    assert [c.kind for c in live_cues("reboot ldap-2 after the backup")] == ["restart"]


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [("vm ci-3 has no netwokr since monday", "troubleshoot"), ("cut search to a single replcia", "scale")],
)
def test_a_misspelt_frame_noun_still_frames_the_sentence(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("fyi: is the ceph pool in sync?", None),
        ("one thing. is ldap-2 reachable?", "ldap-2"),
        ("how many cores does ledgerd have?", "ledgerd"),
        ("what release is ledgerd on?", "ledgerd"),
    ],
)
def test_questions_about_a_state_or_what_a_thing_has_are_status(
    parser: IntentParser, sentence: str, target: str | None
) -> None:
    read = parser.parse(sentence)
    assert (read.name, read.target) == ("status", target)


@pytest.mark.parametrize(
    ("act", "question"),
    [
        ("shut down ldap-2", "has it shut down yet?"),
        ("reboot ldap-2", "did it actually come back up?"),
        ("reboot ldap-2", "so what is its cpu load now?"),
    ],
)
def test_whether_an_act_took_effect_is_a_status_of_its_target(act: str, question: str) -> None:
    reading, destructive = converse(act, question)
    assert (reading.name, reading.target) == ("status", "ldap-2")
    assert not destructive


def test_how_many_things_we_have_stays_a_list(parser: IntentParser) -> None:
    assert parser.parse("how many vms do we have?").name == "list"
