"""The parts of the scale-out that run in one process: live-event watchers woken by commits (and by
Redis from another LiveEvents, as another replica would), domain metrics counted where work happens,
the drift check the workers run periodically, and the queue's refusal of a database it cannot live in."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from alma.bootstrap import Services, build
from alma.services.live import LiveEvents
from alma.settings import Settings
from tests.conftest import make_settings
from tests.helpers import apply_directly
from tests.unit.services.test_apply_lifecycle import V1, deploy

REDIS_ENV = "ALMA_TEST_REDIS_URL"


async def test_a_commit_wakes_the_watchers_of_its_deployment_only() -> None:
    live = LiveEvents()
    async with live.watch("d1") as mine, live.watch("d2") as other:
        mine.arm()
        other.arm()
        live.committed([{"deployment_id": "d1", "kind": "resource.created"}, {"deployment_id": None}])
        assert await mine.wait(5)
        assert not await other.wait(0.01)


async def test_news_between_arming_and_waiting_is_not_lost() -> None:
    live = LiveEvents()
    async with live.watch("d1") as watcher:
        watcher.arm()  # a stream arms, then reads the log ...
        live.committed([{"deployment_id": "d1"}])  # ... an event commits meanwhile ...
        assert await watcher.wait(0.01)  # ... and the wait returns at once
        watcher.arm()
        assert not await watcher.wait(0.01)


async def test_the_services_wake_watchers_when_an_apply_commits_events(settings: Settings) -> None:
    async with await build(settings) as services:
        planned = await services.plans.plan_blueprint(V1)
        deployment_id = uuid.uuid4().hex
        async with services.live.watch(deployment_id) as watcher:
            watcher.arm()
            running = asyncio.get_running_loop().create_task(
                apply_directly(services, planned.plan.id, deployment_id=deployment_id)
            )
            assert await watcher.wait(10)
            assert (await running).status == "succeeded"


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set; the fan-out tests need Redis")
    return url


@pytest.fixture
async def replicas(redis_url: str) -> AsyncIterator[tuple[LiveEvents, LiveEvents]]:
    channel = f"alma:test:{uuid.uuid4().hex[:8]}"
    writer, reader = LiveEvents(redis_url, channel), LiveEvents(redis_url, channel)
    try:
        yield writer, reader
    finally:
        await writer.aclose()
        await reader.aclose()


async def test_redis_carries_the_news_to_another_replica(replicas: tuple[LiveEvents, LiveEvents]) -> None:
    writer, reader = replicas
    async with reader.watch("d1") as watcher:  # subscribed before it returns
        watcher.arm()
        writer.committed([{"deployment_id": "d1"}])
        assert await watcher.wait(10)
    assert writer.published == 1 and reader.received >= 1


async def test_an_unreachable_redis_never_fails_the_writer(caplog: pytest.LogCaptureFixture) -> None:
    live = LiveEvents("redis://127.0.0.1:1/0", "alma:test")
    async with live.watch("d1") as watcher:  # the listener gives up, loudly; local news still works
        watcher.arm()
        live.committed([{"deployment_id": "d1"}])
        assert await watcher.wait(5)
    await live.aclose()
    assert "Redis" in caplog.text
    assert live.published == 0


def _sample(services: Services, name: str, labels: dict[str, str]) -> float | None:
    return services.metrics.registry.get_sample_value(name, labels)


async def test_domain_metrics_count_operations_by_engine_and_outcome(services: Services) -> None:
    await deploy(services, V1)
    created = {"engine": "fake", "action": "create", "outcome": "succeeded"}
    assert _sample(services, "alma_resource_operations_total", created) == 3
    applied = {"kind": "apply", "status": "succeeded"}
    assert _sample(services, "alma_apply_duration_seconds_count", applied) == 1
    assert (_sample(services, "alma_apply_duration_seconds_sum", applied) or 0) > 0


async def test_failed_operations_are_counted_as_failed(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, fake_fail_resources=["db"], retry_attempts=1)
    async with await build(settings) as services:
        planned = await services.plans.plan_blueprint(V1)
        report = await apply_directly(services, planned.plan.id)
        assert report.status == "failed"
        failed = {"engine": "fake", "action": "create", "outcome": "failed"}
        assert _sample(services, "alma_resource_operations_total", failed) == 1
        assert _sample(services, "alma_apply_duration_seconds_count", {"kind": "apply", "status": "failed"}) == 1


async def test_the_drift_check_records_what_the_engines_lost(services: Services, settings: Settings) -> None:
    await deploy(services, V1)
    assert not (await services.drift.report("shop")).drifted
    async with await build(settings) as outside:  # someone deletes "web" behind ALMA's back
        from alma.engines import Change, ResourceRef

        await outside._engines.get("fake").apply(Change("delete", ResourceRef("shop", "web", "compute"), None, None))
    report = await services.drift.report("shop")
    await services.drift.record(report)
    assert [(d.resource, d.drift, d.repair) for d in report.differences()] == [("web", "missing", "create")]
    recorded = [e for e in await services.stacks.events("shop", None, 0, 500) if e.kind == "drift.detected"]
    assert len(recorded) == 1 and "web" in recorded[0].message


def test_the_queue_refuses_the_embedded_database(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="ALMA_QUEUE=procrastinate needs ALMA_DATABASE_URL on PostgreSQL"):
        make_settings(tmp_path, None, queue="procrastinate")


def test_inline_is_the_embedded_default(tmp_path: Path) -> None:
    assert make_settings(tmp_path).queue == "inline"
