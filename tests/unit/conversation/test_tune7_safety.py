"""The guard on the tune-7 set's unsafe readings (scored blind first): each mechanism, on phrasings of its own."""

from __future__ import annotations

import pytest

from alma.conversation.cues import live_cues
from alma.conversation.frustration import FRUSTRATED, session_score
from tests.unit.conversation.conversing import converse


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("update: reverting search-api to 2.0", "rollback"),
        ("SEV2: checkout 5xx after the deploy, rolling back checkout to 7.1", "rollback"),
        ("if latency stays above 300ms roll it back", "rollback"),
        ("give the media vm 2GB less", "shrink"),
    ],
)
def test_announced_acts_conditional_commands_and_sizes_taken_away_are_live_cues(said: str, kind: str) -> None:
    assert kind in {c.kind for c in live_cues(said)}


@pytest.mark.parametrize(
    "turns",
    [
        ("deploy v3 of api-gw", "if the error rate goes above 1% roll it back"),
        ("give the media vm 2GB less",),
        ("reboot cache-7", "no wait, not cache-7 — cache-8"),
        ("docker compose up -d --scale worker=1",),
    ],
)
def test_these_requests_are_destructive(turns: tuple[str, ...]) -> None:
    _, destructive = converse(*turns)
    assert destructive


def test_a_redirection_keeps_the_request_on_the_name_meant() -> None:
    reading, _ = converse("reboot cache-7", "no wait, not cache-7 — cache-8")
    assert (reading.name, reading.target) == ("restart", "cache-8"), reading


def test_three_calm_lines_after_an_outburst_are_still_said_in_it_unless_it_was_called_off() -> None:
    outburst = ["the worker is slow AGAIN, this is useless!!"]
    assert session_score([*outburst, "ok found it, a bad release", "hmm", "roll back the worker"]) >= FRUSTRATED
    soothed = [*outburst, "sorry, I'm better now", "what's its status?", "roll back the worker"]
    assert session_score(soothed) < FRUSTRATED
    fine = [*outburst, "never mind, everything's fine now", "its logs?", "stop the old worker"]
    assert session_score(fine) < FRUSTRATED


@pytest.mark.parametrize("said", ["thanks, stopping here for today", "ok, stopping there for now"])
def test_the_person_stopping_for_the_day_stops_nothing(said: str) -> None:
    _, destructive = converse(said)
    assert not destructive
