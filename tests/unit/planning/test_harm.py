"""What a plan takes away decides with the words: deletes, replaces, stops and shrinks are destructive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from alma.engines import FieldChange
from alma.planning import Plan, PlannedAction
from alma.planning.harm import plan_harms, plan_is_destructive
from tests.conftest import make_settings


def plan(*actions: PlannedAction) -> Plan:
    return Plan("p", "web", "apply", 1, actions, dt.datetime(2026, 12, 3, tzinfo=dt.UTC), "ops", hash="h")


def update(path: str, before: Any, after: Any) -> PlannedAction:
    return PlannedAction(
        "web", "service", "fake", "update", {path: before}, {path: after}, (FieldChange(path, before, after),)
    )


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [("replicas", 4, 1), ("cores", 8, 2), ("memory", 4096, 1024), ("memory", "4G", "512M"), ("disk", "40G", "20G")],
)
def test_a_smaller_count_or_size_is_a_shrink(path: str, before: Any, after: Any) -> None:
    harms = plan_harms(plan(update(path, before, after)))
    assert [(h.kind, h.path) for h in harms] == [("shrink", path)]
    assert plan_is_destructive(plan(update(path, before, after)))


@pytest.mark.parametrize(("path", "before", "after"), [("replicas", 1, 4), ("memory", "1G", "2G"), ("image", "a", "b")])
def test_growing_or_changing_a_setting_takes_nothing_away(path: str, before: Any, after: Any) -> None:
    assert not plan_is_destructive(plan(update(path, before, after)))


def test_powering_off_is_a_stop_and_powering_on_is_not() -> None:
    assert [h.kind for h in plan_harms(plan(update("start", True, False)))] == ["stop"]
    assert plan_harms(plan(update("start", False, True))) == []


def test_deletes_and_replaces_are_destructive_and_creates_are_not() -> None:
    gone = PlannedAction("db", "compute", "fake", "delete", {"cores": 1}, None)
    made = PlannedAction("db", "compute", "fake", "create", None, {"cores": 1})
    assert [h.describe() for h in plan_harms(plan(gone))] == ["it deletes db"]
    assert not plan_is_destructive(plan(made))


def test_values_that_cannot_be_compared_are_not_guessed_at() -> None:
    assert not plan_is_destructive(plan(update("memory", "lots", "little"), update("replicas", True, False)))


def test_an_agent_must_have_a_shrink_confirmed_like_a_stop(tmp_path: Path) -> None:
    from alma.mcp.gating import risk_of  # the MCP surface reads the same harms

    risk = risk_of(plan(update("replicas", 4, 1)), make_settings(tmp_path))
    assert (risk.gate, risk.destructive) == ("confirm", True)
    assert risk.reasons == ["it shrinks web (replicas)"]
    assert risk_of(plan(update("replicas", 1, 4)), make_settings(tmp_path)).gate == "apply"
