"""Inputs the store cannot hold are refused as 4xx problems before they reach it, on SQLite and on
PostgreSQL: ids and offsets past 32 bits, NUL characters (in the URL or in a JSON string), lone
surrogates, and event cursors that are digits but not ASCII ones. Each was a 500 once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from alma.api import create_app
from alma.api.inputs import MAX_ID, event_cursor
from tests.conftest import make_settings

KEY = {"X-API-Key": "inputs-admin-key"}
TOO_BIG = MAX_ID + 1


@pytest.fixture
async def client(tmp_path: Path, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(tmp_path, database_url, api_key=KEY["X-API-Key"]))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # a 500 is an answer to assert on
        async with httpx.AsyncClient(transport=transport, base_url="http://alma.test", headers=KEY) as built:
            yield built


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("GET", f"/api/v1/blueprints/{TOO_BIG}", None, 422),
        ("GET", "/api/v1/blueprints/99999999999999999999", None, 422),
        ("GET", f"/api/v1/blueprints?offset={TOO_BIG}", None, 422),
        ("POST", f"/api/v1/blueprints/{TOO_BIG}/deploy", None, 422),
        ("GET", f"/api/v1/iprs/{TOO_BIG}", None, 422),
        ("POST", f"/api/v1/iprs/{TOO_BIG}/reviews", {"verdict": "approve"}, 422),
        ("POST", f"/api/v1/iprs/{TOO_BIG}/apply", None, 422),
        ("POST", f"/api/v1/iprs/{TOO_BIG}/close", {}, 422),
        ("POST", "/api/v1/stacks/web/rollback", {"to": TOO_BIG}, 422),
        ("GET", f"/api/v1/deployments/d/events?after={TOO_BIG}", None, 422),
        ("GET", "/api/v1/plans/a%00b", None, 400),
        ("GET", "/api/v1/deployments/a%00b", None, 400),
        ("GET", "/api/v1/stacks/a%00b/state", None, 400),
        ("POST", "/api/v1/stacks/a%00b/destroy", None, 400),
        ("GET", "/api/v1/iprs?status=a%00b", None, 400),
        ("GET", "/api/v1/blueprints?stack=a%00b", None, 400),
        ("POST", "/api/v1/iprs", {"plan_id": "a\x00b"}, 422),
        ("POST", "/api/v1/iprs", {"destroy": "a\x00b"}, 422),
        ("POST", "/api/v1/iprs", '{"plan_id": "\\ud800"}', 422),
        ("POST", "/api/v1/conversation/intent", {"text": "stop \x00 it", "session": "s1"}, 422),
        ("POST", "/api/v1/conversation/intent", '{"text": "stop \\ud800 it", "session": "s1"}', 422),
        ("POST", "/api/v1/conversation/generate-blueprint", {"text": "a web server", "store_as": "a\x00b"}, 422),
    ],
)
async def test_an_input_the_store_cannot_hold_is_a_4xx_problem(
    client: httpx.AsyncClient, method: str, url: str, body: Any, status: int
) -> None:
    if isinstance(body, str):  # JSON text that Python's encoder would not write (a lone surrogate)
        answer = await client.request(method, url, content=body, headers={"Content-Type": "application/json"})
    else:
        answer = await client.request(method, url, json=body)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_last_event_id_resumes_only_when_it_is_an_event_id() -> None:
    assert event_cursor("42", 0) == 42
    assert event_cursor(None, 7) == 7
    assert event_cursor("²", 7) == 7  # a digit to str.isdigit, not to int()
    assert event_cursor(str(TOO_BIG), 7) == 7
    assert event_cursor("-1", 7) == 7
    assert event_cursor("9" * 5000, 7) == 7  # more digits than int() converts: not an id, not a 500


async def test_a_blueprint_naming_a_resource_with_a_mapping_is_reported_not_a_500(client: httpx.AsyncClient) -> None:
    # Found by Schemathesis: the canonical-spelling pass hashed every resource name, whatever its type.
    text = 'version: "1.0"\nname: x\nresources:\n  - {type: compute, name: {a: 1}, provider: fake}\n'
    validated = await client.post("/api/v1/validate", content=text)
    assert validated.status_code == 200 and validated.json()["valid"] is False
    assert "'name' must be text" in validated.json()["errors"][0]["message"]
    assert (await client.post("/api/v1/plans", content=text)).status_code == 422
