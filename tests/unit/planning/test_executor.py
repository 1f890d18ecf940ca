"""The executor walks plans made by the planner over the real fake engine.

Concurrency is measured where it happens, inside the engine: ``GaugedEngine`` is the fake engine
counting its ``apply`` calls in flight at once. (The observer cannot measure it: it hears of an
action's end only after the executor's loop collects it, by when the freed slot may be taken.)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from alma.engines import Change, Engine, Observed, ResourceRef
from alma.engines.fake import FakeEngine
from alma.engines.memory import MemoryKeyValueStore
from alma.errors import EngineError
from alma.planning import (
    DesiredResource,
    ExecutionResult,
    Executor,
    Outcome,
    PlannedAction,
    RetryPolicy,
    execution_graph,
    plan_actions,
)
from tests.helpers import Row, rows

STACK = "exec"
FAST_RETRY = RetryPolicy(attempts=10, base_delay_s=0.001, max_delay_s=0.002)


@dataclass
class Record:
    """One observer call, in the order the executor made it."""

    event: str
    resource: str
    attempt: int = 0
    status: str = ""


@dataclass
class RecordingObserver:
    records: list[Record] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def started(self, action: PlannedAction, attempt: int) -> None:
        self.records.append(Record("started", action.resource, attempt))

    def retrying(self, action: PlannedAction, attempt: int, error: EngineError, delay_s: float) -> None:
        assert delay_s > 0
        self.records.append(Record("retrying", action.resource, attempt, str(error)))

    def finished(self, outcome: Outcome) -> None:
        self.outcomes[outcome.action.resource] = outcome
        self.records.append(Record("finished", outcome.action.resource, outcome.attempts, outcome.status))

    def order(self, event: str, status: str | None = None) -> list[str]:
        return [r.resource for r in self.records if r.event == event and (status is None or r.status == status)]

    def position(self, event: str, resource: str) -> int:
        return next(i for i, r in enumerate(self.records) if r.event == event and r.resource == resource)


class GaugedEngine(FakeEngine):
    """A fake engine that also records how many of its mutations ran at the same time."""

    def __init__(self, **options: Any) -> None:
        super().__init__(MemoryKeyValueStore(), seed=1, **options)
        self.in_flight = 0
        self.most_in_flight = 0

    async def apply(self, change: Change) -> Observed | None:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await super().apply(change)
        finally:
            self.in_flight -= 1


def fake(**options: Any) -> FakeEngine:
    return FakeEngine(MemoryKeyValueStore(), seed=options.pop("seed", 1), **options)


def lookup(engines: Mapping[str, Engine]) -> Callable[[str], Engine]:
    return engines.__getitem__


def want(engine: Engine, name: str, deps: Sequence[str] = (), provider: str = "fake", **specs: Any) -> DesiredResource:
    rtype = specs.pop("type", "compute")
    return DesiredResource(name, rtype, provider, engine.normalize(rtype, specs), tuple(deps))


async def run_plan(
    engines: Mapping[str, Engine],
    desired: Sequence[DesiredResource],
    recorded: Sequence[Row] = (),
    **options: Any,
) -> tuple[ExecutionResult, RecordingObserver]:
    observer = RecordingObserver()
    actions = await plan_actions(STACK, desired, recorded, lookup(engines))
    executor = Executor(STACK, lookup(engines), observer=observer, rng=random.Random(3), **options)
    return await executor.run(actions), observer


async def test_every_action_starts_only_after_its_dependencies_finished() -> None:
    engine = fake(latency_ms=1)
    # Listed children first, so the order can only come from the dependencies.
    desired = [
        want(engine, "app", ["db", "cache"]),
        want(engine, "db", ["net"]),
        want(engine, "cache", ["net"]),
        want(engine, "net", type="network"),
        want(engine, "lonely"),
    ]
    result, observer = await run_plan({"fake": engine}, desired)
    assert result.succeeded
    assert result.count("succeeded") == 5
    for resource in desired:
        for dep in resource.dependencies:
            assert observer.position("finished", dep) < observer.position("started", resource.name), (
                f"{resource.name} started before {dep} finished"
            )
    assert observer.order("finished")[-1] == "app"


async def test_no_more_actions_run_at_once_than_the_parallelism_allows() -> None:
    engine = GaugedEngine(latency_ms=5)
    desired = [want(engine, f"vm{i}") for i in range(12)]
    result, _ = await run_plan({"fake": engine}, desired, parallelism=3)
    assert result.succeeded
    assert engine.most_in_flight == 3  # twelve were ready at once: the bound is reached, never passed


async def test_a_provider_limit_bounds_that_provider_while_others_run_freely() -> None:
    narrow, wide = GaugedEngine(latency_ms=5), GaugedEngine(latency_ms=5)
    desired = [want(narrow, f"n{i}", provider="narrow") for i in range(5)]
    desired += [want(wide, f"w{i}", provider="wide") for i in range(5)]
    result, _ = await run_plan(
        {"narrow": narrow, "wide": wide}, desired, parallelism=10, provider_parallelism={"narrow": 1}
    )
    assert result.succeeded
    assert narrow.most_in_flight == 1
    assert wide.most_in_flight == 5


async def test_transient_faults_are_retried_until_they_succeed() -> None:
    engine = fake(fail_rate=0.3, seed=11)
    desired = [want(engine, f"vm{i}") for i in range(10)]
    result, observer = await run_plan({"fake": engine}, desired, retry=FAST_RETRY)
    assert result.succeeded
    retried = {name: o.attempts for name, o in result.outcomes.items() if o.attempts > 1}
    assert retried, "seed 11 at a 30% fault rate makes some attempts fail"
    retries = [r for r in observer.records if r.event == "retrying"]
    assert len(retries) == sum(o.attempts - 1 for o in result.outcomes.values())
    assert all("injected transient fault" in r.status for r in retries)
    for name, attempts in retried.items():
        assert [r.attempt for r in observer.records if r.event == "started" and r.resource == name] == list(
            range(1, attempts + 1)
        )
    for resource in desired:
        observed = await engine.read(ResourceRef(STACK, resource.name, "compute"))
        assert observed is not None
        assert observed.specs == resource.specs


async def test_a_fault_that_never_clears_fails_the_action_after_the_last_attempt() -> None:
    engine = fake(fail_rate=1.0)
    result, _ = await run_plan(
        {"fake": engine}, [want(engine, "vm")], retry=RetryPolicy(3, base_delay_s=0.001, max_delay_s=0.001)
    )
    outcome = result.outcomes["vm"]
    assert outcome.status == "failed"
    assert outcome.attempts == 3
    assert outcome.error is not None
    assert "gave up after 3 attempts" in outcome.error
    assert await engine.read(ResourceRef(STACK, "vm", "compute")) is None


async def test_a_permanent_fault_stops_new_work_lets_running_work_finish_and_skips_dependents() -> None:
    broken = fake(fail_resources=frozenset({"bad"}))
    slow = fake(latency_ms=20)
    desired = [
        want(broken, "bad", provider="broken"),
        want(broken, "after-bad", ["bad"], provider="broken"),
        want(slow, "running", provider="slow"),
        want(slow, "after-running", ["running"], provider="slow"),
        want(slow, "last", ["after-running"], provider="slow"),
    ]
    result, observer = await run_plan({"broken": broken, "slow": slow}, desired, retry=FAST_RETRY)
    status = {name: o.status for name, o in result.outcomes.items()}
    assert status == {
        "bad": "failed",
        "after-bad": "skipped",
        "running": "succeeded",  # already in flight when "bad" failed: it is allowed to finish
        "after-running": "skipped",  # became ready only after the failure: never dispatched
        "last": "skipped",
    }
    assert result.outcomes["bad"].attempts == 1  # a permanent fault is not retried
    assert not result.succeeded
    assert set(observer.order("started")) == {"bad", "running"}
    assert set(observer.outcomes) == set(status)
    assert await slow.read(ResourceRef(STACK, "running", "compute")) is not None
    assert await slow.read(ResourceRef(STACK, "after-running", "compute")) is None


async def test_deletes_run_in_reverse_dependency_order() -> None:
    engine = fake(latency_ms=1)
    desired = [
        want(engine, "net", type="network"),
        want(engine, "vm", ["net"]),
        want(engine, "disk", ["vm"], type="storage"),
        want(engine, "app", ["vm", "disk"]),
    ]
    created, _ = await run_plan({"fake": engine}, desired)
    assert created.succeeded

    result, observer = await run_plan({"fake": engine}, [], rows(desired), parallelism=10)
    assert result.succeeded
    assert observer.order("finished") == ["app", "disk", "vm", "net"]
    for resource in desired:
        assert await engine.read(ResourceRef(STACK, resource.name, resource.type)) is None


async def test_the_execution_graph_orders_creates_after_dependencies_and_deletes_before_them() -> None:
    engine = fake()
    before = [
        want(engine, "net", type="network"),
        want(engine, "old-vm", ["net"]),
        want(engine, "old-app", ["old-vm"]),
        want(engine, "db", ["net"], cores=1),
    ]
    created, _ = await run_plan({"fake": engine}, before)
    assert created.succeeded
    after = [
        want(engine, "net", type="network"),
        want(engine, "db", ["net"], cores=4),
        want(engine, "web", ["net", "db"]),
        want(engine, "api", ["web"]),
    ]
    actions = await plan_actions(STACK, after, rows(before), lookup({"fake": engine}))
    assert [(a.resource, a.action) for a in actions] == [
        ("net", "noop"),
        ("db", "update"),
        ("web", "create"),
        ("api", "create"),
        ("old-app", "delete"),
        ("old-vm", "delete"),
    ]
    assert execution_graph(actions) == {
        "db": set(),  # "net" is a noop: nothing to wait for
        "web": {"db"},
        "api": {"web"},
        "old-app": set(),
        "old-vm": {"old-app"},  # deleted only after what depended on it is gone
    }
