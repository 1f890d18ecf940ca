"""MCP over HTTP behind the gate, in process (the SDK's streamable-HTTP app with its session manager running,
an ASGI client in front): keys and roles, bounded bodies, and sessions that belong to the key that opened
them — a session id presented with another key is refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from alma.bootstrap import Services
from alma.mcp.auth import App
from alma.mcp.server import http_app

HELLO = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@asynccontextmanager
async def started(app: App) -> AsyncIterator[None]:
    """The app's lifespan, as a server runs it (the SDK's session manager lives in it)."""
    inbox: asyncio.Queue[MutableMapping[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[MutableMapping[str, Any]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}

    async def run() -> None:
        await app(scope, inbox.get, outbox.put)

    task = asyncio.create_task(run())
    assert (await outbox.get())["type"] == "lifespan.startup.complete"
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        assert (await outbox.get())["type"] == "lifespan.shutdown.complete"
        await task


@asynccontextmanager
async def client_of(services: Services, *, read_only: bool = False) -> AsyncIterator[httpx.AsyncClient]:
    app = http_app(services, host="127.0.0.1", read_only=read_only)
    async with started(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as client:
            yield client


async def key(services: Services, name: str, role: str) -> str:
    _record, made = await services.keys.create(name, role)
    return made


def bearer(made: str, session: str | None = None) -> dict[str, str]:
    return {**ACCEPT, "Authorization": f"Bearer {made}", **({"Mcp-Session-Id": session} if session else {})}


async def test_a_client_without_a_key_or_with_a_wrong_one_is_refused(services: Services) -> None:
    async with client_of(services) as client:
        missing = await client.post("/mcp", json=HELLO, headers=ACCEPT)
        wrong = await client.post("/mcp", json=HELLO, headers=bearer("not-a-key"))
    assert missing.status_code == wrong.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert "alma keys create" in missing.json()["detail"]


async def test_a_full_server_needs_a_role_that_may_apply_a_read_only_one_any(services: Services) -> None:
    viewer = await key(services, "viewer-1", "viewer")
    async with client_of(services) as client:
        refused = await client.post("/mcp", json=HELLO, headers=bearer(viewer))
    assert refused.status_code == 403 and "needs 'apply'" in refused.json()["detail"]
    async with client_of(services, read_only=True) as client:
        allowed = await client.post("/mcp", json=HELLO, headers=bearer(viewer))
    assert allowed.status_code == 200, allowed.text


async def test_a_session_belongs_to_the_key_that_opened_it(services: Services) -> None:
    first = await key(services, "agent-a", "operator")
    second = await key(services, "agent-b", "operator")
    listing = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
    async with client_of(services) as client:
        opened = await client.post("/mcp", json=HELLO, headers=bearer(first))
        assert opened.status_code == 200, opened.text
        session = opened.headers["mcp-session-id"]
        notified = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        assert (await client.post("/mcp", json=notified, headers=bearer(first, session))).status_code == 202
        taken = await client.post("/mcp", json=listing, headers=bearer(second, session))
        assert taken.status_code == 403
        assert "opened with another API key" in taken.json()["detail"]
        own = await client.post("/mcp", json=listing, headers=bearer(first, session))
        assert own.status_code == 200 and "apply_plan" in own.text
        # The second key opens its own session, which the first key cannot use either.
        theirs = (await client.post("/mcp", json=HELLO, headers=bearer(second))).headers["mcp-session-id"]
        assert theirs != session
        assert (await client.post("/mcp", json=listing, headers=bearer(first, theirs))).status_code == 403


@pytest.mark.parametrize("declared", [True, False])
async def test_a_body_over_the_limit_is_413_declared_or_chunked(services: Services, declared: bool) -> None:
    operator = await key(services, "agent-c", "operator")
    limit = services.settings.api_max_body_bytes
    async with client_of(services) as client:
        if declared:
            answer = await client.post("/mcp", content=b"x" * (limit + 1), headers=bearer(operator))
        else:

            async def chunks() -> AsyncIterator[bytes]:
                for _ in range(limit // 65536 + 2):
                    yield b"x" * 65536

            answer = await client.post("/mcp", content=chunks(), headers=bearer(operator))
    assert answer.status_code == 413
