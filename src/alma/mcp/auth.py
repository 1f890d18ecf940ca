"""API keys for MCP over HTTP, with the HTTP API's keys and roles: ``Authorization: Bearer KEY`` (or
``X-API-Key``). A full server needs a role that may apply (operator, admin); a read-only one, any role."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from alma.bootstrap import Services
from alma.services.actor import acting_as

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class KeyAuth:
    def __init__(self, app: App, services: Services, *, read_only: bool) -> None:
        self._app = app
        self._services = services
        self._needs = "read" if read_only else "apply"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = {name.decode().lower(): value.decode() for name, value in scope.get("headers", [])}
        scheme, _, bearer = headers.get("authorization", "").partition(" ")
        key = headers.get("x-api-key") or (bearer.strip() if scheme.lower() == "bearer" else "")
        caller = await self._services.keys.authenticate(key) if key else None
        if caller is None:
            await _refuse(send, 401, "an API key is required: Authorization: Bearer KEY (see `alma keys create`)")
            return
        if not caller.may(self._needs):
            await _refuse(send, 403, f"role {caller.role} may not use this server (it needs '{self._needs}')")
            return
        with acting_as(caller.name):
            await self._app(scope, receive, send)


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"type": "about:blank", "status": status, "title": detail, "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/problem+json"), (b"www-authenticate", b"Bearer")],
        }
    )
    await send({"type": "http.response.body", "body": body})
