"""Personas change the reply, never the action."""

from __future__ import annotations

import pytest

from alma.conversation import Focus, IntentParser, decide, persona_for
from alma.conversation.personas import reply


@pytest.mark.parametrize(
    ("intent", "persona"),
    [
        ("design", "architect"),
        ("explain", "architect"),
        ("deploy", "operator"),
        ("scale", "operator"),
        ("stop", "operator"),
        ("status", "operator"),
        ("troubleshoot", "medic"),
    ],
)
def test_each_intent_has_its_persona(intent: str, persona: str) -> None:
    assert persona_for(intent) == persona  # type: ignore[arg-type]


def test_building_from_scratch_is_the_architects() -> None:
    assert persona_for("deploy", from_scratch=True) == "architect"


def test_the_persona_changes_the_words_and_not_the_decision() -> None:
    reading = Focus().resolve(IntentParser().parse("delete web-01"))
    risk = decide(reading.name, True, 0.0, session="s", subject={"target": "web-01"}, target="web-01")
    operator, medic = reply("operator", reading, risk), reply("medic", reading, risk)
    assert operator != medic
    assert risk.token is not None and risk.token in operator and risk.token in medic


def test_the_medic_asks_diagnostic_questions() -> None:
    reading = Focus().resolve(IntentParser().parse("web-01 won't start, why?"))
    text = reply("medic", reading, decide(reading.name, False, 0.0, session="s", subject={}))
    assert "?" in text and "web-01" in text
