"""The remote dashboard source over httpx's MockTransport (a real transport that answers in process): how
the API's answers become ALMA's errors, in one place, and how a server-sent event stream is read, up to its
last word. The real server is in tests/e2e/test_dashboard_remote.py."""

from __future__ import annotations

import json

import httpx
import pytest

from alma.cli.dashboard.remote import RemoteSource
from alma.cli.dashboard.source import INTERRUPTED
from alma.errors import AlmaError, ConflictError, InvalidInputError, RefusedError, UpstreamError

URL = "http://alma.test"


def answering(status: int, body: object) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-API-Key"] == "alma_k"
        return httpx.Response(status, json=body)

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, InvalidInputError),
        (404, InvalidInputError),
        (422, InvalidInputError),
        (401, RefusedError),
        (403, RefusedError),
        (409, ConflictError),
        (500, UpstreamError),
        (503, UpstreamError),
    ],
)
async def test_each_problem_becomes_the_error_it_means_with_the_servers_words(
    status: int, error: type[AlmaError]
) -> None:
    source = RemoteSource(URL, "alma_k", transport=answering(status, {"title": "t", "detail": "what the server said"}))
    try:
        with pytest.raises(error, match="what the server said"):
            await source.stacks()
    finally:
        await source.aclose()


async def test_an_answer_that_is_not_json_still_says_something() -> None:
    source = RemoteSource(
        URL, "alma_k", transport=httpx.MockTransport(lambda _r: httpx.Response(502, text="bad gateway"))
    )
    try:
        with pytest.raises(UpstreamError, match="502: bad gateway"):
            await source.engines()
    finally:
        await source.aclose()


def _sse(*items: tuple[str, dict[str, object]]) -> bytes:
    return "".join(f"event: {kind}\ndata: {json.dumps(data)}\n\n" for kind, data in items).encode()


def _event(n: int, kind: str, resource: str | None = None) -> dict[str, object]:
    return {
        "id": n,
        "at": "2026-01-01T00:00:00+00:00",
        "kind": kind,
        "resource": resource,
        "actor": "ops",
        "deployment_id": "d1",
        "message": f"{kind} {resource or ''}".strip(),
        "data": {},
    }


async def test_a_stream_is_read_event_by_event_until_its_final_event() -> None:
    body = _sse(
        ("deployment.started", _event(1, "deployment.started")),
        ("resource.creating", _event(2, "resource.creating", "a")),
        ("resource.created", _event(3, "resource.created", "a")),
        ("deployment.succeeded", _event(4, "deployment.succeeded")),
        ("deployment.verified", _event(5, "deployment.verified")),  # after the final event: not read
    )

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Accept"] == "text/event-stream" and request.url.params["after"] == "0"
        return httpx.Response(200, content=body, headers={"Content-Type": "text/event-stream"})

    source = RemoteSource(URL, "alma_k", transport=httpx.MockTransport(handler))
    try:
        seen = [event async for event in source.follow("d1")]
    finally:
        await source.aclose()
    assert [(e.id, e.kind, e.finishes_a_resource) for e in seen] == [
        (1, "deployment.started", False),
        (2, "resource.creating", False),
        (3, "resource.created", True),
        (4, "deployment.succeeded", False),
    ]


async def test_a_stream_that_ends_saying_nothing_runs_the_deployment_hands_that_on() -> None:
    body = _sse(
        ("resource.created", _event(3, "resource.created", "a")),
        ("interrupted", {"kind": INTERRUPTED, "deployment_id": "d1", "detail": "the process running it is gone"}),
    )
    transport = httpx.MockTransport(lambda _r: httpx.Response(200, content=body))
    source = RemoteSource(URL, "alma_k", transport=transport)
    try:
        seen = [event async for event in source.follow("d1")]
    finally:
        await source.aclose()
    assert [(e.kind, e.message) for e in seen] == [
        ("resource.created", "resource.created a"),
        (INTERRUPTED, "the process running it is gone"),
    ]


async def test_a_stream_refused_by_the_server_is_the_refusal() -> None:
    source = RemoteSource(URL, "alma_k", transport=answering(404, {"detail": "no deployment 'd9'"}))
    try:
        with pytest.raises(InvalidInputError, match="no deployment 'd9'"):
            [event async for event in source.follow("d9")]
    finally:
        await source.aclose()
