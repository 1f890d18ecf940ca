"""Reads added after a fifth blind set (issue 13): intent vocabulary for questions, scaling, closings. Each
sentence here is a new phrasing written for the test, not one of the set's, so that what passes is the
mechanism and not a memorised sentence.
"""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from alma.conversation.classifier import Prediction
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
