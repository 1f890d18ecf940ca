"""Convergence: whatever blueprint is applied, planning it again finds nothing left to do.

Blueprints are random DAGs of compute, network and storage resources with valid specs written the way
operators write them (units, unsorted tags, host addresses for networks). A second random blueprint
over the same names then exercises updates, replaces (including type changes) and deletes.
Hypothesis drives synchronous tests; each runs its own event loop with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from alma.engines import Engine, ResourceRef
from alma.engines.fake import FakeEngine
from alma.engines.memory import MemoryKeyValueStore
from alma.planning import DesiredResource, Executor, RetryPolicy, plan_actions
from tests.helpers import Row

STACK = "prop"
NAMES = [f"r{i}" for i in range(7)]

Blueprint = list[tuple[str, str, dict[str, Any], tuple[str, ...]]]  # (name, type, raw specs, dependencies)

compute_specs = st.fixed_dictionaries(
    {},
    optional={
        "cores": st.integers(1, 16),
        "memory": st.sampled_from([256, 512, 1024, "512M", "1G", "2GiB", "1.5G"]),
        "disk": st.sampled_from([8, 10, 20, "10G", "40GB", "1T"]),
        "image": st.sampled_from(["debian-12", "ubuntu-24.04", "alpine-3.20"]),
        "start": st.booleans(),
        "tags": st.lists(st.sampled_from(["web", "db", "blue", "green"]), max_size=4),
    },
)
network_specs = st.fixed_dictionaries(
    {},
    optional={
        "cidr": st.sampled_from(["10.0.0.0/24", "10.0.0.9/24", "192.168.0.0/16", "172.16.4.0/22"]),
        "vlan": st.none() | st.integers(1, 4094),
    },
)
storage_specs = st.fixed_dictionaries(
    {},
    optional={"size": st.sampled_from([1, 10, 50, "5G", "100GiB"]), "kind": st.sampled_from(["volume", "bucket"])},
)
SPECS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "compute": compute_specs,
    "network": network_specs,
    "storage": storage_specs,
}


@st.composite
def blueprints(draw: st.DrawFn) -> Blueprint:
    """Resources named from a shared pool (so two blueprints overlap), each depending only on earlier ones."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=len(NAMES), unique=True))
    resources: Blueprint = []
    for index, name in enumerate(names):
        rtype = draw(st.sampled_from(sorted(SPECS)))
        specs = draw(SPECS[rtype])
        deps = draw(st.lists(st.sampled_from(names[:index]), unique=True)) if index else []
        resources.append((name, rtype, specs, tuple(deps)))
    return resources


def desired_of(engine: Engine, blueprint: Blueprint) -> list[DesiredResource]:
    for _, rtype, specs, _ in blueprint:
        assert engine.check(rtype, specs) == [], (rtype, specs)
    return [DesiredResource(n, t, "fake", engine.normalize(t, dict(s)), d) for n, t, s, d in blueprint]


async def converge(engine: Engine, desired: Sequence[DesiredResource], recorded: Sequence[Row]) -> list[Row]:
    """Plan, apply and re-plan; return what would now be recorded."""
    engines = {"fake": engine}.__getitem__
    actions = await plan_actions(STACK, desired, recorded, engines)
    executor = Executor(STACK, engines, parallelism=4, retry=RetryPolicy(1))
    result = await executor.run(actions)
    failures = {name: o.error for name, o in result.outcomes.items() if o.status != "succeeded"}
    assert not failures
    now = [Row(d.name, d.type, d.provider, d.specs, list(d.dependencies)) for d in desired]
    again = await plan_actions(STACK, desired, now, engines)
    assert [(a.resource, a.action) for a in again if a.action != "noop"] == []
    assert [a.resource for a in again] == [a.resource for a in actions if a.action != "delete"]
    for resource in desired:
        observed = await engine.read(ResourceRef(STACK, resource.name, resource.type))
        assert observed is not None
        assert observed.specs == resource.specs
    return now


async def apply_in_turn(*blueprints: Blueprint) -> None:
    engine = FakeEngine(MemoryKeyValueStore(), seed=0)
    recorded: list[Row] = []
    for blueprint in blueprints:
        recorded = await converge(engine, desired_of(engine, blueprint), recorded)
    kept = {name for name, *_ in blueprints[-1]}
    for name in set(NAMES) - kept:
        for rtype in SPECS:
            assert await engine.read(ResourceRef(STACK, name, rtype)) is None, f"{name} should be gone"


@settings(max_examples=40, deadline=None)
@given(blueprints())
def test_planning_again_after_applying_a_blueprint_finds_only_noops(blueprint: Blueprint) -> None:
    asyncio.run(apply_in_turn(blueprint))


@settings(max_examples=40, deadline=None)
@given(blueprints(), blueprints())
def test_applying_a_second_blueprint_over_the_first_converges_too(first: Blueprint, second: Blueprint) -> None:
    asyncio.run(apply_in_turn(first, second))
