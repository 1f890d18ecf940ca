"""Drift through its service, on SQLite and PostgreSQL: the fake world is changed behind ALMA's back by a
second engine over the same database (as another process would), and the report says what differs, resource
by resource; a plan of the recorded blueprint repairs exactly that."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from alma.bootstrap import Services, build
from alma.engines import Change, ResourceRef
from alma.engines.fake import FakeEngine
from alma.errors import InvalidInputError
from alma.settings import Settings
from alma.store import Database, Store
from tests.helpers import blueprint_text, compute, run_plan

SHOP = blueprint_text(
    "shop", [compute("net", cores=1), compute("db", ["net"], cores=2), compute("web", ["db"], cores=1)]
)


async def deploy(services: Services, text: str) -> None:
    """Plan and apply through the one run use case, as the CLI does."""
    plan = (await services.plans.plan_blueprint(text)).plan
    result = await run_plan(services, plan.id)
    assert result.outcome == "succeeded", result.error


@asynccontextmanager
async def behind_almas_back(settings: Settings) -> AsyncIterator[FakeEngine]:
    """Someone else's hands on the fake world: another engine over the same database, flushed on exit."""
    store = Store(Database(settings.resolved_database_url))
    try:
        yield FakeEngine(store.key_value("fake"))
    finally:
        await store.aclose()


async def _specs(services: Services, name: str) -> dict[str, object]:
    return dict((await services.stacks.resource("shop", name)).specs)


async def test_a_stack_as_recorded_reports_every_resource_in_sync_and_writes_nothing(services: Services) -> None:
    await deploy(services, SHOP)
    before = await services.stacks.events("shop")
    first = await services.drift.report("shop")
    again = await services.drift.report("shop")
    assert not first.drifted and not again.drifted
    assert [(r.resource, r.drift, r.repair) for r in first.resources] == [
        ("net", "in_sync", "noop"),
        ("db", "in_sync", "noop"),
        ("web", "in_sync", "noop"),
    ]
    assert first.summary.in_sync == 3 and first.revision == 1 and first.change_in_progress is None
    await services.drift.record(first)  # nothing to record
    assert await services.stacks.events("shop") == before


async def test_a_resource_deleted_behind_almas_back_is_missing_and_recreated_by_the_recorded_blueprint(
    services: Services, settings: Settings
) -> None:
    await deploy(services, SHOP)
    async with behind_almas_back(settings) as engine:
        await engine.apply(Change("delete", ResourceRef("shop", "web", "compute"), None, None))
    report = await services.drift.report("shop")
    assert report.drifted
    assert [(r.resource, r.drift, r.repair) for r in report.differences()] == [("web", "missing", "create")]
    assert report.summary.model_dump() == {"changed": 0, "missing": 1, "unmanaged": 0, "in_sync": 2}

    repair = (await services.plans.plan_blueprint(await services.drift.recorded_blueprint("shop"))).plan
    assert [(a.resource, a.action) for a in repair.actions if a.action != "noop"] == [("web", "create")]
    await deploy(services, await services.drift.recorded_blueprint("shop"))
    assert not (await services.drift.report("shop")).drifted


async def test_a_field_changed_behind_almas_back_is_reported_with_both_values_and_put_back(
    services: Services, settings: Settings
) -> None:
    await deploy(services, SHOP)
    recorded = await _specs(services, "db")
    async with behind_almas_back(settings) as engine:
        ref = ResourceRef("shop", "db", "compute")
        seen = await engine.read(ref)
        await engine.apply(Change("update", ref, {**recorded, "cores": 8, "memory": 4096}, seen))
    report = await services.drift.report("shop")
    (db,) = report.differences()
    assert (db.resource, db.drift, db.repair) == ("db", "changed", "update")
    assert {(f.path, f.recorded, f.actual) for f in db.fields} == {("cores", 2, 8), ("memory", 512, 4096)}
    assert "cores: recorded 2, now 8" in db.detail
    assert await _specs(services, "db") == recorded  # reading drift never rewrites the record

    await deploy(services, await services.drift.recorded_blueprint("shop"))
    assert not (await services.drift.report("shop")).drifted


async def test_an_immutable_field_changed_behind_almas_back_is_repaired_by_a_replace(
    services: Services, settings: Settings
) -> None:
    await deploy(services, SHOP)
    recorded = await _specs(services, "web")
    async with behind_almas_back(settings) as engine:
        ref = ResourceRef("shop", "web", "compute")
        await engine.apply(Change("replace", ref, {**recorded, "image": "httpd"}, await engine.read(ref)))
    (web,) = (await services.drift.report("shop")).differences()
    assert (web.drift, web.repair) == ("changed", "replace")
    assert [(f.path, f.recorded, f.actual, f.forces_replace) for f in web.fields] == [
        ("image", recorded["image"], "httpd", True)
    ]


async def test_a_labelled_resource_nobody_recorded_is_unmanaged_and_removed_by_the_recorded_blueprint(
    services: Services, settings: Settings
) -> None:
    await deploy(services, SHOP)
    ghost = ResourceRef("shop", "ghost", "compute")
    async with behind_almas_back(settings) as engine:
        await engine.apply(Change("create", ghost, {"cores": 1, "memory": 256, "disk": 8, "start": True}, None))
        # Another stack's objects are that stack's business, not this one's drift.
        await engine.apply(Change("create", ResourceRef("other", "web", "compute"), {"cores": 1}, None))
    report = await services.drift.report("shop")
    assert [(r.resource, r.drift, r.repair, r.type, r.provider) for r in report.differences()] == [
        ("ghost", "unmanaged", "delete", "compute", "fake")
    ]
    assert report.resources[-1].external_id is not None and report.resources[-1].external_id.startswith("fake-")

    repair = (await services.plans.plan_blueprint(await services.drift.recorded_blueprint("shop"))).plan
    assert [(a.resource, a.action) for a in repair.actions if a.action != "noop"] == [("ghost", "delete")]
    await deploy(services, await services.drift.recorded_blueprint("shop"))
    assert not (await services.drift.report("shop")).drifted
    async with behind_almas_back(settings) as engine:
        assert await engine.owned("other") == [ResourceRef("other", "web", "compute")]  # left alone


async def test_a_blueprint_that_names_an_unrecorded_resource_adopts_it_instead_of_removing_it(
    services: Services, settings: Settings
) -> None:
    await deploy(services, SHOP)
    async with behind_almas_back(settings) as engine:
        await engine.apply(Change("create", ResourceRef("shop", "cache", "compute"), {"cores": 1}, None))
    grown = blueprint_text(
        "shop",
        [compute("net", cores=1), compute("db", ["net"], cores=2), compute("web", ["db"], cores=1), compute("cache")],
    )
    plan = (await services.plans.plan_blueprint(grown)).plan
    cache = next(a for a in plan.actions if a.resource == "cache")
    assert cache.action != "delete" and "adopted" in cache.reason


async def test_the_periodic_record_is_one_event_naming_each_difference(services: Services, settings: Settings) -> None:
    await deploy(services, SHOP)
    async with behind_almas_back(settings) as engine:
        await engine.apply(Change("delete", ResourceRef("shop", "net", "compute"), None, None))
        await engine.apply(Change("create", ResourceRef("shop", "ghost", "compute"), {"cores": 1}, None))
    await services.drift.record(await services.drift.report("shop"))
    (event,) = [e for e in await services.stacks.events("shop") if e.kind == "drift.detected"]
    assert event.message == "2 resource(s) differ from the recorded state: net (missing), ghost (unmanaged)"
    assert [d["resource"] for d in event.data["drifted"]] == ["net", "ghost"]
    assert event.data["revision"] == 1


async def test_a_change_in_progress_is_named_in_the_report(services: Services) -> None:
    await deploy(services, SHOP)
    token = await services._store.locks.acquire("shop", "someone applying", "apply plan p", 60)
    try:
        report = await services.drift.report("shop")
    finally:
        await services._store.locks.release("shop", token)
    assert report.change_in_progress == "someone applying: apply plan p"
    assert (await services.drift.report("shop")).change_in_progress is None


async def test_an_unknown_stack_is_refused_with_a_suggestion(services: Services) -> None:
    await deploy(services, SHOP)
    with pytest.raises(InvalidInputError, match=r"no stack named 'shpo'.*shop"):
        await services.drift.report("shpo")
    with pytest.raises(InvalidInputError, match="no stack named 'shpo'"):
        await services.drift.recorded_blueprint("shpo")


async def test_every_stack_with_resources_gets_a_report(services: Services, settings: Settings) -> None:
    await deploy(services, SHOP)
    await deploy(services, blueprint_text("lab", [compute("box")]))
    async with behind_almas_back(settings) as engine:
        await engine.apply(Change("delete", ResourceRef("lab", "box", "compute"), None, None))
    reports = await services.drift.reports()
    assert [(r.stack, r.drifted) for r in reports] == [("lab", True), ("shop", False)]


async def test_a_second_process_sees_the_same_drift(services: Services, settings: Settings) -> None:
    await deploy(services, SHOP)
    async with behind_almas_back(settings) as engine:
        await engine.apply(Change("delete", ResourceRef("shop", "db", "compute"), None, None))
    async with await build(settings) as other:
        theirs = await other.drift.report("shop")
    ours = await services.drift.report("shop")
    assert [(r.resource, r.drift) for r in theirs.differences()] == [(r.resource, r.drift) for r in ours.differences()]
