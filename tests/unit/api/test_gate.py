"""The gate in front of every route (``alma.perimeter``), driven over raw ASGI so the tests can see what the
server does with a body: who is asked for first, how much of a body is read, what a refusal says.

Each request is sent the way a server hands it to the application: the headers in the scope, the body
as ``http.request`` messages pulled by ``receive``. ``Sent.reads`` counts the pulls."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from alma.api import create_app
from alma.bootstrap import Services, build
from alma.perimeter import Buckets, Gate, GateLimits
from alma.services import Caller
from tests.conftest import make_settings

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

ADMIN = "gate-admin-key-0123456789"
LIMIT = 1024


@dataclass
class Sent:
    reads: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"])

    @property
    def headers(self) -> dict[str, str]:
        return {bytes(k).decode(): bytes(v).decode() for k, v in self.messages[0]["headers"]}

    @property
    def json(self) -> Any:
        return json.loads(b"".join(m.get("body", b"") for m in self.messages[1:]))


async def call(
    app: Callable[[Scope, Receive, Send], Awaitable[None]],
    method: str,
    path: str,
    headers: dict[str, str],
    chunks: Iterable[bytes] = (),
    client: str = "10.0.0.1",
) -> Sent:
    """One request over raw ASGI; the body in ``chunks`` (no Content-Length unless ``headers`` says one)."""
    sent = Sent()
    pending = list(chunks)

    async def receive() -> dict[str, Any]:
        sent.reads += 1
        if not pending:
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": pending.pop(0), "more_body": bool(pending)}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.messages.append(dict(message))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": (client, 40000),
        "server": ("alma.test", 80),
    }
    await app(scope, receive, send)
    return sent


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = make_settings(
        tmp_path, api_key=ADMIN, api_max_body_bytes=LIMIT, api_rate_limit_per_minute=5, api_failed_auth_per_minute=3
    )
    built = create_app(settings)
    async with built.router.lifespan_context(built):
        yield built


CHUNKED = {"Transfer-Encoding": "chunked", "Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v1/conversation/intent", {}),
        ("/api/v1/iprs/1/reviews", {}),
        ("/api/v1/plans", {"X-API-Key": "made-up-key", "Idempotency-Key": "k1"}),
        ("/graphql", {"Authorization": "Bearer made-up-key"}),
    ],
)
async def test_no_body_byte_is_read_before_the_key_is_known_good(
    app: FastAPI, path: str, headers: dict[str, str]
) -> None:
    sent = await call(app, "POST", path, {**CHUNKED, **headers}, [b"x" * 512] * 1000)
    assert sent.status == 401
    assert sent.reads == 0
    assert sent.headers["www-authenticate"] == 'Bearer realm="alma"'
    assert sent.headers["connection"] == "close"  # the refused body is not drained
    assert sent.headers["content-type"] == "application/problem+json"


async def test_malformed_json_without_a_key_is_401_not_422(app: FastAPI) -> None:
    sent = await call(app, "POST", "/api/v1/iprs", {"Content-Type": "application/json"}, [b"{not json"])
    assert sent.status == 401


async def test_a_chunked_body_is_refused_with_413_as_soon_as_it_passes_the_limit(app: FastAPI) -> None:
    for path in ("/api/v1/validate", "/api/v1/conversation/intent", "/graphql"):
        sent = await call(app, "POST", path, {**CHUNKED, "X-API-Key": ADMIN}, [b"x" * 512] * 1000)
        assert sent.status == 413, path
        assert sent.reads <= 3, path  # 1536 bytes passed the 1024 limit: nothing after that was pulled
        assert "1024" in sent.json["detail"]


async def test_a_body_with_an_idempotency_key_is_bounded_too(app: FastAPI) -> None:
    headers = {**CHUNKED, "X-API-Key": ADMIN, "Idempotency-Key": "big-one"}
    sent = await call(app, "POST", "/api/v1/plans", headers, [b"x" * 512] * 1000)
    assert sent.status == 413 and sent.reads <= 3


async def test_a_declared_length_over_the_limit_is_refused_unread(app: FastAPI) -> None:
    headers = {"X-API-Key": ADMIN, "Content-Length": str(LIMIT + 1)}
    sent = await call(app, "POST", "/api/v1/validate", headers, [b"x" * (LIMIT + 1)])
    assert (sent.status, sent.reads) == (413, 0)
    odd = await call(app, "POST", "/api/v1/validate", {"X-API-Key": ADMIN, "Content-Length": "12a"}, [b"x"])
    assert (odd.status, odd.reads) == (400, 0)


async def test_every_spelling_of_a_key_shares_one_allowance_and_429_says_retry_after(app: FastAPI) -> None:
    spellings = [
        {"X-API-Key": ADMIN},
        {"Authorization": f"Bearer {ADMIN}"},
        {"Authorization": f"bEaRer    {ADMIN}  "},
        {"X-API-Key": f"  {ADMIN} "},
        {"Authorization": f"BEARER {ADMIN}"},
    ]
    codes = [(await call(app, "GET", "/api/v1/stacks", h)).status for h in spellings]
    assert codes == [200] * 5  # the allowance is 5 a minute
    for headers in spellings:
        refused = await call(app, "GET", "/api/v1/stacks", headers)
        assert refused.status == 429
        assert int(refused.headers["retry-after"]) >= 1


async def test_wrong_keys_are_limited_per_address_whatever_the_key(app: FastAPI) -> None:
    guesses = [(await call(app, "GET", "/api/v1/stacks", {"X-API-Key": f"guess-{i}"})).status for i in range(3)]
    assert guesses == [401, 401, 401]
    for guess in ("guess-3", "guess-0", "k" * 60_000):
        blocked = await call(app, "GET", "/api/v1/stacks", {"X-API-Key": guess})
        assert blocked.status == 429 and int(blocked.headers["retry-after"]) >= 1
    # Another address is not affected; a request without a key is a plain 401, not a guess.
    assert (await call(app, "GET", "/api/v1/stacks", {"X-API-Key": "guess-4"}, client="10.0.0.2")).status == 401
    assert (await call(app, "GET", "/api/v1/stacks", {}, client="10.0.0.3")).status == 401


async def test_a_valid_key_is_never_refused_because_its_address_sent_wrong_ones(app: FastAPI) -> None:
    """Behind a load balancer every caller shares one address: one client retrying a revoked key must not
    lock the others out. (A guesser learns nothing useful from it: keys are 256 random bits; see the gate.)"""
    services: Services = app.state.services
    _record, live = await services.keys.create("alice", "viewer")
    _record, revoked = await services.keys.create("old-ci", "viewer")
    await services.keys.revoke("old-ci")
    leftover = [(await call(app, "GET", "/api/v1/stacks", {"X-API-Key": revoked})).status for _ in range(5)]
    assert leftover == [401, 401, 401, 429, 429]
    assert (await call(app, "GET", "/api/v1/stacks", {"X-API-Key": live})).status == 200
    # ALMA_API_KEY is chosen by people, not drawn: from a blocked address it is refused as a wrong key is
    # (the same answer, so a guesser cannot tell it found the admin key), and from any other it is let in.
    admin = await call(app, "GET", "/api/v1/stacks", {"Authorization": f"Bearer {ADMIN}"})
    wrong = await call(app, "GET", "/api/v1/stacks", {"X-API-Key": "guess-x"})
    assert admin.status == wrong.status == 429 and admin.json == wrong.json
    assert (await call(app, "GET", "/api/v1/stacks", {"X-API-Key": ADMIN}, client="10.0.0.9")).status == 200
    # Wrong keys from the address are still refused, with their bodies unread.
    for key in (revoked, "alma_" + "x" * 43):
        refused = await call(app, "POST", "/api/v1/plans", {**CHUNKED, "X-API-Key": key}, [b"x" * 512] * 1000)
        assert (refused.status, refused.reads) == (429, 0)
        assert int(refused.headers["retry-after"]) >= 1 and refused.headers["connection"] == "close"
    # The valid keys keep their own allowance (5 a minute here), however many wrong keys the address sent.
    codes = [(await call(app, "GET", "/api/v1/stacks", {"X-API-Key": live})).status for _ in range(5)]
    assert codes == [200] * 4 + [429]


async def test_a_wrong_key_is_looked_up_once_and_then_refused_from_memory(tmp_path: Path) -> None:
    """A client repeating a revoked key costs one lookup, not one per request, blocked or not."""
    services = await build(make_settings(tmp_path, api_key=ADMIN))
    try:
        _record, revoked = await services.keys.create("old-ci", "viewer")
        _record, live = await services.keys.create("ci", "viewer")
        await services.keys.revoke("old-ci")
        asked: list[str] = []

        async def authenticate(key: str) -> Caller | None:
            asked.append(key)
            return await services.keys.authenticate(key)

        async def inner(scope: Scope, receive: Receive, send: Send) -> None:
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        gate = Gate(inner, authenticate=authenticate, limits=GateLimits(LIMIT, 100, 3))
        codes = [(await call(gate, "GET", "/x", {"X-API-Key": revoked})).status for _ in range(6)]
        assert codes == [401] * 3 + [429] * 3
        assert asked == [revoked]
        assert (await call(gate, "GET", "/x", {"X-API-Key": live})).status == 204  # from the blocked address
        assert asked == [revoked, live]
    finally:
        await services.aclose()


async def test_a_huge_key_is_a_wrong_key_and_costs_no_lookup_state(app: FastAPI) -> None:
    sent = await call(app, "GET", "/api/v1/stacks", {"X-API-Key": "k" * 60_000})
    assert sent.status == 401


def test_the_limiter_keeps_a_bounded_number_of_buckets() -> None:
    now = [0.0]
    buckets = Buckets(per_minute=2, max_buckets=100, clock=lambda: now[0])
    for i in range(10_000):
        buckets.take(f"identity-{i}")
    assert len(buckets) == 100
    assert buckets.take("identity-9999") is None  # the most recent ones are kept: one request left
    assert buckets.take("identity-9999") == 30  # then a wait: 2 a minute refills one every 30 s
    now[0] += 30
    assert buckets.take("identity-9999") is None


async def test_public_paths_answer_without_a_key_and_readiness_hides_details_from_strangers(
    app: FastAPI,
) -> None:
    assert (await call(app, "GET", "/health", {})).status == 200
    anonymous = await call(app, "GET", "/ready", {})
    assert anonymous.status == 200
    assert all(set(e) == {"name", "ok"} for e in anonymous.json["engines"])
    known = await call(app, "GET", "/ready", {"X-API-Key": ADMIN})
    assert all("detail" in e for e in known.json["engines"])
    assert (await call(app, "GET", "/ready", {"X-API-Key": "wrong"})).status == 401


async def test_unknown_paths_need_a_key_too_so_they_reveal_nothing(app: FastAPI) -> None:
    assert (await call(app, "GET", "/api/v2/anything", {})).status == 401
    assert (await call(app, "GET", "/api/v2/anything", {"X-API-Key": ADMIN})).status == 404


async def test_the_request_id_is_on_the_gates_own_answers(app: FastAPI) -> None:
    sent = await call(app, "GET", "/api/v1/stacks", {"X-Request-ID": "trace-7"})
    assert sent.status == 401 and sent.headers["x-request-id"] == "trace-7"


async def test_httpx_clients_see_the_same_answers(tmp_path: Path) -> None:
    """Through an ordinary ASGI client as well (the one the route tests use)."""
    app = create_app(make_settings(tmp_path, api_key=ADMIN, api_max_body_bytes=LIMIT))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://alma.test") as client:

            async def chunks() -> AsyncIterator[bytes]:
                for _ in range(4):
                    yield b"x" * 600

            big = await client.post("/api/v1/validate", content=chunks(), headers={"X-API-Key": ADMIN})
            assert big.status_code == 413
            no_key = await client.post("/api/v1/plans", content=b"{}")
            assert no_key.status_code == 401 and no_key.headers["www-authenticate"].startswith("Bearer")


async def handshake(app: FastAPI, query: str, headers: dict[str, str]) -> list[MutableMapping[str, Any]]:
    """A WebSocket handshake over raw ASGI, from a server that cannot answer one over HTTP (no
    ``websocket.http.response`` extension): what the application sent back."""
    sent: list[MutableMapping[str, Any]] = []
    incoming = [{"type": "websocket.connect"}]

    async def receive() -> MutableMapping[str, Any]:
        return incoming.pop(0) if incoming else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": "/ws/deployments/x",
        "raw_path": b"/ws/deployments/x",
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "subprotocols": [],
        "client": ("10.0.0.9", 40000),
        "server": ("alma.test", 80),
        "extensions": {},
    }
    await app(scope, receive, send)
    return sent


async def test_a_websocket_with_its_key_in_the_url_is_refused_with_a_close_reason_saying_how_to_send_it(
    app: FastAPI,
) -> None:
    # Close 1008, the reason saying where the key goes instead. Valid or not, and even beside a key in a
    # header, a key in a URL is refused before any lookup: the URL is in proxies' logs already.
    for query, headers in ((f"token={ADMIN}", {}), ("after=0&token=made-up", {"X-API-Key": ADMIN}), ("token=", {})):
        sent = await handshake(app, query, headers)
        assert [m["type"] for m in sent] == ["websocket.close"], query
        assert sent[0]["code"] == 1008
        assert sent[0]["reason"].startswith("keys in URLs (?token=) are refused: send subprotocols 'alma' + 'alma.key.")
