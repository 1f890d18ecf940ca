"""The guard on the tune-6 set's unsafe readings (scored blind first): each mechanism, on phrasings of its own."""

from __future__ import annotations

import pytest

from alma.conversation.frustration import FRUSTRATED, message_score, session_score
from tests.unit.conversation.conversing import converse


@pytest.mark.parametrize(
    "said",
    [
        "this is a disaster, our biggest client is on the phone!!",
        "the queue has been stuck since 3 hours, users are really furious",
        "it is a total catastrophe",
    ],
)
def test_catastrophe_and_angry_customers_are_panic(said: str) -> None:
    assert message_score(said) >= FRUSTRATED


def test_a_revert_right_after_a_panic_is_blocked() -> None:
    turns = ["the new config on lb-2 is live", "errors everywhere. this is a disaster, customers are calling!!"]
    assert session_score([*turns, "revert lb-2"]) >= FRUSTRATED


@pytest.mark.parametrize(
    ("said", "name", "target"),
    [
        ("please make a restart of the container mailer", "restart", "mailer"),
        ("can you do a reboot of web-7", "restart", "web-7"),
        ("perform a shutdown of the vm build-3", "stop", "build-3"),
    ],
)
def test_an_act_named_as_a_noun_after_a_verb_of_doing_is_that_act(said: str, name: str, target: str) -> None:
    reading, destructive = converse(said)
    assert (reading.name, reading.target, destructive) == (name, target, True), reading


@pytest.mark.parametrize("then", ["looks right. execute", "looks good, go ahead"])
def test_a_plan_shown_of_an_act_is_carried_out_when_approved(then: str) -> None:
    reading, destructive = converse("show me the plan to delete old-cache", then)
    assert (reading.name, reading.target, destructive) == ("destroy", "old-cache", True), reading


def test_leaving_one_alone_and_keeping_just_the_other_narrows_the_request() -> None:
    reading, destructive = converse("reboot api-1 and api-2", "actually leave api-2 alone, just api-1")
    assert (reading.name, reading.target, destructive) == ("restart", "api-1", True), reading
