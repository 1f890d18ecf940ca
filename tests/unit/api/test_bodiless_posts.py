"""POSTs whose every field has a default work without a body (`curl -X POST .../rollback`): they answered
422 "body: Field required" for requests that need nothing; a body that is there is still checked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.helpers import blueprint_text, compute
from tests.unit.api.harness import Api, serving

V1 = blueprint_text("web", [compute("a", cores=1)])
V2 = blueprint_text("web", [compute("a", cores=2)])


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    settings = make_settings(tmp_path, approval_actions=[])
    async for served in serving(settings, [("ops", "admin")], Api):
        yield served


async def _deploy(api: Api, text: str) -> None:
    plan = (await api.client.post("/api/v1/plans", content=text, headers=api.as_("ops"))).json()
    applied = await api.client.post(f"/api/v1/plans/{plan['plan_id']}/apply", headers=api.as_("ops"))
    assert applied.json()["outcome"] == "succeeded", applied.text


async def test_rollback_stop_close_and_render_need_no_body(api: Api) -> None:
    await _deploy(api, V1)
    await _deploy(api, V2)
    rollback = await api.client.post("/api/v1/stacks/web/rollback", headers=api.as_("ops"))
    assert rollback.status_code == 201 and rollback.json()["target_revision"] == 1  # the last good one
    stop = await api.client.post("/api/v1/stacks/web/resources/a/stop", headers=api.as_("ops"))
    assert stop.status_code == 201 and stop.json()["summary"]["update"] == 1
    opened = await api.client.post("/api/v1/iprs", json={"destroy": "web"}, headers=api.as_("ops"))
    closed = await api.client.post(f"/api/v1/iprs/{opened.json()['id']}/close", headers=api.as_("ops"))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    rendered = await api.client.post("/api/v1/templates/ha-web/render", headers=api.as_("ops"))
    assert rendered.status_code == 200 and rendered.json()["provider"] == "fake"


async def test_a_body_that_is_there_is_still_checked(api: Api) -> None:
    await _deploy(api, V1)
    wrong = await api.client.post("/api/v1/stacks/web/rollback", json={"to": "one"}, headers=api.as_("ops"))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["path"] == "body.to"
    scale = await api.client.post("/api/v1/stacks/web/resources/a/scale", headers=api.as_("ops"))
    assert scale.status_code == 400 and "replicas" in scale.json()["detail"]  # scale needs its number


async def test_a_second_untargeted_rollback_is_refused_in_the_api_s_own_terms(api: Api) -> None:
    await _deploy(api, V1)
    await _deploy(api, V2)
    back = (await api.client.post("/api/v1/stacks/web/rollback", headers=api.as_("ops"))).json()
    applied = await api.client.post(f"/api/v1/plans/{back['plan_id']}/apply", headers=api.as_("ops"))
    assert applied.json()["outcome"] == "succeeded", applied.text
    again = await api.client.post("/api/v1/stacks/web/rollback", headers=api.as_("ops"))
    assert again.status_code == 409
    detail = again.json()["detail"]
    assert 'name the revision in the body (e.g. {"to": 2}' in detail and "--to" not in detail
    named = await api.client.post("/api/v1/stacks/web/rollback", json={"to": 2}, headers=api.as_("ops"))
    assert named.status_code == 201 and named.json()["target_revision"] == 2
