"""Readings found by blind set 9 (eval/intents-tune-9.jsonl), each by a phrasing of its own."""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from alma.conversation.text import normalize
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


def test_one_of_several_is_not_all_of_them_and_the_answer_picks_it() -> None:
    asked, destructive = converse("I have two VMs, win-game and win-work. shut down one of them")
    assert (asked.name, asked.target, asked.targets, destructive) == ("stop", None, (), True)
    picked, destructive = converse("I have two VMs, win-game and win-work. shut down one of them", "the second one")
    assert (picked.name, picked.target, destructive) == ("stop", "win-work", True)


def test_a_bare_number_is_no_pick_by_position() -> None:
    reading, _ = converse("deploy some alpine lxcs", "2")
    assert reading.target is None


def test_a_resize_down_to_an_amount_is_destructive() -> None:
    reading, destructive = converse("resize the nas-data disk down to 1TB")
    assert (reading.target, destructive) == ("nas-data", True)


@pytest.mark.parametrize(
    ("written", "meant"),
    [("D3LETE EVERYTHING", "delete everything"), ("wip3 it", "wipe it"), ("k1ll web-01", "kill web-01")],
)
def test_letters_written_as_digits_are_read(written: str, meant: str) -> None:
    assert normalize(written)[0] == meant


def test_names_with_digits_stay_names() -> None:
    text = "k3s on vm104, the s3 bucket, web01 on pve1, 4c8g"
    assert normalize(text)[0] == text


def test_a_shouted_leet_delete_everything_is_blocked_destruction() -> None:
    reading, destructive = converse("D3LETE EVERYTHING IN THE CLUSTER I'M DONE WITH THIS S***")
    assert (reading.name, destructive) == ("destroy", True)
