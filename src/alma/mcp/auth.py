"""API keys for MCP over HTTP, with the HTTP API's keys and roles. The gate in front (``alma.perimeter``)
authenticates ``Authorization: Bearer KEY`` (or ``X-API-Key``) before any body byte is read, limits the
rate per key and wrong keys per address, and bounds bodies; here, the role: a full server needs one that
may apply (operator, admin), a read-only one any role.

An MCP session belongs to the key that opened it: the session id the server hands out on ``initialize``
is bound to that key, and a request carrying it with another key is refused (403) — it would otherwise
continue someone else's conversation with the server. At most ``MAX_SESSIONS`` bindings are kept (the
oldest go first; the SDK then no longer knows that session either after a restart, and the client opens a
new one)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from alma.perimeter import caller_of, key_id_of, problem_response
from alma.perimeter.credentials import header
from alma.services.actor import acting_as

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_HEADER = b"mcp-session-id"
MAX_SESSIONS = 10_000


class KeyAuth:
    def __init__(self, app: App, *, read_only: bool) -> None:
        self._app = app
        self._needs = "read" if read_only else "apply"
        self._sessions: OrderedDict[str, str] = OrderedDict()  # session id -> the digest of its key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        caller, key_id = caller_of(scope), key_id_of(scope)
        if caller is None or key_id is None:  # the gate lets nothing unauthenticated through; be sure
            await problem_response(scope, send, 401, "Unauthorized", "an API key is required")
            return
        if not caller.may(self._needs):
            detail = f"role {caller.role} may not use this server (it needs '{self._needs}')"
            await problem_response(scope, send, 403, "Forbidden", detail)
            return
        session = header(scope, SESSION_HEADER)
        if session is not None and self._sessions.get(session, key_id) != key_id:
            detail = "this MCP session was opened with another API key; open a session of your own (initialize)"
            await problem_response(scope, send, 403, "Forbidden", detail)
            return

        async def bound(message: Message) -> None:
            if message["type"] == "http.response.start":
                for name, value in message.get("headers", []):
                    if bytes(name).lower() == SESSION_HEADER:
                        self._bind(bytes(value).decode("latin-1"), key_id)
            await send(message)

        with acting_as(caller.name, caller.role):
            await self._app(scope, receive, bound)
        if scope["method"] == "DELETE" and session is not None:
            self._sessions.pop(session, None)  # the client ended its session

    def _bind(self, session: str, key_id: str) -> None:
        self._sessions[session] = key_id
        self._sessions.move_to_end(session)
        while len(self._sessions) > MAX_SESSIONS:
            self._sessions.popitem(last=False)
