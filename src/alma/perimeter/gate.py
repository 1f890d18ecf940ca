"""The gate: one ASGI layer in front of a surface's routes.

For every HTTP request and WebSocket handshake, in this order, before the application sees it:

1. **Who.** The key is read from the headers (``credentials``) and resolved to a caller. A wrong key is a
   401 and takes one of the client address's allowance of wrong keys (``ALMA_API_FAILED_AUTH_PER_MINUTE``);
   from an address with none left, wrong keys get 429. A *valid* key is never refused by that allowance:
   behind a load balancer (no ``ALMA_API_TRUSTED_PROXIES``) every caller shares one address, and one client
   retrying a revoked key would otherwise lock every user out. No key at all is a 401 except on the public
   paths the surface names.

   Admitting a valid key from a blocked address answers a guesser "right" (200) or "wrong" (429) at any rate.
   That is safe because guessing is hopeless whatever the rate: ALMA's keys are 32 random bytes (256 bits; 48
   characters). ``ALMA_API_KEY`` is the exception: people choose it (16 characters at the least), so from a
   blocked address it is refused exactly as a wrong key is. What the allowance still does besides is cost: a
   digest already found wrong is refused from memory (``WrongKeys``), so a client repeating a revoked key makes
   no lookup at all, and a fresh wrong key costs the one indexed digest lookup a valid key costs anyway — never
   a body byte (the body is unread).
2. **How often.** One limiter keyed by the *resolved* key (a digest of it): however the key is spelt,
   it is one allowance (``ALMA_API_RATE_LIMIT_PER_MINUTE``). Every 429 says ``Retry-After``.
3. **How much.** A declared ``Content-Length`` over ``ALMA_API_MAX_BODY_BYTES`` is a 413 at once; every
   other body — chunked ones too — is counted as the application reads it, and refused with 413 the
   moment it passes the limit. So nothing is read before the caller is known, and nothing past the limit
   is read at all.

A WebSocket handshake with a key in its URL (``?token=``) is refused before anything else (400, or close
code 1008 where the server cannot answer a handshake over HTTP), saying how to send the key: the URL is
what proxies log, so the key may be known to others already.

Refusals that leave a body unread close the connection (``Connection: close``): the server does not
drain what it refused. The resolved caller travels in the ASGI scope (``caller_of``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from dataclasses import dataclass
from typing import Any

from alma.perimeter.answers import problem_response
from alma.perimeter.credentials import MAX_KEY_LENGTH, header, key_in_url, presented_key
from alma.perimeter.limits import Buckets, WrongKeys
from alma.services import Caller
from alma.services.keys import ENV_ADMIN

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Authenticate = Callable[[str], Awaitable[Caller | None]]

CALLER = "alma.caller"
KEY_ID = "alma.key_id"
NEEDS_KEY = "an API key is required: send X-API-Key: KEY or Authorization: Bearer KEY (see `alma keys create`)"
# At most 123 bytes: it is also the reason of a WebSocket close frame.
KEY_IN_URL = "keys in URLs (?token=) are refused: send subprotocols 'alma' + 'alma.key.KEY', or an X-API-Key header"
WRONG_KEY = "unknown or revoked API key"
CHALLENGE = (b"www-authenticate", b'Bearer realm="alma"')


@dataclass(frozen=True, slots=True)
class GateLimits:
    max_body_bytes: int
    requests_per_minute: int
    failed_auth_per_minute: int


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a body passes the limit; the gate answers 413 for the application."""


def caller_of(scope: Scope) -> Caller | None:
    """The caller the gate resolved for this request, or None (a public path asked without a key)."""
    caller: Caller | None = scope.get(CALLER)
    return caller


def key_id_of(scope: Scope) -> str | None:
    """A digest of the resolved key: the same for every spelling of one key (idempotency scopes use it)."""
    found: str | None = scope.get(KEY_ID)
    return found


class Gate:
    def __init__(self, app: App, *, authenticate: Authenticate, limits: GateLimits, public: Collection[str] = ()):
        self._app = app
        self._authenticate = authenticate
        self._limits = limits
        self._public = frozenset(public)
        self._requests = Buckets(limits.requests_per_minute)
        self._failures = Buckets(limits.failed_auth_per_minute)
        self._wrong = WrongKeys()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        if scope["type"] == "websocket" and key_in_url(scope):
            await problem_response(scope, send, 400, "Bad request", KEY_IN_URL)
            return
        refused = await self._admit(scope)
        if refused is not None:
            status, title, detail, headers = refused
            await problem_response(scope, send, status, title, detail, [*headers, *_closing(scope)])
            return
        if scope["type"] == "websocket":
            await self._app(scope, receive, send)
            return
        await self._bounded(scope, receive, send)

    async def _admit(self, scope: Scope) -> tuple[int, str, str, list[tuple[bytes, bytes]]] | None:
        """None to let the request in (its caller in the scope), else the refusal."""
        key = presented_key(scope)
        if key is None:
            if scope["path"] in self._public:
                return None
            return 401, "Unauthorized", NEEDS_KEY, [CHALLENGE]
        # A key longer than any ALMA accepts, or one already found wrong, is wrong without a lookup.
        key_id = hashlib.sha256(key.encode()).hexdigest() if len(key) <= MAX_KEY_LENGTH else None
        caller = None if key_id is None or key_id in self._wrong else await self._authenticate(key)
        if caller is None or key_id is None:
            if key_id is not None:
                self._wrong.add(key_id)
            wait = self._failures.take(_client(scope))
            if wait is not None:
                return _too_many_wrong_keys(wait)
            return 401, "Unauthorized", WRONG_KEY, [CHALLENGE]
        if caller.name == ENV_ADMIN:
            # ALMA_API_KEY is chosen by people (16 characters at the least), not drawn by ALMA: from an address
            # out of wrong-key allowance it is refused exactly as a wrong key is, so guessing it stays slow.
            wait = self._failures.wait_s(_client(scope))
            if wait is not None:
                return _too_many_wrong_keys(wait)
        wait = self._requests.take(key_id)
        if wait is not None:
            detail = f"more than {self._limits.requests_per_minute} requests a minute for this key; retry in {wait} s"
            return 429, "Too many requests", detail, [(b"retry-after", str(wait).encode())]
        scope[CALLER] = caller
        scope[KEY_ID] = key_id
        return None

    async def _bounded(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self._limits.max_body_bytes
        declared = header(scope, b"content-length")
        if declared is not None:
            if not (declared.isascii() and declared.isdigit()):
                await problem_response(
                    scope, send, 400, "Bad request", "Content-Length is not a number", _closing(scope)
                )
                return
            if int(declared) > limit:
                detail = f"the body is {declared} bytes; the limit is {limit} (ALMA_API_MAX_BODY_BYTES)"
                await problem_response(scope, send, 413, "Request too large", detail, _closing(scope))
                return
        received = 0
        overflowed = False
        started = False
        replaced = False

        async def counted() -> Message:
            nonlocal received, overflowed
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflowed = True
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            # An application that caught the overflow and answered something else is answered for: 413.
            nonlocal started, replaced
            if overflowed:
                if message["type"] == "http.response.start" and not replaced:
                    replaced = started = True
                    await self._too_large(scope, send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self._app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await self._too_large(scope, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        limit = self._limits.max_body_bytes
        detail = f"the body is larger than {limit} bytes (ALMA_API_MAX_BODY_BYTES)"
        await problem_response(scope, send, 413, "Request too large", detail, [(b"connection", b"close")])


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _closing(scope: Scope) -> list[tuple[bytes, bytes]]:
    """``Connection: close`` when the request has a body nobody will read."""
    if scope["type"] != "http":
        return []
    length = header(scope, b"content-length")
    chunked = "chunked" in (header(scope, b"transfer-encoding") or "").lower()
    return [(b"connection", b"close")] if chunked or (length not in (None, "0")) else []


def _too_many_wrong_keys(wait: int) -> tuple[int, str, str, list[tuple[bytes, bytes]]]:
    detail = f"too many wrong API keys from this address; retry in {wait} s"
    return 429, "Too many requests", detail, [(b"retry-after", str(wait).encode())]
