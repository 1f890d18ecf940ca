"""Drift and a stack's events over HTTP, through a real ASGI client: the service's report as the response
(its schema in OpenAPI): a viewer may read it, drift is a 200, an unknown stack a 404 problem."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alma.engines import Change, ResourceRef
from tests.conftest import make_settings
from tests.helpers import blueprint_text, compute
from tests.unit.api.harness import Api, serving
from tests.unit.services.test_drift import behind_almas_back

SHOP = blueprint_text("shop", [compute("net"), compute("web", ["net"], cores=2)])


@pytest.fixture
async def api(tmp_path: Path, database_url: str) -> AsyncIterator[Api]:
    settings = make_settings(tmp_path, database_url)
    async for served in serving(settings, [("ops", "operator"), ("eve", "viewer")], Api):
        yield served


async def deploy(api: Api) -> None:
    planned = await api.client.post("/api/v1/plans", content=SHOP, headers=api.as_("ops"))
    assert planned.status_code == 201, planned.text
    applied = await api.client.post(f"/api/v1/plans/{planned.json()['plan_id']}/apply", headers=api.as_("ops"))
    assert applied.status_code == 200 and applied.json()["status"] == "succeeded", applied.text


async def test_a_viewer_reads_the_same_report_the_service_builds(api: Api) -> None:
    await deploy(api)
    answer = await api.client.get("/api/v1/stacks/shop/drift", headers=api.as_("eve"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["drifted"] is False and body["stack"] == "shop"
    assert [(r["resource"], r["drift"]) for r in body["resources"]] == [("net", "in_sync"), ("web", "in_sync")]
    ours = (await api.services.drift.report("shop")).model_dump(mode="json")
    assert {k: v for k, v in body.items() if k != "checked_at"} == {k: v for k, v in ours.items() if k != "checked_at"}


async def test_drift_is_an_answer_not_an_error(api: Api) -> None:
    await deploy(api)
    async with behind_almas_back(api.services.settings) as engine:
        await engine.apply(Change("delete", ResourceRef("shop", "web", "compute"), None, None))
        await engine.apply(Change("create", ResourceRef("shop", "ghost", "compute"), {"cores": 1}, None))
    answer = await api.client.get("/api/v1/stacks/shop/drift", headers=api.as_("eve"))
    assert answer.status_code == 200
    found = [(r["resource"], r["drift"], r["repair"]) for r in answer.json()["resources"] if r["drift"] != "in_sync"]
    assert found == [("web", "missing", "create"), ("ghost", "unmanaged", "delete")]
    every = await api.client.get("/api/v1/drift", headers=api.as_("eve"))
    assert [(r["stack"], r["drifted"]) for r in every.json()] == [("shop", True)]
    # Reading drift records nothing: the audit trail has no drift event.
    trail = await api.client.get("/api/v1/stacks/shop/events", headers=api.as_("eve"))
    assert all(e["kind"] != "drift.detected" for e in trail.json())


async def test_an_unknown_stack_is_a_404_problem_naming_the_known_ones(api: Api) -> None:
    await deploy(api)
    answer = await api.client.get("/api/v1/stacks/shpo/drift", headers=api.as_("eve"))
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "no stack named 'shpo'" in answer.json()["detail"] and "shop" in answer.json()["detail"]


async def test_the_report_schema_is_published(api: Api) -> None:
    operation = api.app.openapi()["paths"]["/api/v1/stacks/{stack}/drift"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/DriftReport"}


async def test_a_stacks_events_page_from_a_cursor_or_come_newest_last(api: Api) -> None:
    await deploy(api)
    every = (await api.client.get("/api/v1/stacks/shop/events", headers=api.as_("eve"))).json()
    assert len(every) > 4 and [e["id"] for e in every] == sorted(e["id"] for e in every)
    later = await api.client.get(f"/api/v1/stacks/shop/events?after={every[1]['id']}", headers=api.as_("eve"))
    assert later.json() == every[2:]
    newest = await api.client.get("/api/v1/stacks/shop/events?newest=true&limit=2", headers=api.as_("eve"))
    assert newest.json() == every[-2:]
    bad = await api.client.get("/api/v1/stacks/shop/events?limit=0", headers=api.as_("eve"))
    assert bad.status_code == 422
