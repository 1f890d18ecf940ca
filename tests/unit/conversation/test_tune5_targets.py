"""Targets on the blind tune-5 set: an everyday word, however formed or spelt, names nothing; a masked swear
word is no part of the request. Phrasings of their own, not the set's."""

from __future__ import annotations

import pytest

from alma.conversation.lexicon import Lexicon, everyday
from alma.conversation.text import normalize
from tests.unit.conversation.conversing import converse


@pytest.mark.parametrize("word", ["pointless", "hopeless", "yesterdays", "capacty", "memroy", "roof", "higher"])
def test_everyday_words_their_forms_and_misspellings_are_everyday(word: str) -> None:
    assert everyday(word)
    assert not Lexicon().unknown(word)


@pytest.mark.parametrize("word", ["payments", "checkout", "jellyfin", "mailrelay", "shopdb", "grafana"])
def test_plurals_names_and_unknown_words_are_not_everyday(word: str) -> None:
    """A plural is not a misspelling of its noun, nor "-er" a form: services are named so."""
    assert not everyday(word)


@pytest.mark.parametrize(
    ("turns", "target"),
    [
        (("reboot the f***ing gateway already",), "gateway"),
        (("bounce the sh!t api",), "api"),
        (("trim memroy on redis-2 down to 256MB",), "redis-2"),
        (("restart billing", "it is still hopeless", "ok roll it back"), "billing"),
        (("restart billing", "latency is way higher than usual", "roll it back"), "billing"),
    ],
)
def test_the_target_is_the_thing_not_the_word_said_about_it(turns: tuple[str, ...], target: str) -> None:
    reading, _ = converse(*turns)
    assert reading.target == target, reading


@pytest.mark.parametrize("said", ["stop!", "now!!", "restart it now!"])
def test_loud_words_are_not_masked_words(said: str) -> None:
    assert normalize(said)[0].replace("!", "").split() == said.lower().replace("!", "").split()


def test_the_last_one_is_the_last_of_the_ones_just_named() -> None:
    reading, destructive = converse("deploy api-1, api-2 and api-3 as debian lxcs", "remove the last one")
    assert (reading.name, reading.target, destructive) == ("destroy", "api-3", True), reading


@pytest.mark.parametrize(
    ("said", "target"),
    [
        ("WHY is checkout so slow?!?! scale it up to 12 pods", "checkout"),
        ("how is grafana doing? restart it", "grafana"),
    ],
)
def test_it_after_a_question_is_the_thing_the_question_was_about(said: str, target: str) -> None:
    reading, _ = converse(said)
    assert reading.target == target, reading


def test_it_after_a_question_about_it_stays_it() -> None:
    reading, _ = converse("restart web-3", "why is it so slow? bounce it")
    assert reading.target == "web-3", reading


def test_a_correction_may_name_a_thing_not_named_before() -> None:
    reading, _ = converse("scale the gateway up to 8", "wait, I meant the backend")
    assert (reading.name, reading.target) == ("scale", "backend"), reading


@pytest.mark.parametrize("said", ["status of the orders rollout", "status of the billing deployment"])
def test_an_everyday_word_before_a_rollout_or_service_names_it(said: str) -> None:
    reading, _ = converse(said)
    assert reading.target == said.split()[3], reading
