"""The worker's tasks, run by a real procrastinate worker over its in-memory connector (a fake of the
queue's database) and the real services: a queued apply is the normal pipeline, running a job again
continues the same deployment, and what is retried is what may pass by itself."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import procrastinate
import pytest
from procrastinate.jobs import Job
from procrastinate.testing import InMemoryConnector

from alma.bootstrap import Services, build
from alma.errors import ConfigurationError, InvalidInputError, StalePlanError, UpstreamError
from alma.jobs import APPLY_TASK, DRIFT_TASK
from alma.jobs.queue import QUEUE
from alma.settings import Settings
from alma.worker.tasks import register
from tests.unit.services.test_apply_lifecycle import V1, deploy


@pytest.fixture
async def worker(settings: Settings) -> AsyncIterator[tuple[procrastinate.App, Services]]:
    async with await build(settings) as services:
        app = procrastinate.App(connector=InMemoryConnector())
        register(app, services)
        async with app.open_async():
            yield app, services


async def run_queued(app: procrastinate.App) -> None:
    """Run every job waiting, then stop (``wait=False``): no sleeping, no polling."""
    await app.run_worker_async(queues=[QUEUE], wait=False, install_signal_handlers=False, listen_notify=False)


async def test_a_queued_apply_runs_the_pipeline_and_running_it_again_changes_nothing(
    worker: tuple[procrastinate.App, Services],
) -> None:
    app, services = worker
    plan = (await services.plans.plan_blueprint(V1)).plan
    deployment_id = uuid.uuid4().hex
    job = {"plan_id": plan.id, "deployment_id": deployment_id, "actor": "queued-by", "stack": plan.stack}
    await app.configure_task(APPLY_TASK, lock=f"stack:{plan.stack}").defer_async(**job)
    await run_queued(app)
    deployment = await services.stacks.deployment(deployment_id)
    assert (deployment.status, deployment.actor) == ("succeeded", "queued-by")
    assert {r.name for r in await services.stacks.resources("shop")} == {"net", "db", "web"}

    # The same job again (a retry, or a stalled job taken over after it had finished): nothing is redone.
    await app.configure_task(APPLY_TASK, lock=f"stack:{plan.stack}").defer_async(**job)
    await run_queued(app)
    assert [d.id for d in await services.stacks.history("shop")] == [deployment_id]
    connector = app.connector
    assert isinstance(connector, InMemoryConnector)
    # (A periodic drift check may have been queued too, when a cron tick is near: only the applies count.)
    applies = [row["status"] for row in connector.jobs.values() if row["task_name"] == APPLY_TASK]
    assert applies == ["succeeded", "succeeded"]


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (ConfigurationError("cannot write to the database"), True),
        (UpstreamError("the model server is down"), True),
        (OSError("connection reset"), True),
        (InvalidInputError("no plan 'x'"), False),
        (StalePlanError("the stack moved on"), False),
    ],
)
def test_only_what_may_pass_by_itself_is_retried(
    worker: tuple[procrastinate.App, Services], error: Exception, retried: bool
) -> None:
    app, services = worker
    strategy = app.tasks[APPLY_TASK].retry_strategy
    assert strategy is not None
    job = Job(id=1, queue=QUEUE, lock=None, queueing_lock=None, task_name=APPLY_TASK, attempts=0)
    assert (strategy.get_retry_decision(exception=error, job=job) is not None) is retried
    spent = Job(
        id=1,
        queue=QUEUE,
        lock=None,
        queueing_lock=None,
        task_name=APPLY_TASK,
        attempts=services.settings.worker_job_attempts,
    )
    assert strategy.get_retry_decision(exception=error, job=spent) is None  # bounded


def test_the_drift_check_is_periodic_unless_switched_off(worker: tuple[procrastinate.App, Services]) -> None:
    app, _services = worker
    assert DRIFT_TASK in app.tasks
    assert any(p.task.name == DRIFT_TASK for p in app.periodic_registry.periodic_tasks.values())


async def test_the_drift_check_skips_a_stack_being_changed_and_reports_it_once_free(
    worker: tuple[procrastinate.App, Services], settings: Settings
) -> None:
    app, services = worker
    await deploy(services, V1)
    async with await build(settings) as outside:  # someone deletes "web" behind ALMA's back
        from alma.engines import Change, ResourceRef

        await outside._engines.get("fake").apply(Change("delete", ResourceRef("shop", "web", "compute"), None, None))
    check = app.tasks[DRIFT_TASK].func
    token = await services._store.locks.acquire("shop", "someone applying", "apply", 60)
    mid_change = await check(timestamp=0)
    assert mid_change["drifted"] == {"shop": "skipped: locked by a change in progress"}
    await services._store.locks.release("shop", token)
    free = await check(timestamp=1)
    assert [d["resource"] for d in free["drifted"]["shop"]] == ["web"]
    recorded = [e for e in await services.stacks.events("shop") if e.kind == "drift.detected"]
    assert len(recorded) == 1
