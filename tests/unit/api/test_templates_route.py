"""The template catalogue over HTTP, through a real ASGI client: the same catalogue and the same validated
blueprint as the CLI and MCP; a viewer may read and render; bad parameters are a 422 naming each one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.unit.api.harness import Api, serving


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for served in serving(make_settings(tmp_path), [("eve", "viewer"), ("ops", "operator")], Api):
        yield served


async def test_the_catalogue_is_the_services_catalogue(api: Api) -> None:
    answer = await api.client.get("/api/v1/templates", headers=api.as_("eve"))
    assert answer.status_code == 200
    assert answer.json() == api.services.templates.catalogue().model_dump(mode="json")
    one = await api.client.get("/api/v1/templates/ha-web", headers=api.as_("eve"))
    assert one.status_code == 200 and one.json()["providers"][0] == "fake"


async def test_a_render_is_a_validated_blueprint_that_plans(api: Api) -> None:
    parameters = {"replicas": "2", "algorithm": "ip_hash", "name": "shop"}
    body = {"provider": "docker", "parameters": parameters}
    answer = await api.client.post("/api/v1/templates/ha-web/render", json=body, headers=api.as_("eve"))
    assert answer.status_code == 200, answer.text
    rendered = answer.json()
    assert (rendered["stack"], rendered["provider"], rendered["resources"]) == ("shop", "docker", 4)
    assert rendered == api.services.templates.render("ha-web", "docker", parameters).model_dump(mode="json")
    default = await api.client.post("/api/v1/templates/redis-cache/render", json={}, headers=api.as_("eve"))
    assert default.status_code == 200 and default.json()["provider"] == "fake"


async def test_rendering_twice_gives_the_same_blueprint_and_stores_nothing(api: Api) -> None:
    body = {"parameters": {"replicas": 4}}
    first = await api.client.post("/api/v1/templates/web-app/render", json=body, headers=api.as_("eve"))
    second = await api.client.post("/api/v1/templates/web-app/render", json=body, headers=api.as_("eve"))
    assert first.json() == second.json()
    assert (await api.services.stacks.stacks()) == []


async def test_every_bad_parameter_is_a_422_naming_it(api: Api) -> None:
    body = {"provider": "fake", "parameters": {"replicas": 1, "nope": True, "memory": {"a": 1}}}
    answer = await api.client.post("/api/v1/templates/ha-web/render", json=body, headers=api.as_("eve"))
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["error"] == "TemplateParametersError"
    assert [e["path"] for e in problem["errors"]] == ["parameters.replicas", "parameters.nope", "parameters.memory"]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/api/v1/templates/ha-webb/render", {}, 404),
        ("/api/v1/templates/kubernetes-app/render", {"provider": "proxmox"}, 400),
        ("/api/v1/templates/ha-web/render", {"parameters": "replicas=3"}, 422),
        ("/api/v1/templates/ha-web/render", {"provider": 7}, 422),
    ],
)
async def test_input_nobody_expected_is_a_clear_client_error(api: Api, path: str, body: object, status: int) -> None:
    answer = await api.client.post(path, json=body, headers=api.as_("eve"))
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


async def test_without_a_key_nothing_is_rendered(api: Api) -> None:
    assert (await api.client.get("/api/v1/templates")).status_code == 401
    assert (await api.client.post("/api/v1/templates/ha-web/render", json={})).status_code == 401
