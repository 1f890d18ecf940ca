"""Golden planner cases, pyinfra style: facts in, actions out, one generic runner for every JSON file.

Each ``golden/*.json`` case holds:
- ``observed``: the objects present in the fake engine's world, ``{name: {type, specs}}``;
- ``recorded``: the state rows of the stack, ``[{name, type, provider, specs, dependencies}]``;
- ``desired``: the blueprint's resources, ``[{name, type, provider, specs, dependencies}]``;
- ``expected``: the planned actions in order, ``[resource, action]`` or ``[resource, action, [changed paths]]``;
- optionally ``forces_replace`` (``{resource: [paths that force the replacement]}``) and ``reasons``
  (``{resource: text the reason contains}``, where ``""`` means the action carries no reason).

Specs are written as an operator would and normalized by the engine, as the blueprint pipeline does.
The runner refuses keys it does not know, so a typo in a case fails loudly instead of testing less.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from alma.engines import Change, ResourceRef
from alma.engines.fake import FakeEngine
from alma.engines.memory import MemoryKeyValueStore
from alma.planning import DesiredResource, PlannedAction, plan_actions
from tests.helpers import Row

STACK = "golden"
CASES = sorted((Path(__file__).parent / "golden").glob("*.json"))
CASE_KEYS = {"description", "observed", "recorded", "desired", "expected", "forces_replace", "reasons"}
RESOURCE_KEYS = {"name", "type", "provider", "specs", "dependencies"}


def load_case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text())
    assert set(case) <= CASE_KEYS, f"unknown keys in {path.name}: {set(case) - CASE_KEYS}"
    assert {"observed", "recorded", "desired", "expected"} <= set(case), f"{path.name} misses a section"
    for resource in [*case["recorded"], *case["desired"]]:
        assert set(resource) == RESOURCE_KEYS, f"{path.name}: {resource}"
    return case


async def plan_case(case: dict[str, Any]) -> list[PlannedAction]:
    engine = FakeEngine(MemoryKeyValueStore(), seed=0)
    for name, thing in case["observed"].items():
        assert set(thing) == {"type", "specs"}, f"observed {name}: {thing}"
        ref = ResourceRef(STACK, name, thing["type"])
        await engine.apply(Change("create", ref, engine.normalize(thing["type"], thing["specs"]), None))
    recorded = [
        Row(r["name"], r["type"], r["provider"], engine.normalize(r["type"], r["specs"]), r["dependencies"])
        for r in case["recorded"]
    ]
    desired = [
        DesiredResource(
            r["name"], r["type"], r["provider"], engine.normalize(r["type"], r["specs"]), tuple(r["dependencies"])
        )
        for r in case["desired"]
    ]
    return await plan_actions(STACK, desired, recorded, {"fake": engine}.__getitem__)


def test_there_are_enough_golden_cases() -> None:
    assert len(CASES) >= 9


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
async def test_the_planner_turns_a_golden_case_into_its_expected_actions(path: Path) -> None:
    case = load_case(path)
    actions = await plan_case(case)

    assert [[a.resource, a.action] for a in actions] == [entry[:2] for entry in case["expected"]]
    by_name = {a.resource: a for a in actions}
    for entry in case["expected"]:
        if len(entry) == 3:
            resource, _, paths = entry
            assert [c.path for c in by_name[resource].changes] == paths, resource
    for resource, paths in case.get("forces_replace", {}).items():
        assert [c.path for c in by_name[resource].changes if c.forces_replace] == paths, resource
    for resource, text in case.get("reasons", {}).items():
        reason = by_name[resource].reason
        assert (text in reason) if text else reason == "", (resource, reason)
