"""Operations on one resource are plans from the recorded state: no blueprint text is written or stored,
the plan says what it is for, it can be planned again, and it runs through the one run use case."""

from __future__ import annotations

from pathlib import Path

import pytest

from alma.bootstrap import Services, build
from alma.errors import ApprovalRequiredError, BlueprintInvalidError, InvalidInputError
from tests.conftest import make_settings
from tests.helpers import blueprint_text, compute, run_plan

SERVICE = {"type": "service", "name": "api", "provider": "fake", "specs": {"replicas": 2}, "dependencies": ["db"]}
STACK = blueprint_text("ops", [compute("db"), compute("web", ["db"]), SERVICE])


async def deployed(services: Services) -> None:
    plan = (await services.plans.plan_blueprint(STACK)).plan
    assert (await run_plan(services, plan.id)).outcome == "succeeded"


async def specs(services: Services) -> dict[str, dict[str, object]]:
    return {r.name: r.specs for r in await services.stacks.resources("ops")}


async def test_stop_then_start_flip_only_the_start_setting_and_store_no_blueprint(services: Services) -> None:
    await deployed(services)
    versions = len(await services.library.versions("ops"))
    stop = await services.operations.plan("ops", "web", "stop")
    assert stop.then is None and stop.plan.kind == "operation"
    assert {a.resource: a.action for a in stop.plan.actions if a.action != "noop"} == {"web": "update"}
    assert stop.plan.operation is not None and stop.plan.operation["operation"] == "stop"
    assert (await run_plan(services, stop.plan.id)).outcome == "succeeded"
    assert (await specs(services))["web"]["start"] is False
    start = await services.operations.plan("ops", "web", "start")
    assert (await run_plan(services, start.plan.id)).outcome == "succeeded"
    assert (await specs(services))["web"]["start"] is True
    assert len(await services.library.versions("ops")) == versions  # no blueprint version was saved


async def test_restarting_a_running_resource_is_a_stop_then_a_start(services: Services) -> None:
    await deployed(services)
    restart = await services.operations.plan("ops", "web", "restart")
    assert restart.then == "start"
    web = next(a for a in restart.plan.actions if a.resource == "web")
    assert web.action == "update" and web.after is not None and web.after["start"] is False
    await run_plan(services, restart.plan.id)
    stopped_restart = await services.operations.plan("ops", "web", "restart")
    assert stopped_restart.then is None  # it is stopped now: a restart is just a start


async def test_scale_sets_replicas_and_is_checked_by_the_engine(services: Services) -> None:
    await deployed(services)
    scaled = await services.operations.plan("ops", "api", "scale", replicas=5)
    assert (await run_plan(services, scaled.plan.id)).outcome == "succeeded"
    assert (await specs(services))["api"]["replicas"] == 5
    with pytest.raises(BlueprintInvalidError, match=r"api\.specs\.replicas"):
        await services.operations.plan("ops", "api", "scale", replicas=100000)
    with pytest.raises(InvalidInputError, match="has no `replicas` setting"):
        await services.operations.plan("ops", "web", "scale", replicas=3)


async def test_remove_drops_one_resource_unless_something_depends_on_it(services: Services) -> None:
    await deployed(services)
    with pytest.raises(InvalidInputError, match=r"api, web depend\(s\) on db"):
        await services.operations.plan("ops", "db", "remove")
    removed = await services.operations.plan("ops", "api", "remove")
    assert {a.resource: a.action for a in removed.plan.actions if a.action != "noop"} == {"api": "delete"}
    assert (await run_plan(services, removed.plan.id)).outcome == "succeeded"
    assert set(await specs(services)) == {"db", "web"}


async def test_an_operation_the_policy_gates_names_the_ipr_to_open(tmp_path: Path) -> None:
    async with await build(make_settings(tmp_path, approval_actions=["delete"])) as services:
        await deployed(services)
        removed = await services.operations.plan("ops", "api", "remove")
        with pytest.raises(ApprovalRequiredError, match=f"alma ipr create --plan {removed.plan.id}"):
            await services.runs.prepare(removed.plan)


async def test_an_operation_plan_can_be_planned_again_without_any_text(services: Services) -> None:
    await deployed(services)
    first = (await services.operations.plan("ops", "web", "stop")).plan
    again = await services.plans.replan(first)
    assert again.id != first.id and again.kind == "operation"
    assert [a.as_json() for a in again.actions] == [a.as_json() for a in first.actions]


async def test_unknown_stacks_and_resources_are_named(services: Services) -> None:
    await deployed(services)
    with pytest.raises(InvalidInputError, match="stack 'ops' has no resource 'wbe'; did you mean 'web'"):
        await services.operations.plan("ops", "wbe", "stop")
    with pytest.raises(InvalidInputError, match="no stack named 'nope'"):
        await services.operations.plan("nope", "web", "stop")
