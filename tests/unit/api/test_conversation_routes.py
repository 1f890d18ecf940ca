"""Plain language over HTTP: the ``alma intent --json`` contract, sessions kept per caller and only with
the plan permission, and generated blueprints that validate — stored in the library only when asked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import get_args

import pytest

from alma.api.routes.conversation import MAX_TEXT, GenerateProvider
from alma.generation import PROVIDERS
from tests.conftest import make_settings
from tests.unit.api.harness import Api, serving

INTENT = "/api/v1/conversation/intent"
GENERATE = "/api/v1/conversation/generate-blueprint"
SHOP = "a web app with two nginx containers behind a load balancer and a postgres database"


@pytest.fixture
async def api(tmp_path: Path, database_url: str) -> AsyncIterator[Api]:
    keys = (("ops", "operator"), ("alice", "operator"), ("eve", "viewer"))
    async for served in serving(make_settings(tmp_path, database_url), keys, Api):
        yield served


async def test_a_viewer_reads_a_sentence_on_its_own_in_the_intent_clis_contract(api: Api) -> None:
    answer = await api.client.post(INTENT, json={"text": "delete the web server"}, headers=api.as_("eve"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    cli = (await api.services.conversation.interpret("delete the web server")).as_json()  # what --json prints
    assert {k: body[k] for k in cli} == cli
    assert (body["intent"], body["destructive"], body["risk"]["decision"]) == ("destroy", True, "confirm")
    assert body["session"] is None and body["reply"]


async def test_a_session_needs_the_plan_permission_and_resolves_it_from_the_earlier_message(api: Api) -> None:
    viewer = await api.client.post(INTENT, json={"text": "restart web-01", "session": "s1"}, headers=api.as_("eve"))
    assert viewer.status_code == 403
    assert viewer.headers["content-type"].startswith("application/problem+json")
    assert "role viewer may not plan" in viewer.json()["detail"]
    first = await api.client.post(INTENT, json={"text": "restart web-01", "session": "s1"}, headers=api.as_("ops"))
    assert first.status_code == 200 and first.json()["session"] == "s1"
    then = await api.client.post(INTENT, json={"text": "now stop it", "session": "s1"}, headers=api.as_("ops"))
    assert (then.json()["intent"], then.json()["target"]) == ("stop", "web-01")
    alone = await api.client.post(INTENT, json={"text": "now stop it"}, headers=api.as_("ops"))
    assert alone.json()["target"] is None  # without the session there is no "it"


async def test_another_callers_session_is_refused_not_read_or_written(api: Api) -> None:
    await api.client.post(INTENT, json={"text": "restart web-01", "session": "mine"}, headers=api.as_("ops"))
    other = await api.client.post(INTENT, json={"text": "stop it", "session": "mine"}, headers=api.as_("alice"))
    assert other.status_code == 403
    assert "belongs to another caller" in other.json()["detail"]
    turns = await api.services.sessions.turns("mine")
    assert [t.text for t in turns if t.role == "user"] == ["restart web-01"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": ""}, 422),
        ({"text": "x" * (MAX_TEXT + 1)}, 422),
        ({}, 422),
        ({"text": "stop it", "session": "no spaces please"}, 400),
    ],
)
async def test_unusable_intent_requests_are_problems_that_say_why(api: Api, body: dict[str, str], status: int) -> None:
    answer = await api.client.post(INTENT, json=body, headers=api.as_("ops"))
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_a_generated_blueprint_validates_and_a_viewer_gets_it_without_storing_anything(api: Api) -> None:
    answer = await api.client.post(GENERATE, json={"text": SHOP}, headers=api.as_("eve"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["provider"], body["drafter"], body["attempts"], body["stored"]) == ("fake", "building-blocks", 1, None)
    assert any("database" in u for u in body["understood"])
    validated = await api.client.post("/api/v1/validate", content=body["blueprint"], headers=api.as_("eve"))
    assert validated.json()["valid"] is True
    loaded = api.services.blueprints.load(body["blueprint"], "generated.yaml")
    assert (loaded.blueprint.name, len(loaded.desired)) == (body["stack"], body["resources"])
    assert await api.services.library.versions() == []


async def test_a_description_with_nothing_to_compose_is_a_422_with_the_clis_message(api: Api) -> None:
    answer = await api.client.post(GENERATE, json={"text": "hello there"}, headers=api.as_("eve"))
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["error"] == "InvalidInputError"
    assert problem["detail"].startswith("no blueprint: nothing I could compose in 'hello there'")
    unknown = await api.client.post(GENERATE, json={"text": SHOP, "provider": "nope"}, headers=api.as_("eve"))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["path"] == "body.provider"


async def test_store_as_keeps_the_blueprint_under_that_name_for_a_planner_only(api: Api) -> None:
    request = {"text": SHOP, "store_as": "shop"}
    viewer = await api.client.post(GENERATE, json=request, headers=api.as_("eve"))
    assert viewer.status_code == 403 and "store_as" in viewer.json()["detail"]
    answer = await api.client.post(GENERATE, json=request, headers=api.as_("ops"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["stack"] == "shop"
    assert (body["stored"]["stack"], body["stored"]["version"]) == ("shop", 1)
    read = await api.client.get(f"/api/v1/blueprints/{body['stored']['id']}", headers=api.as_("eve"))
    assert read.json()["content"] == body["blueprint"]  # what was answered is what was kept
    [version] = await api.services.library.versions("shop")
    assert version["created_by"] == "ops"


async def test_a_store_as_name_the_blueprint_rules_refuse_is_a_422_and_nothing_is_kept(api: Api) -> None:
    answer = await api.client.post(GENERATE, json={"text": SHOP, "store_as": "Not A Name!"}, headers=api.as_("ops"))
    assert answer.status_code == 422
    assert answer.json()["errors"], answer.json()
    assert await api.services.library.versions() == []


def test_the_providers_offered_are_the_ones_generation_has_mappings_for() -> None:
    assert get_args(GenerateProvider) == PROVIDERS
