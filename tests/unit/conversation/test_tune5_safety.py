"""The guard on the blind tune-5 set's unsafe readings: each mechanism, on phrasings of its own (not the set's)."""

from __future__ import annotations

import pytest

from alma.conversation.frustration import FRUSTRATED, session_score
from tests.unit.conversation.conversing import converse


@pytest.mark.parametrize(
    "turns",
    [
        ("hold on, errors. undo!!! undo!!!",),
        ("wait. roll it back",),
        ("never mind the logs, just restart web-01",),
    ],
)
def test_a_hesitation_before_a_request_does_not_withdraw_the_request(turns: tuple[str, ...]) -> None:
    reading, destructive = converse(*turns)
    assert not reading.cancelled and destructive, reading


@pytest.mark.parametrize(
    "turns", [("stop! don't do anything",), ("wait, no, leave it running",), ("hold on, don't delete it",)]
)
def test_a_withdrawal_with_nothing_asked_after_it_still_withdraws(turns: tuple[str, ...]) -> None:
    reading, destructive = converse("delete web-01", *turns)
    assert reading.cancelled and not destructive, reading


@pytest.mark.parametrize(
    ("turns", "name", "target"),
    [
        (("yeet old-stg",), "destroy", "old-stg"),
        (("give cache-2 a kick",), "restart", "cache-2"),
        (("give the api another bounce",), "restart", "api"),
        (("resize db-3", "down to 1GB, it has 8 now"), "update", "db-3"),
        (("scale api to 6", "hmm, down to 2"), "scale", "api"),
        (("shut down app-3", "no wait, wrong box. app-4"), "stop", "app-4"),
        (("reboot node-a", "no wait, wrong one: node-b"), "restart", "node-b"),
    ],
)
def test_slang_kicks_lower_amounts_and_redirections_are_destructive(
    turns: tuple[str, ...], name: str, target: str
) -> None:
    reading, destructive = converse(*turns)
    assert (reading.name, reading.target, destructive) == (name, target, True), reading


def test_an_also_after_a_scale_down_is_the_same_scale_down() -> None:
    reading, destructive = converse("scale workers down to 2", "and the queue too")
    assert (reading.name, reading.direction, destructive) == ("scale", "down", True), reading


def test_a_lower_amount_is_not_an_outage() -> None:
    """ "down to 2GB" is an amount, not "down" as in broken: not a troubleshooting question."""
    reading, _ = converse("resize web-9", "down to 2GB")
    assert reading.name != "troubleshoot"


def test_the_calm_lines_right_after_an_outburst_are_still_said_in_it_and_a_fourth_is_calm() -> None:
    outburst = ["this f***ing release broke everything"]
    assert session_score([*outburst, "status of billing?", "restart billing"]) >= FRUSTRATED
    assert session_score([*outburst, "status of billing?", "its logs?", "its events?", "restart billing"]) < FRUSTRATED


def test_two_kinds_of_escalation_in_one_line_are_frustration() -> None:
    assert session_score(["vpn-2 won't boot", "tried everything, it's still dead. reinstall it"]) >= FRUSTRATED
    assert session_score(["vpn-2 won't boot", "ok, reinstall it"]) < FRUSTRATED
