"""Live deployment events over WebSocket: every transition in order, resumable with ``after``.

The gate (``alma.perimeter``) authenticated the handshake from its headers: ``X-API-Key``, ``Authorization:
Bearer``, or — for browsers, which cannot set headers — the subprotocols ``alma`` and ``alma.key.KEY``
(answered with ``alma``; the key is never echoed). A key in the URL (``?token=KEY``) is refused: a URL is what
proxies log."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from alma.api.inputs import Cursor
from alma.api.streams import STREAM_RETRY_AFTER_S, StreamSlots, follow, known_deployment, ws_json
from alma.bootstrap import Services
from alma.errors import AlmaError
from alma.perimeter import SUBPROTOCOL, caller_of, key_id_of, problem_response
from alma.services.actor import acting_as

router = APIRouter()


@router.websocket("/ws/deployments/{deployment_id}")
async def deployment_events(socket: WebSocket, deployment_id: str, after: Cursor = 0) -> None:
    services: Services = socket.app.state.services
    caller = caller_of(socket.scope)
    if caller is None or not caller.may("read"):
        detail = "an API key with the read permission is required"
        await problem_response(socket.scope, socket.send, 403, "Forbidden", detail)
        return
    slots: StreamSlots = socket.app.state.stream_slots
    key_id = key_id_of(socket.scope) or ""
    if not slots.take(key_id):
        retry = [(b"retry-after", str(STREAM_RETRY_AFTER_S).encode())]
        detail = f"this key has {slots.per_key} live streams open already"
        await problem_response(socket.scope, socket.send, 429, "Too many streams", detail, retry)
        return
    try:
        await socket.accept(subprotocol=SUBPROTOCOL if SUBPROTOCOL in socket.scope.get("subprotocols", ()) else None)
        with acting_as(caller.name, caller.role):
            await _stream(socket, services, deployment_id, after)
    finally:
        slots.give_back(key_id)


async def _stream(socket: WebSocket, services: Services, deployment_id: str, after: int) -> None:
    """Send events until the stream ends, or stop at once when the client goes (a listener waits for its
    close, so an idle stream of a vanished client does not hold its slot)."""
    closed = asyncio.Event()

    async def gone() -> bool:
        return closed.is_set()

    async def send_events() -> None:
        try:
            found = await known_deployment(services, deployment_id)
            async for item in follow(services, found, deployment_id, after, gone):
                await socket.send_json(ws_json(item))
        except AlmaError as error:  # e.g. no such deployment: say so, as the REST routes would
            detail = socket.app.state.redactor.scrub(str(error))
            await socket.send_json({"error": type(error).__name__, "detail": detail})
        await socket.close()

    async def listen() -> None:
        with contextlib.suppress(WebSocketDisconnect):
            while (await socket.receive())["type"] != "websocket.disconnect":
                pass  # clients have nothing to say on this stream
        closed.set()

    sender = asyncio.create_task(send_events())
    listener = asyncio.create_task(listen())
    try:
        await asyncio.wait({sender, listener}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sender, listener):
            task.cancel()
        for task in (sender, listener):
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                await task
