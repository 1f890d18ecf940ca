"""``Idempotency-Key`` on POSTs: the first answer is stored and replayed to retries (``alma.services
.idempotency`` says the rules). Plain ASGI, inside the gate: only an authenticated request is ever
recorded, and its body has already been bounded by the time it is read here to be hashed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from alma.bootstrap import Services
from alma.perimeter import key_id_of, problem_response
from alma.perimeter.credentials import header
from alma.services.idempotency import Claimed, IdempotencyService, InProgress, Mismatch, Replay

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADER = b"idempotency-key"
MAX_KEY = 255


class Idempotent:
    def __init__(self, app: App) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = header(scope, HEADER) if scope["type"] == "http" and scope["method"] == "POST" else None
        key_id = key_id_of(scope)
        if given is None or key_id is None:
            await self._app(scope, receive, send)
            return
        if not 0 < len(given) <= MAX_KEY or not given.isprintable() or not given.isascii():
            detail = f"Idempotency-Key must be 1 to {MAX_KEY} printable ASCII characters"
            await problem_response(scope, send, 400, "Bad request", detail)
            return
        services: Services = scope["app"].state.services
        service = services.idempotency
        body = await _read(receive)
        if body is None:
            return  # the client went away before its request arrived: nothing to run or record
        begun = await service.begin(service.scope(key_id, "POST", scope["path"], given), service.body_hash(body))
        if isinstance(begun, Replay):
            await _replay(send, begun)
        elif isinstance(begun, InProgress):
            detail = "a request with this Idempotency-Key is still being processed; retry shortly"
            retry = [(b"retry-after", str(begun.retry_after_s).encode())]
            await problem_response(scope, send, 409, "Request in progress", detail, retry)
        elif isinstance(begun, Mismatch):
            detail = "this Idempotency-Key was used with a different body; use a new key for a new request"
            await problem_response(scope, send, 422, "Idempotency-Key reused", detail)
        else:
            await self._run(scope, receive, send, body, service, begun)

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, body: bytes, service: IdempotencyService, claim: Claimed
    ) -> None:
        delivered = False

        async def replayed() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # only a disconnect is left to come

        status = 500
        media_type = "application/json"
        chunks: list[bytes] = []
        finished = False

        async def kept(message: Message) -> None:
            nonlocal status, media_type, finished
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for name, value in message.get("headers", []):
                    if bytes(name).lower() == b"content-type":
                        media_type = bytes(value).decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))
                finished = not message.get("more_body", False)
            await send(message)

        async def keep_claim() -> None:
            renewed = True
            while renewed:
                await asyncio.sleep(service.lease_s / 3)  # renewed well before the lease runs out
                renewed = await service.renew(claim.scope)

        renewer = asyncio.get_running_loop().create_task(keep_claim())
        try:
            await self._app(scope, replayed, kept)
        except BaseException:
            await service.abandon(claim.scope)
            raise
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
        if finished and status < 500:
            await service.finish(claim.scope, status, b"".join(chunks).decode("utf-8", "replace"), media_type)
        else:
            await service.abandon(claim.scope)  # a failure to retry, not an answer to keep


async def _read(receive: Receive) -> bytes | None:
    """The whole body (bounded by the gate), or None when the client disconnected before sending it."""
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return bytes(body)


async def _replay(send: Send, replay: Replay) -> None:
    content = replay.body.encode()
    headers = [
        (b"content-type", replay.media_type.encode("latin-1")),
        (b"content-length", str(len(content)).encode()),
        (b"idempotent-replay", b"true"),
    ]
    await send({"type": "http.response.start", "status": replay.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": content})
