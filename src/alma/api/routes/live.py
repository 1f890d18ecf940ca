"""Live deployment events over WebSocket: every transition in order, resumable with ``after``."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from alma.api.inputs import Cursor
from alma.api.streams import follow, known_deployment
from alma.bootstrap import Services
from alma.errors import AlmaError
from alma.services.actor import acting_as
from alma.services.views import event_json

router = APIRouter()


@router.websocket("/ws/deployments/{deployment_id}")
async def deployment_events(socket: WebSocket, deployment_id: str, after: Cursor = 0, token: str | None = None) -> None:
    """Browsers cannot set headers on a WebSocket: the key may come as ``?token=`` as well."""
    services: Services = socket.app.state.services
    key = socket.headers.get("x-api-key") or token
    caller = await services.keys.authenticate(key) if key else None
    if caller is None or not caller.may("read"):
        await socket.close(code=4401, reason="an API key with the read permission is required")
        return
    await socket.accept()
    with acting_as(caller.name):
        try:
            found = await known_deployment(services, deployment_id)

            async def gone() -> bool:
                return socket.client_state != WebSocketState.CONNECTED

            async for event in follow(services, found, deployment_id, after, gone):
                await socket.send_json(event_json(event))
        except WebSocketDisconnect:
            return
        except AlmaError as error:  # e.g. no such deployment: say so, as the REST routes would
            await socket.send_json({"error": type(error).__name__, "detail": str(error)})
    await socket.close()
