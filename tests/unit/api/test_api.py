"""The HTTP API through a real ASGI client: authentication and roles on every route, problem JSON,
bounded bodies, plans and IPRs, and live deployment events over SSE."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from alma.api import create_app
from alma.bootstrap import Services
from alma.settings import Settings
from tests.conftest import make_settings
from tests.helpers import blueprint_text, compute

V1 = blueprint_text("web", [compute("net"), compute("app", ["net"], cores=2)])
V2 = blueprint_text("web", [compute("net")])  # deletes app: gated by the policy below


class Api:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client
        self.keys: dict[str, str] = {}

    async def key(self, name: str, role: str) -> str:
        services: Services = self.app.state.services
        _record, key = await services.keys.create(name, role)
        self.keys[name] = key
        return key

    def as_(self, name: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[name]}


@pytest.fixture
async def api(tmp_path: Path, database_url: str) -> AsyncIterator[Api]:
    settings = make_settings(tmp_path, database_url, approval_actions=["delete"], api_key="root-secret-admin-key")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://alma.test") as client:
            built = Api(app, client)
            for name, role in (("ops", "operator"), ("alice", "operator"), ("bob", "approver"), ("eve", "viewer")):
                await built.key(name, role)
            yield built


async def test_health_and_readiness_answer_without_a_key(api: Api) -> None:
    assert (await api.client.get("/health")).json() == {"status": "ok"}
    ready = await api.client.get("/ready")
    assert ready.status_code == 200
    assert {e["name"] for e in ready.json()["engines"]} >= {"fake"}


async def test_every_api_route_requires_an_authenticated_role(api: Api) -> None:
    # The OpenAPI document lists every route the app serves, however routers are included.
    paths: dict[str, dict[str, object]] = api.app.openapi()["paths"]
    routes = [(method.upper(), path) for path, ops in paths.items() if path.startswith("/api/v1") for method in ops]
    assert len(routes) > 15
    for method, template in routes:
        path = template.replace("{", "").replace("}", "")  # any value: auth is checked before lookups
        answer = await api.client.request(method, path, content=b"{}")
        assert answer.status_code == 401, (method, template, answer.status_code)
        assert answer.headers["content-type"].startswith("application/problem+json")


async def test_keys_are_accepted_as_header_or_bearer_and_bad_ones_refused(api: Api) -> None:
    assert (await api.client.get("/api/v1/stacks", headers=api.as_("eve"))).status_code == 200
    bearer = {"Authorization": f"Bearer {api.keys['eve']}"}
    assert (await api.client.get("/api/v1/stacks", headers=bearer)).status_code == 200
    assert (await api.client.get("/api/v1/stacks", headers={"X-API-Key": "alma_nope"})).status_code == 401
    assert (await api.client.get("/api/v1/stacks", headers={"X-API-Key": "root-secret-admin-key"})).status_code == 200
    await api.app.state.services.keys.revoke("eve")
    assert (await api.client.get("/api/v1/stacks", headers=api.as_("eve"))).status_code == 401


async def test_roles_limit_what_a_key_may_do(api: Api) -> None:
    viewer = await api.client.post("/api/v1/plans", content=V1, headers=api.as_("eve"))
    assert viewer.status_code == 403
    assert "role viewer may not plan" in viewer.json()["detail"]
    unlock = await api.client.post("/api/v1/stacks/web/unlock", headers=api.as_("ops"))
    assert unlock.status_code == 403
    admin = await api.client.post("/api/v1/stacks/web/unlock", headers={"X-API-Key": "root-secret-admin-key"})
    assert admin.status_code == 404 and "no stack named 'web'" in admin.json()["detail"]  # allowed; none to unlock


async def test_a_plan_is_made_applied_and_its_events_stream_in_order(api: Api) -> None:
    plan = await api.client.post("/api/v1/plans", content=V1, headers=api.as_("ops"))
    assert plan.status_code == 201
    body = plan.json()
    assert body["summary"]["create"] == 2 and body["approval_reasons"] == []
    rendered = await api.client.get(f"/api/v1/plans/{body['plan_id']}/render", headers=api.as_("eve"))
    assert "+ app (compute, fake) will be created" in rendered.text
    applied = await api.client.post(f"/api/v1/plans/{body['plan_id']}/apply", headers=api.as_("ops"))
    assert applied.status_code == 200 and applied.json()["outcome"] == "succeeded"
    run_id = applied.json()["run_id"]
    headers = {**api.as_("eve"), "Accept": "text/event-stream"}
    async with api.client.stream("GET", f"/api/v1/deployments/{run_id}/events", headers=headers) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        frames = [f async for f in stream.aiter_text()]
    events = [json.loads(line[6:]) for line in "".join(frames).splitlines() if line.startswith("data: ")]
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "deployment.started" and "deployment.succeeded" in kinds
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    assert all(e["actor"] == "ops" for e in events)
    # A client that reconnects after the third event gets only what followed it.
    resumed = {**headers, "Last-Event-ID": str(events[2]["id"])}
    async with api.client.stream("GET", f"/api/v1/deployments/{run_id}/events", headers=resumed) as stream:
        later = "".join([f async for f in stream.aiter_text()])
    assert [int(line[4:]) for line in later.splitlines() if line.startswith("id: ")] == [e["id"] for e in events[3:]]


async def test_a_gated_plan_goes_through_an_ipr_approved_by_someone_else(api: Api) -> None:
    first = (await api.client.post("/api/v1/plans", content=V1, headers=api.as_("ops"))).json()
    await api.client.post(f"/api/v1/plans/{first['plan_id']}/apply", headers=api.as_("ops"))
    gated = (await api.client.post("/api/v1/plans", content=V2, headers=api.as_("alice"))).json()
    refused = await api.client.post(f"/api/v1/plans/{gated['plan_id']}/apply", headers=api.as_("alice"))
    assert refused.status_code == 403
    assert "alma ipr create" in refused.json()["detail"]
    ipr = await api.client.post(
        "/api/v1/iprs", json={"plan_id": gated["plan_id"], "title": "drop app"}, headers=api.as_("alice")
    )
    assert ipr.status_code == 201
    number = ipr.json()["id"]
    assert ipr.json()["author"] == "alice"
    not_yet = await api.client.post(f"/api/v1/iprs/{number}/apply", headers=api.as_("alice"))
    assert not_yet.status_code == 403
    review = await api.client.post(
        f"/api/v1/iprs/{number}/reviews", json={"verdict": "approve"}, headers=api.as_("bob")
    )
    assert review.status_code == 200 and review.json()["status"] == "approved"
    applied = await api.client.post(f"/api/v1/iprs/{number}/apply", headers=api.as_("alice"))
    assert applied.json()["outcome"] == "succeeded"
    shown = (await api.client.get(f"/api/v1/iprs/{number}", headers=api.as_("eve"))).json()
    assert shown["status"] == "applied" and shown["approvals"] == ["bob"]
    state = (await api.client.get("/api/v1/stacks/web/state", headers=api.as_("eve"))).json()
    assert [r["name"] for r in state] == ["net"]


async def test_the_author_cannot_approve_their_own_ipr_even_with_an_approver_key(api: Api) -> None:
    await api.key("carol", "admin")
    plan = (await api.client.post("/api/v1/plans", content=V1, headers=api.as_("carol"))).json()
    ipr = (await api.client.post("/api/v1/iprs", json={"plan_id": plan["plan_id"]}, headers=api.as_("carol"))).json()
    self_review = await api.client.post(
        f"/api/v1/iprs/{ipr['id']}/reviews", json={"verdict": "approve"}, headers=api.as_("carol")
    )
    assert self_review.status_code == 403
    assert "cannot approve it" in self_review.json()["detail"]


async def test_only_the_author_or_an_admin_closes_an_ipr_and_named_reviewers_approve_it(api: Api) -> None:
    await api.key("carol", "approver")
    await api.key("root", "admin")
    first = (await api.client.post("/api/v1/plans", content=V1, headers=api.as_("ops"))).json()
    await api.client.post(f"/api/v1/plans/{first['plan_id']}/apply", headers=api.as_("ops"))
    gated = (await api.client.post("/api/v1/plans", content=V2, headers=api.as_("alice"))).json()
    body = {"plan_id": gated["plan_id"], "reviewers": ["bob"]}
    number = (await api.client.post("/api/v1/iprs", json=body, headers=api.as_("alice"))).json()["id"]

    not_named = await api.client.post(
        f"/api/v1/iprs/{number}/reviews", json={"verdict": "approve"}, headers=api.as_("carol")
    )
    assert not_named.status_code == 403 and "names its reviewers (bob)" in not_named.json()["detail"]
    named = await api.client.post(f"/api/v1/iprs/{number}/reviews", json={"verdict": "approve"}, headers=api.as_("bob"))
    assert named.json()["status"] == "approved"

    by_other = await api.client.post(f"/api/v1/iprs/{number}/close", json={}, headers=api.as_("ops"))
    assert by_other.status_code == 403 and "only its author or an admin may close it" in by_other.json()["detail"]
    assert (await api.client.get(f"/api/v1/iprs/{number}", headers=api.as_("eve"))).json()["status"] == "approved"
    by_admin = await api.client.post(f"/api/v1/iprs/{number}/close", json={}, headers=api.as_("root"))
    assert by_admin.status_code == 200 and by_admin.json()["status"] == "closed"


async def test_an_operation_on_one_resource_is_a_plan_then_applied_like_any_other(api: Api) -> None:
    first = (await api.client.post("/api/v1/plans", content=V1, headers=api.as_("ops"))).json()
    await api.client.post(f"/api/v1/plans/{first['plan_id']}/apply", headers=api.as_("ops"))
    stop = await api.client.post("/api/v1/stacks/web/resources/app/stop", json={}, headers=api.as_("ops"))
    assert stop.status_code == 201, stop.text
    plan = stop.json()
    assert (plan["kind"], plan["operation"]["operation"], plan["then"]) == ("operation", "stop", None)
    assert [a["action"] for a in plan["actions"] if a["resource"] == "app"] == ["update"]
    applied = await api.client.post(f"/api/v1/plans/{plan['plan_id']}/apply", headers=api.as_("ops"))
    assert applied.json()["outcome"] == "succeeded"
    state = (await api.client.get("/api/v1/stacks/web/state", headers=api.as_("eve"))).json()
    assert next(r for r in state if r["name"] == "app")["specs"]["start"] is False
    unknown = await api.client.post("/api/v1/stacks/web/resources/ghost/stop", json={}, headers=api.as_("ops"))
    assert unknown.status_code in (400, 404) and "has no resource 'ghost'" in unknown.json()["detail"]
    viewer = await api.client.post("/api/v1/stacks/web/resources/app/start", json={}, headers=api.as_("eve"))
    assert viewer.status_code == 403


async def test_bad_input_is_a_problem_with_the_clis_message_never_a_500(api: Api) -> None:
    bad = 'version: "1.0"\nname: web\nresources:\n  - {type: compute, name: a, provider: fake, specs: {corez: 2}}\n'
    invalid = await api.client.post("/api/v1/plans", content=bad, headers=api.as_("ops"))
    assert invalid.status_code == 422
    problem = invalid.json()
    assert problem["errors"][0]["message"] == "unknown spec key 'corez'; did you mean 'cores'?"
    assert (problem["errors"][0]["line"], problem["errors"][0]["column"]) == (4, 54)
    validated = await api.client.post("/api/v1/validate", content=bad, headers=api.as_("eve"))
    assert validated.status_code == 200 and validated.json()["valid"] is False
    missing = await api.client.get("/api/v1/plans/nope", headers=api.as_("eve"))
    assert missing.status_code == 404
    shape = await api.client.post("/api/v1/iprs/1/reviews", json={"verdict": "maybe"}, headers=api.as_("bob"))
    assert shape.status_code == 422 and shape.json()["errors"][0]["path"].endswith("verdict")
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8)
    )
    refused = await api.client.post("/api/v1/validate", content=bomb, headers=api.as_("eve"))
    assert refused.status_code == 200 and "alias bomb" in refused.json()["errors"][0]["message"]


async def test_bodies_over_the_limit_are_refused_before_they_are_read(tmp_path: Path) -> None:
    settings: Settings = make_settings(tmp_path, api_key="k" * 20, api_max_body_bytes=1024)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://alma.test") as client:
            answer = await client.post("/api/v1/validate", content=b"x" * 5000, headers={"X-API-Key": "k" * 20})
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_stored_blueprints_are_versioned_and_deploy_makes_a_plan_never_a_blind_apply(api: Api) -> None:
    saved = await api.client.post("/api/v1/blueprints", content=V1, headers=api.as_("ops"))
    assert saved.status_code == 201 and saved.json()["version"] == 1
    again = await api.client.post("/api/v1/blueprints", content=V1, headers=api.as_("ops"))
    assert again.json()["id"] == saved.json()["id"]  # the same text is the same version
    versions = (await api.client.get("/api/v1/blueprints?stack=web", headers=api.as_("eve"))).json()
    assert [v["version"] for v in versions] == [1]
    deploy = await api.client.post(f"/api/v1/blueprints/{saved.json()['id']}/deploy", headers=api.as_("ops"))
    assert deploy.json()["plan"]["summary"]["create"] == 2 and deploy.json()["ipr"] is None
    assert (await api.client.get("/api/v1/stacks/web/history", headers=api.as_("eve"))).status_code == 404


async def test_metrics_count_requests_by_route_template_and_deployments_by_status(api: Api) -> None:
    plan = (await api.client.post("/api/v1/plans", content=V1, headers=api.as_("ops"))).json()
    await api.client.post(f"/api/v1/plans/{plan['plan_id']}/apply", headers=api.as_("ops"))
    scraped = (await api.client.get("/metrics", headers=api.as_("eve"))).text  # a viewer's key is enough
    assert 'alma_http_requests_total{method="POST",route="/api/v1/plans/{plan_id}/apply",status="200"} 1.0' in scraped
    assert 'alma_deployments{status="succeeded"} 1.0' in scraped
    assert "alma_http_request_duration_seconds_bucket" in scraped


async def test_metrics_need_a_key_unless_they_are_made_public(api: Api, tmp_path: Path) -> None:
    # They name routes, deployment counts by status and the queue's depth: not for whoever can reach the port.
    for headers in ({}, {"X-API-Key": "alma_not-a-key"}):
        refused = await api.client.get("/metrics", headers=headers)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == 'Bearer realm="alma"'
        assert "alma_http_requests_total" not in refused.text
    assert (await api.client.get("/metrics", headers={"Authorization": f"Bearer {api.keys['bob']}"})).status_code == 200
    public = create_app(make_settings(tmp_path / "public", api_key="root-secret-admin-key", api_metrics_public=True))
    async with public.router.lifespan_context(public):
        transport = httpx.ASGITransport(app=public)
        async with httpx.AsyncClient(transport=transport, base_url="http://alma.test") as client:
            scraped = await client.get("/metrics")  # ALMA_API_METRICS_PUBLIC=true: a scraper without a key
            assert scraped.status_code == 200 and "alma_http_requests_total" in scraped.text
            assert (await client.get("/api/v1/stacks")).status_code == 401  # nothing else became public


async def test_a_key_over_its_rate_limit_gets_429(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_key="k" * 20, api_rate_limit_per_minute=3)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://alma.test") as client:
            codes = [
                (await client.get("/api/v1/stacks", headers={"X-API-Key": "k" * 20})).status_code for _ in range(5)
            ]
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]


async def test_a_retried_post_with_the_same_idempotency_key_gets_the_first_answer(api: Api) -> None:
    headers = {**api.as_("ops"), "Idempotency-Key": "create-web-1"}
    first = await api.client.post("/api/v1/plans", content=V1, headers=headers)
    again = await api.client.post("/api/v1/plans", content=V1, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["plan_id"] == first.json()["plan_id"]
    assert again.headers["idempotent-replay"] == "true"
    other_body = await api.client.post("/api/v1/plans", content=V2, headers=headers)
    assert other_body.status_code == 422  # the key is bound to its first body
    other_caller = await api.client.post(
        "/api/v1/plans", content=V1, headers={**api.as_("alice"), "Idempotency-Key": "create-web-1"}
    )
    assert other_caller.json()["plan_id"] != first.json()["plan_id"]  # and to the caller


async def test_graphql_reads_stacks_resources_and_deployments_with_a_key(api: Api) -> None:
    plan = (await api.client.post("/api/v1/plans", content=V1, headers=api.as_("ops"))).json()
    await api.client.post(f"/api/v1/plans/{plan['plan_id']}/apply", headers=api.as_("ops"))
    query = "{ stacks { name revision resourceCount resources { name specs } deployments { revision status } } }"
    refused = await api.client.post("/graphql", json={"query": query})
    assert refused.status_code == 401
    answer = await api.client.post("/graphql", json={"query": query}, headers=api.as_("eve"))
    assert answer.status_code == 200, answer.text
    [stack] = answer.json()["data"]["stacks"]
    assert (stack["name"], stack["revision"], stack["resourceCount"]) == ("web", 1, 2)
    assert {r["name"]: r["specs"]["cores"] for r in stack["resources"]} == {"app": 2, "net": 1}
    assert stack["deployments"] == [{"revision": 1, "status": "succeeded"}]


async def test_every_answer_carries_a_request_id_and_a_safe_given_one_is_kept(api: Api) -> None:
    fresh = await api.client.get("/health")
    assert len(fresh.headers["x-request-id"]) == 32
    kept = await api.client.get("/api/v1/stacks", headers={**api.as_("eve"), "X-Request-ID": "trace-42"})
    assert kept.headers["x-request-id"] == "trace-42"
    odd = await api.client.get("/health", headers={"X-Request-ID": "bad id\nwith newline"})
    assert odd.headers["x-request-id"] != "bad id\nwith newline"


async def test_every_route_has_a_response_schema_from_the_one_set_of_models(api: Api) -> None:
    document = api.app.openapi()
    untyped = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code, answer in operation["responses"].items():
                if not code.startswith("2"):
                    continue
                for media, body in answer.get("content", {}).items():
                    schema = body.get("schema") or {}
                    free = schema.get("type") == "object" and "properties" not in schema and "$ref" not in schema
                    if media == "application/json" and (not schema or free):
                        untyped.append(f"{method.upper()} {path} {code}")
    assert untyped == []


async def test_the_singular_ipr_routes_and_a_deploy_preview_serve_the_documented_examples(api: Api) -> None:
    first = (await api.client.post("/api/v1/plans", content=V1, headers=api.as_("ops"))).json()
    await api.client.post(f"/api/v1/plans/{first['plan_id']}/apply", headers=api.as_("ops"))
    gated = (await api.client.post("/api/v1/plans", content=V2, headers=api.as_("alice"))).json()
    opened = await api.client.post("/api/v1/ipr/", json={"plan_id": gated["plan_id"]}, headers=api.as_("alice"))
    assert opened.status_code == 201, opened.text
    number = opened.json()["id"]
    same = await api.client.get(f"/api/v1/ipr/{number}", headers=api.as_("eve"))
    assert same.json() == (await api.client.get(f"/api/v1/iprs/{number}", headers=api.as_("eve"))).json()
    assert "/api/v1/ipr" not in api.app.openapi()["paths"]  # one implementation, documented once

    saved = (await api.client.post("/api/v1/blueprints", content=V2, headers=api.as_("ops"))).json()
    stored_before = len((await api.client.get("/api/v1/blueprints", headers=api.as_("eve"))).json())
    preview = await api.client.get(f"/api/v1/blueprints/{saved['id']}/deploy", headers=api.as_("eve"))
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["stored"] is False and body["ipr"] is None
    assert [a["action"] for a in body["plan"]["actions"] if a["resource"] == "app"] == ["delete"]
    assert body["approval_reasons"] == ["it deletes app"]
    gone = await api.client.get(f"/api/v1/plans/{body['plan']['plan_id']}", headers=api.as_("eve"))
    assert gone.status_code == 404  # the preview's plan was kept nowhere
    assert len((await api.client.get("/api/v1/blueprints", headers=api.as_("eve"))).json()) == stored_before
    state = (await api.client.get("/api/v1/stacks/web/state", headers=api.as_("eve"))).json()
    assert sorted(r["name"] for r in state) == ["app", "net"]  # nothing was applied
