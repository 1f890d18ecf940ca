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


@pytest.mark.parametrize(
    ("text", "cores", "memory_mb", "template"),
    [
        ("deploy an ubuntu vm called ci-runner-01 with 8 cores — actually no, 4 cores is plenty — and 8 gigs", 4, 8192,
         "ubuntu"),
        ("spin up a ubuntu vm for me called sandbox-07 — wait, make it debian", None, None, "debian"),
    ],
)  # fmt: skip
def test_a_value_taken_back_mid_message_is_replaced(
    text: str, cores: int | None, memory_mb: int | None, template: str
) -> None:
    reading, _ = converse(text)
    [resource] = reading.resources
    assert (reading.name, resource.cores, resource.memory_mb, resource.template) == (
        "deploy",
        cores,
        memory_mb,
        template,
    )


@pytest.mark.parametrize(
    ("text", "name", "target"),
    [
        ("delete old-wiki... no wait, just stop it for now", "stop", "old-wiki"),
        ("stop staging-api. hmm no, restart it instead", "restart", "staging-api"),
    ],
)
def test_an_act_taken_back_gives_way_to_the_next_on_the_same_thing(
    parser: IntentParser, text: str, name: str, target: str
) -> None:
    read = parser.parse(text)
    assert (read.name, read.target) == (name, target)


def test_a_lone_no_takes_nothing_back(parser: IntentParser) -> None:
    read = parser.parse("restart web-1, no downtime please")
    assert (read.name, read.target) == ("restart", "web-1")


@pytest.mark.parametrize("again", ["actually 3 of them", "hmm make that 3 of them", "3 please"])
def test_a_count_said_after_a_deploy_is_that_many_of_the_same(again: str) -> None:
    reading, _ = converse("spin up an alpine lxc with 1 core and 512M", again)
    [resource] = reading.resources
    assert (reading.name, resource.template, resource.cores, resource.memory_mb, resource.count) == (
        "deploy",
        "alpine",
        1,
        512,
        3,
    )


def test_scaling_back_up_is_no_shrink() -> None:
    _, destructive = converse(
        "scale the frontend deployment to 2 replicas", "hmm it's struggling, scale it back up to 6"
    )
    assert not destructive
    _, destructive = converse("scale it back to 2")
    assert destructive


@pytest.mark.parametrize(
    ("turns", "target"),
    [
        (("shrink the memory on app-07 to 2 gigs", "wait, how much is it using right now?"), "app-07"),
        (("deploy a ubuntu vm called kiosk-01", "how much ram did it get?"), "kiosk-01"),
    ],
)
def test_how_much_it_uses_is_its_status(turns: tuple[str, ...], target: str) -> None:
    reading, destructive = converse(*turns)
    assert (reading.name, reading.target, destructive) == ("status", target, False)


@pytest.mark.parametrize(
    "turns",
    [
        ("what's the status of orders-db?", "and how do i back it up?"),
        ("what's the difference between a snapshot and a backup?", "ok so which one should I use before upgrading?"),
    ],
)
def test_how_to_and_which_to_choose_are_explained(turns: tuple[str, ...]) -> None:
    reading, destructive = converse(*turns)
    assert (reading.name, destructive) == ("explain", False)


def test_a_correction_that_rules_out_no_thing_keeps_the_target() -> None:
    reading, destructive = converse("rollback prod-api", "not that far, just one version back")
    assert (reading.name, reading.target, destructive) == ("rollback", "prod-api", True)


@pytest.mark.parametrize("more", ["can you add alerting to that?", "keep it cheap, what would that look like?"])
def test_a_design_asked_to_change_is_still_the_design(more: str) -> None:
    reading, _ = converse("design a monitoring stack for client acme", more)
    assert (reading.name, reading.cancelled) == ("design", False)


def test_keep_it_running_still_cancels() -> None:
    reading, _ = converse("restart web-1", "keep it running")
    assert reading.cancelled


def test_an_address_is_no_masked_swear_word() -> None:
    assert normalize("mail ops@example.com about it")[0] == "mail ops@example.com about it"
    assert "f***" not in normalize("the f***ing api")[0]
