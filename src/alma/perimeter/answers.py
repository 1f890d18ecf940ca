"""Answers the gate gives on its own, before any application code runs: problem JSON (RFC 9457) over raw
ASGI, for an HTTP request or — where the server supports it — a WebSocket handshake."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

Scope = MutableMapping[str, Any]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

PROBLEM = b"application/problem+json"


def problem_body(status: int, title: str, detail: str) -> bytes:
    return json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()


async def problem_response(
    scope: Scope,
    send: Send,
    status: int,
    title: str,
    detail: str,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """Send the problem. A WebSocket handshake gets it as an HTTP answer when the server can send one
    (``websocket.http.response``), else it is refused with close code 1008 and the detail as reason."""
    body = problem_body(status, title, detail)
    all_headers = [(b"content-type", PROBLEM), (b"content-length", str(len(body)).encode()), *headers]
    if scope["type"] == "websocket":
        if "websocket.http.response" not in scope.get("extensions", {}):
            await send({"type": "websocket.close", "code": 1008, "reason": detail[:120]})
            return
        await send({"type": "websocket.http.response.start", "status": status, "headers": all_headers})
        await send({"type": "websocket.http.response.body", "body": body})
        return
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})
