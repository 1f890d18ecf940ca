"""Deployments: history, one deployment, its events (JSON, or live over SSE with resume), resume."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from alma.api.auth import Applier, Reader, ServicesDep
from alma.api.inputs import Cursor, event_cursor
from alma.api.problems import problem
from alma.api.runs import answer_run
from alma.api.streams import STREAM_RETRY_AFTER_S, SlotStream, StreamSlots, follow, known_deployment, sse
from alma.contracts import DeploymentOut, EventOut, QueuedRunOut, RunOut
from alma.contracts.api import QueuedDeploymentOut
from alma.perimeter import key_id_of

router = APIRouter(tags=["deployments"])


@router.get("/deployments/{deployment_id}")
async def show(deployment_id: str, services: ServicesDep, _caller: Reader) -> DeploymentOut | QueuedDeploymentOut:
    """A deployment; one still waiting in the queue shows as ``queued``."""
    found = await known_deployment(services, deployment_id)
    return DeploymentOut.of(found) if found is not None else QueuedDeploymentOut(id=deployment_id)


@router.get(
    "/deployments/{deployment_id}/events",
    response_model=list[EventOut],
    responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def events(
    deployment_id: str,
    request: Request,
    services: ServicesDep,
    _caller: Reader,
    after: Cursor = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    last_event_id: Annotated[str | None, Header()] = None,
) -> list[EventOut] | StreamingResponse | JSONResponse:
    """JSON by default; ``Accept: text/event-stream`` streams every transition as it happens, in order
    (also for a run still queued: from when a worker starts it), and a reconnecting client resumes after
    ``Last-Event-ID``. A run whose process died ends the stream with an ``interrupted`` event; a key
    holding ``ALMA_API_STREAMS_PER_KEY`` streams already gets 429."""
    found = await known_deployment(services, deployment_id)
    if "text/event-stream" not in request.headers.get("accept", ""):
        listed = await services.stacks.events(found.stack, deployment_id, after, limit) if found else []
        return [EventOut.of(e) for e in listed]
    start = event_cursor(last_event_id, after)
    slots: StreamSlots = request.app.state.stream_slots
    key_id = key_id_of(request.scope) or ""
    if not slots.take(key_id):
        refused = problem(429, "Too many streams", f"this key has {slots.per_key} live streams open already")
        refused.headers["Retry-After"] = str(STREAM_RETRY_AFTER_S)
        return refused

    async def stream() -> AsyncIterator[str]:
        async for item in follow(services, found, deployment_id, start, request.is_disconnected, limit):
            yield sse(item)

    return SlotStream(stream(), slots, key_id, media_type="text/event-stream")


@router.post("/deployments/{deployment_id}/resume")
async def resume(
    deployment_id: str, response: Response, services: ServicesDep, _caller: Applier
) -> RunOut | QueuedRunOut:
    return answer_run(await services.runs.resume(deployment_id, queue=True), response)
