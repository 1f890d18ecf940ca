"""Reads added after a sixth blind set (issue 13): questions that ask for a cause, a list or a state in words
the grammar had not met, corrections named in apposition, questions that compare rather than correct. Each
sentence here is a new phrasing written for the test, not one of the set's, so that what passes is the
mechanism and not a memorised sentence.
"""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


def test_the_other_one_named_in_apposition_is_that_name() -> None:
    reading, destructive = converse("restart cache-a", "nope, the other one, cache-b")
    assert (reading.name, reading.target) == ("restart", "cache-b")
    assert destructive


@pytest.mark.parametrize(
    "question",
    ["why would a team pick lxc containers instead of vms?", "how come people use k3s rather than k8s?"],
)
def test_a_question_comparing_two_things_is_no_correction(parser: IntentParser, question: str) -> None:
    read = parser.parse(question)
    assert not read.correction
    assert read.name in {"explain", "troubleshoot"}


@pytest.mark.parametrize("question", ["what's behind it?", "any clue what caused this", "what could be triggering it"])
def test_asking_for_a_cause_is_troubleshooting(question: str) -> None:
    reading, _ = converse("the wiki keeps timing out", question)
    assert reading.name == "troubleshoot"
    assert reading.target != "triggering"


def test_why_we_use_something_is_explained(parser: IntentParser) -> None:
    assert parser.parse("what is a bridge in proxmox, and why do people use them?").name == "explain"


@pytest.mark.parametrize(
    "question",
    ["which vms are currently switched off?", "which of them are still running?", "which ones were powered down?"],
)
def test_which_ones_are_in_a_state_lists_them(question: str) -> None:
    reading, destructive = converse("list the lxcs on node-4", question)
    assert reading.name == "list"
    assert not destructive


def test_is_it_gone_asks_the_state_of_what_was_removed() -> None:
    reading, destructive = converse("destroy scratch-9", "is it gone now?")
    assert (reading.name, reading.target) == ("status", "scratch-9")
    assert not destructive


@pytest.mark.parametrize("greeting", ["hey alma is grafana-2 up", "hi, is grafana-2 up?", "alma, is grafana-2 up"])
def test_a_greeting_before_a_state_question_keeps_it_a_status(parser: IntentParser, greeting: str) -> None:
    read = parser.parse(greeting)
    assert (read.name, read.target) == ("status", "grafana-2")


@pytest.mark.parametrize(
    "question",
    ["what would get removed if I purged the old snapshots? don't do it yet", "ok but first, what exactly would go?"],
)
def test_what_an_act_would_take_away_is_a_plan(question: str) -> None:
    reading, destructive = converse("I want to clear out the build vms", question)
    assert reading.name == "plan"
    assert not destructive
