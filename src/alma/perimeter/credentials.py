"""Where a caller's key is read from, in one place: ``X-API-Key``, ``Authorization: Bearer`` (any case of
the scheme, any amount of space), and for WebSockets — which browsers cannot give headers — the
``Sec-WebSocket-Protocol`` convention (``alma`` plus ``alma.key.KEY``; the server answers ``alma`` and
never echoes the key). However it is spelt, it is the same key: limits and idempotency use the resolved one.

Never from the URL: a ``?token=KEY`` lands in every proxy's and load balancer's access log (ALMA's own log
lines leave query strings out, theirs do not). A WebSocket handshake that carries one is refused, saying
how to send the key instead (``key_in_url``), rather than silently treated as keyless."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any
from urllib.parse import parse_qsl

Scope = MutableMapping[str, Any]

SUBPROTOCOL = "alma"
KEY_PROTOCOL = "alma.key."
# Far longer than any key ALMA makes (48 characters) or accepts as ALMA_API_KEY in practice: a longer value
# is refused as a wrong key without being looked up.
MAX_KEY_LENGTH = 512


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of a header (names are lower-case in ASGI), decoded as Latin-1 as HTTP says."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def presented_key(scope: Scope) -> str | None:
    """The key the request presents, or None when it presents none."""
    given = (header(scope, b"x-api-key") or "").strip()
    if given:
        return given
    scheme, _, value = (header(scope, b"authorization") or "").strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if scope["type"] == "websocket":
        return _websocket_key(scope)
    return None


def key_in_url(scope: Scope) -> bool:
    """Whether the request's URL carries a key (``?token=``, the way older WebSocket clients sent one)."""
    query = bytes(scope.get("query_string", b"")).decode("latin-1")
    return any(name == "token" for name, _value in parse_qsl(query, keep_blank_values=True))


def _websocket_key(scope: Scope) -> str | None:
    for protocol in scope.get("subprotocols", ()):
        if protocol.startswith(KEY_PROTOCOL) and len(protocol) > len(KEY_PROTOCOL):
            return str(protocol[len(KEY_PROTOCOL) :])
    return None
