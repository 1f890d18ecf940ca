"""A real ``alma mcp --http`` on loopback under hostile input, over real sockets: the same gate as the HTTP
API (no body byte before the key, bodies bounded as they stream, wrong keys limited per address), sessions
that belong to the key that opened them, and no key in its log or its database."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.e2e.hostile import body_of, clean_env, make_key, raw_request, serve_mcp, stored_bytes

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

MB = 1024 * 1024
HELLO = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def test_mcp_over_http_holds_under_hostile_input(tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home", ALMA_API_FAILED_AUTH_PER_MINUTE="5")
    first = make_key(env, "agent-a", "operator")
    second = make_key(env, "agent-b", "operator")
    server, url = serve_mcp(env, tmp_path / "mcp.log")
    base, path = url.rsplit("/", 1)
    path = "/" + path
    try:
        opened = httpx.post(url, json=HELLO, headers={**ACCEPT, "Authorization": f"Bearer {first}"}, timeout=30)
        assert opened.status_code == 200, opened.text
        session = opened.headers["mcp-session-id"]
        server.reset_peak()
        before = server.rss_mb()
        unauthenticated = raw_request(base, "POST", path, ACCEPT, body_of(64 * MB), chunked=True)
        assert unauthenticated.status == 401 and unauthenticated.sent < 64 * MB
        too_big = raw_request(
            base, "POST", path, {**ACCEPT, "Authorization": f"Bearer {first}"}, body_of(64 * MB), chunked=True
        )
        assert too_big.status == 413 and too_big.sent < 64 * MB
        growth = server.peak_mb() - before
        assert growth < 40, f"the server's peak RSS grew by {growth:.1f} MB"
        listing = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
        taken = httpx.post(
            url,
            content=listing,
            headers={**ACCEPT, "Authorization": f"Bearer {second}", "Mcp-Session-Id": session},
            timeout=30,
        )
        assert taken.status_code == 403 and "another API key" in taken.json()["detail"]
        guesses = [
            raw_request(base, "POST", path, {**ACCEPT, "Authorization": f"Bearer alma_guess_{i}"}).status
            for i in range(7)
        ]
        assert guesses == [401] * 5 + [429] * 2
    finally:
        server.stop()
    log = server.text()
    assert "running on http://127.0.0.1" in log
    stored = stored_bytes(tmp_path / "home")
    for secret in (first, second):
        assert secret not in log
        assert secret.encode() not in stored
