"""Readings found by blind set 10 (eval/intents-tune-10.jsonl), each by a phrasing of its own."""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from alma.conversation.text import normalize
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


def test_thanks_then_one_more_is_the_same_act_on_it() -> None:
    reading, destructive = converse("@alma pls nuke cache-old 🙏", "thx, and cache-older too")
    assert (reading.name, reading.target, destructive) == ("destroy", "cache-older", True)


def test_thanks_alone_still_closes() -> None:
    reading, destructive = converse("restart web-1", "thanks, that's all")
    assert (reading.name, destructive) == ("unknown", False)


def test_a_new_count_then_a_stop_after_a_dash_is_no_cancel() -> None:
    reading, destructive = converse("scale worker down to 2", "no wait, 0 — shut it all off")
    assert (reading.target, reading.cancelled, destructive) == ("worker", False, True)


def test_a_guest_said_before_its_verb_is_the_target(parser: IntentParser) -> None:
    read = parser.parse("vm 105 stop pls, shutting down for hw swap")
    assert (read.name, read.target) == ("stop", "105")
    assert parser.parse("ct web-2 restart").target == "web-2"


def test_an_announced_delete_addressed_with_mentions_is_a_delete() -> None:
    reading, destructive = converse("@here @alma deleting the ephemeral preview-pr-231 container, go ahead")
    assert (reading.name, reading.target, destructive) == ("destroy", "preview-pr-231", True)


def test_mentions_are_dropped() -> None:
    assert normalize("@here @bob: restart web-1 @carol")[0] == "restart web-1 "
