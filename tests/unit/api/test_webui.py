"""The web UI's assets in front of an application (``alma.api.webui``): built files and the UI's pages for
browsers, everything else passed on untouched. A build made in a temporary directory, an httpx client over
ASGI, and behind the layer a small Starlette application that says what reached it."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from alma.api.webui import UI_ROUTES, WebUi

HTML = "text/html,application/xhtml+xml"
INDEX = "<!doctype html><title>ALMA</title><div id=root></div>"
SCRIPT = "console.log('the app');" * 50


async def reached(request: Request) -> JSONResponse:
    return JSONResponse({"reached": request.url.path, "method": request.method})


@pytest.fixture
def build(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-abc123.js").write_text(SCRIPT)
    (dist / "assets" / "index-abc123.js.gz").write_bytes(gzip.compress(SCRIPT.encode()))
    (dist / "assets" / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "secret.txt").write_text("outside the build")
    return dist


@pytest.fixture
async def client(build: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=[Route("/{path:path}", reached, methods=["GET", "HEAD", "POST"])])
    transport = httpx.ASGITransport(app=WebUi(app, build))
    async with httpx.AsyncClient(transport=transport, base_url="http://alma.test") as http:
        yield http


async def test_a_browser_loading_any_page_of_the_ui_gets_its_index_with_a_content_security_policy(
    client: httpx.AsyncClient,
) -> None:
    for path in ["/", "/chat", "/stacks/web-app", "/iprs/7", "/deployments/abc", "/plans/new", "/events"]:
        answer = await client.get(path, headers={"Accept": HTML})
        assert answer.status_code == 200, path
        assert answer.text == INDEX
        assert answer.headers["content-type"].startswith("text/html")
        assert answer.headers["cache-control"] == "no-cache"
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


async def test_api_clients_and_api_paths_reach_the_application_untouched(client: httpx.AsyncClient) -> None:
    # The API's root answers JSON to a client that does not ask for HTML.
    assert (await client.get("/", headers={"Accept": "application/json"})).json() == {"reached": "/", "method": "GET"}
    assert (await client.get("/")).json()["reached"] == "/"  # httpx sends Accept: */*
    for path in ["/api/v1/stacks", "/ws/deployments/x", "/graphql", "/docs", "/openapi.json", "/health", "/metrics"]:
        assert (await client.get(path, headers={"Accept": HTML})).json()["reached"] == path
    # A page path asked for anything but HTML, or with another method, is not the UI's either.
    assert (await client.get("/chat", headers={"Accept": "application/json"})).json()["reached"] == "/chat"
    assert (await client.post("/chat", headers={"Accept": HTML})).json() == {"reached": "/chat", "method": "POST"}


async def test_hashed_assets_are_cached_for_a_year_and_sent_compressed_to_who_accepts_gzip(
    client: httpx.AsyncClient,
) -> None:
    compressed = await client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
    assert compressed.status_code == 200
    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.headers["content-type"].startswith("text/javascript")
    assert compressed.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert compressed.text == SCRIPT  # httpx undoes the gzip
    assert int(compressed.headers["content-length"]) < len(SCRIPT)
    plain = await client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text == SCRIPT
    image = await client.get("/assets/logo.png")
    assert (image.status_code, image.headers["content-type"], image.content) == (200, "image/png", b"\x89PNG")


async def test_an_asset_the_build_does_not_have_is_a_404_problem_and_nothing_outside_the_build_is_served(
    client: httpx.AsyncClient,
) -> None:
    # Only files listed from the build are opened: a dotted path is the application's (or a 404), never a file.
    for path in ["/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/..%2fsecret.txt", "/secret.txt"]:
        answer = await client.get(path, headers={"Accept": HTML})
        assert "outside the build" not in answer.text, path
    for path in ["/assets/", "/assets/index-abc123.js/x", "/assets/INDEX-ABC123.JS"]:
        assert (await client.get(path)).status_code == 404, path
    missing = await client.get("/assets/index-old999.js")
    assert missing.headers["content-type"] == "application/problem+json"
    assert "reload" in missing.json()["detail"]


async def test_a_head_request_for_an_asset_answers_its_headers_without_a_body(client: httpx.AsyncClient) -> None:
    answer = await client.head("/assets/index-abc123.js", headers={"Accept-Encoding": "identity"})
    assert answer.status_code == 200
    assert answer.content == b""
    assert int(answer.headers["content-length"]) == len(SCRIPT)


def test_the_pages_it_answers_are_the_ui_s_top_level_routes() -> None:
    app_source = (Path(__file__).parents[3] / "web" / "src" / "App.tsx").read_text()
    routed = {
        line.split('path="/')[1].split('"')[0].split("/")[0] for line in app_source.splitlines() if 'path="/' in line
    }
    assert routed - {""} == set(UI_ROUTES)
