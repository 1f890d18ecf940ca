"""The risk guard's matrix, its explanations, and confirmation tokens bound to exactly one thing."""

from __future__ import annotations

import datetime as dt

import pytest

from alma.chat import plan_subject
from alma.conversation import confirmation_token, decide
from alma.conversation.risk import token_matches
from alma.planning import Plan
from alma.planning.harm import plan_is_destructive

SUBJECT = {"intent": "destroy", "target": "db-01"}


@pytest.mark.parametrize("intent", ["status", "list", "plan", "design", "troubleshoot", "explain", "unknown"])
def test_reading_is_allowed_however_frustrated_the_user_is(intent: str) -> None:
    assert decide(intent, False, 1.0, session="s", subject=SUBJECT).decision == "allow"  # type: ignore[arg-type]


def test_a_change_that_removes_nothing_is_allowed() -> None:
    assert decide("deploy", False, 0.9, session="s", subject=SUBJECT).decision == "allow"


def test_calm_and_destructive_needs_a_confirmation_with_a_token() -> None:
    risk = decide("destroy", True, 0.1, session="s", subject=SUBJECT, target="db-01")
    assert risk.decision == "confirm"
    assert risk.token == confirmation_token("s", SUBJECT)


def test_frustrated_and_destructive_is_blocked_with_a_reason_and_a_safe_next_step() -> None:
    risk = decide("destroy", True, 0.8, session="s", subject=SUBJECT, target="db-01")
    assert risk.decision == "block"
    assert "frustrated" in risk.reason
    assert risk.next_step is not None and "stop it instead" in risk.next_step
    assert risk.token is None


def _plan(plan_hash: str, kind: str = "apply") -> Plan:
    return Plan("plan-1", "web", kind, 3, (), dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "ops", hash=plan_hash)  # type: ignore[arg-type]


def test_a_token_is_bound_to_the_exact_plan() -> None:
    token = decide("destroy", True, 0.0, session="s", subject=plan_subject(_plan("h1"))).token
    assert token is not None
    assert token_matches(token, "s", plan_subject(_plan("h1")))
    assert not token_matches(token, "s", plan_subject(_plan("h2")))
    assert not token_matches(token, "other-session", plan_subject(_plan("h1")))


def test_the_plan_decides_whether_an_operation_is_destructive() -> None:
    assert plan_is_destructive(_plan("h", kind="destroy"))
    assert not plan_is_destructive(_plan("h"))
