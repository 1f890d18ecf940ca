"""Deployments: history, one deployment, its events (JSON, or live over SSE with resume), resume."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from alma.api.auth import Applier, Reader, ServicesDep
from alma.api.inputs import Cursor, event_cursor
from alma.services.views import deployment_json, event_json

router = APIRouter(tags=["deployments"])
POLL_S = 0.2  # how often a live stream looks for new events in the log


@router.get("/deployments/{deployment_id}")
async def show(deployment_id: str, services: ServicesDep, _caller: Reader) -> dict[str, Any]:
    return deployment_json(await services.stacks.deployment(deployment_id))


@router.get("/deployments/{deployment_id}/events", response_model=None)
async def events(
    deployment_id: str,
    request: Request,
    services: ServicesDep,
    _caller: Reader,
    after: Cursor = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    last_event_id: Annotated[str | None, Header()] = None,
) -> list[dict[str, Any]] | StreamingResponse:
    """JSON by default; ``Accept: text/event-stream`` streams every transition as it happens, in order,
    and a reconnecting client resumes after ``Last-Event-ID``."""
    deployment = await services.stacks.deployment(deployment_id)
    if "text/event-stream" not in request.headers.get("accept", ""):
        found = await services.stacks.events(deployment.stack, deployment_id, after, limit)
        return [event_json(e) for e in found]
    start = event_cursor(last_event_id, after)

    async def stream() -> AsyncIterator[str]:
        cursor = start
        while True:
            batch = await services.stacks.events(deployment.stack, deployment_id, cursor, limit)
            for e in batch:
                cursor = e.id
                yield f"id: {e.id}\nevent: {e.kind}\ndata: {json.dumps(event_json(e))}\n\n"
            if not batch:
                current = await services.stacks.deployment(deployment_id)
                if current.status != "running" or await request.is_disconnected():
                    return
                await asyncio.sleep(POLL_S)  # the log is the source: look again shortly

    return StreamingResponse(stream(), media_type="text/event-stream")


@router.post("/deployments/{deployment_id}/resume")
async def resume(deployment_id: str, services: ServicesDep, _caller: Applier) -> dict[str, Any]:
    result = await services.workflow.resume(deployment_id)
    return {
        "run_id": result.deployment_id,
        "outcome": result.outcome,
        "report": result.report,
        "error": result.error,
        "notes": result.notes,
    }
