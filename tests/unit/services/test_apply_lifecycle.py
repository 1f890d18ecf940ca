"""Apply, destroy and rollback through the services, on SQLite and PostgreSQL: revisions, stale and
tampered plans, lock contention, fault injection, the event log."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from alma.bootstrap import Services, build
from alma.errors import (
    AlreadyAppliedError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PlanTamperedError,
    StackLockedError,
    StalePlanError,
)
from alma.settings import Settings
from tests.conftest import make_settings
from tests.helpers import apply_directly, blueprint_text, compute

V1 = blueprint_text("shop", [compute("net", cores=1), compute("db", ["net"], cores=2), compute("web", ["db"], cores=1)])
V2 = blueprint_text(
    "shop",
    [
        compute("net", cores=1),
        compute("db", ["net"], cores=4),
        compute("cache", ["net"], cores=1, image="redis:7"),
    ],
)


async def wait_for(condition: Callable[[], Awaitable[bool]], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)  # poll interval while waiting on a condition, not a fixed wait


async def deploy(services: Services, text: str) -> int:
    planned = await services.plans.plan_blueprint(text)
    report = await apply_directly(services, planned.plan.id)
    assert report.status == "succeeded", report.failures
    return report.revision


async def state(services: Services, stack: str = "shop") -> dict[str, dict[str, object]]:
    return {r.name: r.specs for r in await services.stacks.resources(stack)}


async def test_each_apply_is_a_new_revision_with_its_history(services: Services) -> None:
    assert await deploy(services, V1) == 1
    assert await deploy(services, V2) == 2
    history = await services.stacks.history("shop")
    assert [(d.revision, d.status, d.kind) for d in history] == [
        (1, "succeeded", "apply"),
        (2, "succeeded", "apply"),
    ]
    assert history[1].summary["create"] == 1 and history[1].summary["delete"] == 1
    assert {item["name"] for item in history[0].snapshot or []} == {"net", "db", "web"}
    assert set(await state(services)) == {"net", "db", "cache"}


async def test_a_plan_without_changes_applies_without_a_new_revision(services: Services) -> None:
    await deploy(services, V1)
    again = await services.plans.plan_blueprint(V1)
    report = await apply_directly(services, again.plan.id)
    assert report.deployment_id is None and report.revision == 1


async def test_a_stale_plan_is_refused_and_changes_nothing(services: Services) -> None:
    await deploy(services, V1)
    first = await services.plans.plan_blueprint(V2)
    other = await services.plans.plan_blueprint(blueprint_text("shop", [compute("net")]))
    await apply_directly(services, other.plan.id)
    before = await state(services)
    with pytest.raises(StalePlanError, match="revision 1"):
        await apply_directly(services, first.plan.id)
    assert await state(services) == before
    assert len(await services.stacks.history("shop")) == 2


async def test_a_plan_is_applied_only_once_and_the_second_time_says_where_it_went(services: Services) -> None:
    planned = await services.plans.plan_blueprint(V1)
    first = await apply_directly(services, planned.plan.id)
    with pytest.raises(
        AlreadyAppliedError, match=f"already applied as revision 1 of 'shop' \\(deployment {first.deployment_id}"
    ):
        await apply_directly(services, planned.plan.id)


async def test_a_plan_file_whose_hash_differs_is_refused(services: Services) -> None:
    planned = await services.plans.plan_blueprint(V1)
    with pytest.raises(PlanTamperedError):
        await services.runs.prepare(planned.plan.id, expected_hash="0" * 64)
    assert await services.stacks.stacks() == []


async def test_an_unknown_plan_id_is_a_clear_error(services: Services) -> None:
    with pytest.raises(InvalidInputError, match="no plan with id 'nope'"):
        await apply_directly(services, "nope")


async def test_rollback_restores_the_state_of_an_earlier_revision(services: Services) -> None:
    await deploy(services, V1)
    v1_state = await state(services)
    await deploy(services, V2)
    plan = await services.plans.plan_rollback("shop", 1)
    assert plan.kind == "rollback" and plan.target_revision == 1
    report = await apply_directly(services, plan.id)
    assert report.status == "succeeded" and report.revision == 3
    assert await state(services) == v1_state
    # The engine agrees with the record: planning V1 again changes nothing.
    assert not (await services.plans.plan_blueprint(V1)).plan.has_changes


async def test_rollback_defaults_to_the_last_good_revision_and_refuses_impossible_targets(
    services: Services,
) -> None:
    await deploy(services, V1)
    await deploy(services, V2)
    plan = await services.plans.plan_rollback("shop")
    assert plan.target_revision == 1
    with pytest.raises(InvalidInputError, match=r"choose one of 0\.\.1"):
        await services.plans.plan_rollback("shop", 2)
    with pytest.raises(InvalidInputError, match="no stack named 'nope'"):
        await services.plans.plan_rollback("nope")


async def test_destroy_removes_everything_in_reverse_dependency_order(services: Services) -> None:
    await deploy(services, V1)
    plan = await services.plans.plan_destroy("shop")
    assert [a.resource for a in plan.actions] == ["web", "db", "net"]
    report = await apply_directly(services, plan.id)
    assert report.status == "succeeded"
    assert await state(services) == {}
    events = await services.stacks.events("shop", report.deployment_id)
    deleted = [e.resource for e in events if e.kind == "resource.deleted"]
    assert deleted == ["web", "db", "net"]


async def test_every_transition_is_in_the_event_log_in_order(services: Services) -> None:
    await deploy(services, V1)
    history = await services.stacks.history("shop")
    events = await services.stacks.events("shop", history[0].id)
    kinds = [e.kind for e in events]
    assert kinds[0] == "deployment.started" and kinds[-1] == "deployment.succeeded"
    for name in ("net", "db", "web"):
        mine = [e.kind for e in events if e.resource == name]
        assert mine == ["resource.creating", "resource.created"]
    created = [e.resource for e in events if e.kind == "resource.created"]
    assert created == ["net", "db", "web"]
    assert all(e.actor == "tester" for e in events)


async def test_a_second_concurrent_mutation_fails_fast_naming_the_holder(tmp_path: Path, database_url: str) -> None:
    slow = make_settings(tmp_path / "a", database_url, fake_latency_ms=200)
    async with await build(slow) as first, await build(make_settings(tmp_path / "b", database_url)) as second:
        planned = await first.plans.plan_blueprint(V1)
        running = asyncio.get_running_loop().create_task(apply_directly(first, planned.plan.id))

        async def locked() -> bool:
            return await second.stacks.lock("shop") is not None

        await wait_for(locked)
        other = await second.plans.plan_blueprint(V1)
        started = time.perf_counter()
        with pytest.raises(StackLockedError, match=r"locked by tester@.*\(pid \d+\)"):
            await apply_directly(second, other.plan.id)
        assert time.perf_counter() - started < 2, "a locked stack must be refused at once, not waited on"
        report = await running
        assert report.status == "succeeded"
        assert await second.stacks.lock("shop") is None


def dead_holder() -> str:
    """A holder on this host whose process has exited (a real process, started and reaped)."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    return f"ghost@{socket.gethostname()} (pid {gone.pid})"


async def test_force_unlock_removes_a_dead_holders_lock_and_records_it(services: Services, settings: Settings) -> None:
    await deploy(services, V1)
    holder = dead_holder()
    async with await build(settings) as dead:
        await dead._store.locks.acquire("shop", holder, "apply plan x", 3600)
    planned = await services.plans.plan_blueprint(V2)
    with pytest.raises(StackLockedError, match="its holder is gone \\(the process died\\)"):
        await apply_directly(services, planned.plan.id)
    released = await services.stacks.force_unlock("shop")
    assert released is not None and released.holder == holder
    assert (await apply_directly(services, planned.plan.id)).status == "succeeded"
    kinds = [e.kind for e in await services.stacks.events("shop")]
    assert "lock.forced" in kinds


async def test_force_unlock_refuses_a_holder_that_is_alive_unless_forced(
    services: Services, settings: Settings
) -> None:
    await deploy(services, V1)
    alive = f"someone@{socket.gethostname()} (pid {os.getpid()})"
    async with await build(settings) as other:
        await other._store.locks.acquire("shop", alive, "run 0123456789abcdef0123456789abcdef: apply", 3600)
    with pytest.raises(ConflictError, match="which is alive on this host: it is still working"):
        await services.stacks.force_unlock("shop")
    assert await services.stacks.lock("shop") is not None
    released = await services.stacks.force_unlock("shop", force=True)
    assert released is not None and released.holder == alive
    forced = [e for e in await services.stacks.events("shop") if e.kind == "lock.forced"]
    assert forced[-1].data["forced_live"] is True


async def test_force_unlock_refuses_a_renewed_lock_held_on_another_host(services: Services, settings: Settings) -> None:
    await deploy(services, V1)
    async with await build(settings) as other:
        await other._store.locks.acquire("shop", "ops@elsewhere (pid 9)", "apply plan x", 3600)
    with pytest.raises(ConflictError, match="on another host and keeps renewing the lock"):
        await services.stacks.force_unlock("shop")
    assert (await services.stacks.force_unlock("shop", force=True)) is not None


async def test_transient_faults_are_retried_to_success(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, fake_fail_rate=0.4, fake_seed=7, retry_attempts=12)
    text = blueprint_text("flaky", [compute(f"n-{i}") for i in range(20)])
    async with await build(settings) as services:
        planned = await services.plans.plan_blueprint(text)
        report = await apply_directly(services, planned.plan.id)
        assert report.status == "succeeded"
        events = await services.stacks.events("flaky", report.deployment_id)
        assert any(e.kind == "resource.retrying" for e in events)
        assert len(await services.stacks.resources("flaky")) == 20


async def test_a_permanent_fault_leaves_partial_state_and_a_working_rollback(tmp_path: Path, database_url: str) -> None:
    text = blueprint_text("part", [compute("a"), compute("b", ["a"]), compute("c", ["b"]), compute("d")])
    faulty = make_settings(tmp_path / "x", database_url, fake_fail_resources=["b"], parallelism=1)
    async with await build(faulty) as services:
        planned = await services.plans.plan_blueprint(text)
        report = await apply_directly(services, planned.plan.id)
        assert report.status == "failed"
        by_name = {f["resource"]: f["status"] for f in report.failures}
        assert by_name["b"] == "failed" and by_name["c"] == "skipped"
        recorded = {r.name for r in await services.stacks.resources("part")}
        assert "a" in recorded and "b" not in recorded and "c" not in recorded
        history = await services.stacks.history("part")
        assert history[-1].status == "failed" and history[-1].error is not None
        rollback = await services.plans.plan_rollback("part")
        assert rollback.target_revision == 0
        assert (await apply_directly(services, rollback.id)).status == "succeeded"
        assert await services.stacks.resources("part") == []
    healthy = make_settings(tmp_path / "y", database_url)
    async with await build(healthy) as services:
        again = await services.plans.plan_blueprint(text)
        assert again.plan.summary()["create"] == 4
        assert (await apply_directly(services, again.plan.id)).status == "succeeded"


async def test_drift_is_seen_when_the_engine_lost_a_resource(services: Services, settings: Settings) -> None:
    await deploy(services, V1)
    # Someone deletes "web" behind ALMA's back: through the engine, as an outside actor would.
    async with await build(settings) as outside:
        from alma.engines import Change, ResourceRef

        engine = outside._engines.get("fake")
        await engine.apply(Change("delete", ResourceRef("shop", "web", "compute"), None, None))
    replanned = await services.plans.plan_blueprint(V1)
    web = next(a for a in replanned.plan.actions if a.resource == "web")
    assert web.action == "create" and "drift" in web.reason


async def test_an_interrupted_apply_is_recorded_as_failed_and_releases_its_lock(
    tmp_path: Path, database_url: str
) -> None:
    slow = make_settings(tmp_path, database_url, fake_latency_ms=5000)
    async with await build(slow) as services:
        planned = await services.plans.plan_blueprint(V1)
        running = asyncio.get_running_loop().create_task(apply_directly(services, planned.plan.id))

        async def started() -> bool:
            try:
                return any(e.kind == "resource.creating" for e in await services.stacks.events("shop"))
            except InvalidInputError:  # the stack is recorded when the deployment begins
                return False

        await wait_for(started)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        history = await services.stacks.history("shop")
        assert history[-1].status == "failed"
        assert "interrupted" in (history[-1].error or "")
        assert await services.stacks.lock("shop") is None


async def test_force_unlock_of_a_mistyped_stack_says_there_is_no_such_stack(
    services: Services, settings: Settings
) -> None:
    # "was not locked" for a typo reads as done, while the stack meant stays locked.
    await deploy(services, V1)
    async with await build(settings) as dead:
        await dead._store.locks.acquire("shop", dead_holder(), "apply plan x", 3600)
    with pytest.raises(NotFoundError, match="no stack named 'Shop'; did you mean 'shop'"):
        await services.stacks.force_unlock("Shop")
    assert await services.stacks.lock("shop") is not None
    assert await services.stacks.force_unlock("shop") is not None
    assert await services.stacks.force_unlock("shop") is None  # a second time: nothing to do, not an error
