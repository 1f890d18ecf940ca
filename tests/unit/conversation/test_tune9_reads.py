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


@pytest.mark.parametrize(
    ("turns", "target"),
    [
        (("list namespaces", "delete the staging one, the sprint is over"), "staging"),
        (("list pods in sandbox", "ok they're all junk, delete the sandbox namespace"), "sandbox"),
        (("restart the coredns deployment in kube-system",), "coredns"),
    ],
)
def test_a_word_before_one_or_a_kind_is_what_the_thing_is_called(turns: tuple[str, ...], target: str) -> None:
    reading, _ = converse(*turns)
    assert reading.target == target


def test_a_word_that_only_describes_names_nothing() -> None:
    reading, _ = converse("delete the old one")
    assert reading.target is None


@pytest.mark.parametrize(
    ("text", "name", "target"),
    [
        (
            "So some background: we run k3s on three NUCs and last week I added a second grafana replica, which "
            "did not help. Anyway, long story short, can you take grafana back down to 1 replica?",
            "scale",
            "grafana",
        ),
        (
            "Morning team. The migration finished overnight and pve3 joined the cluster. Anyway, what I actually "
            "need from you is a new Debian LXC called ledger-api with 2 cores. After that I'm in meetings, ping me "
            "on slack if anything looks weird.",
            "deploy",
            "ledger-api",
        ),
        (
            "Hello, I am new in Proxmox and I create many containers for test. Now I want to ask you: please show "
            "me all my containers and how much memory each one use.",
            "list",
            None,
        ),
    ],
)
def test_the_request_a_long_message_turns_to_is_read(text: str, name: str, target: str | None) -> None:
    reading, _ = converse(text)
    assert (reading.name, reading.target) == (name, target)


def test_back_down_to_a_count_is_a_scale_not_a_rollback(parser: IntentParser) -> None:
    read = parser.parse("can you take grafana back down to 1 replica?")
    assert (read.name, read.direction, read.scale_to) == ("scale", "down", 1)
    assert parser.parse("take nginx-edge back to yesterday's config").name == "rollback"


@pytest.mark.parametrize(
    "text", ["lxc backup-ct fails to start:", "I tried to restart web-1 but it hangs", "web-1 refuses to boot"]
)
def test_an_act_that_fails_is_a_symptom_not_a_request(parser: IntentParser, text: str) -> None:
    read = parser.parse(text)
    assert read.name == "troubleshoot"


def test_a_thing_that_will_not_come_back_is_troubleshot() -> None:
    reading, destructive = converse("homeassistant container won't come back after the update")
    assert (reading.name, reading.target, destructive) == ("troubleshoot", "homeassistant", False)


def test_an_aside_that_opens_a_message_negates_nothing() -> None:
    text = "Not that anyone asked, but edge-lb has been flapping since noon. Could you maybe look at it?"
    reading, _ = converse(text)
    assert (reading.name, reading.target) == ("troubleshoot", "edge-lb")


@pytest.mark.parametrize("ask", ["could you maybe look at it?", "can you take a look?", "pls investigate"])
def test_a_look_asked_after_a_symptom_troubleshoots_it(ask: str) -> None:
    reading, _ = converse("edge-lb is down", ask)
    assert (reading.name, reading.target) == ("troubleshoot", "edge-lb")


@pytest.mark.parametrize(
    ("turns", "target"),
    [
        (("deploy a grafana container named dash-01", "did it work?"), "dash-01"),
        (("scale the frontend deployment up to 8", "thanks! now what's the status?"), "frontend"),
        (("hows the db vm doing",), None),
    ],
)
def test_a_state_asked_in_few_words_is_a_status(turns: tuple[str, ...], target: str | None) -> None:
    reading, _ = converse(*turns)
    assert (reading.name, reading.target) == ("status", target)
