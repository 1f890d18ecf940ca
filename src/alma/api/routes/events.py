"""A stack's audit trail over HTTP: every transition, who and when (``alma events STACK``), newest last,
resumable with ``after`` (the last event id seen)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from alma.api.auth import Reader, ServicesDep
from alma.api.inputs import Cursor
from alma.contracts import EventOut

router = APIRouter(tags=["stacks"])


@router.get("/stacks/{stack}/events")
async def stack_events(
    stack: str,
    services: ServicesDep,
    _caller: Reader,
    after: Cursor = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    deployment: str | None = None,
    newest: bool = False,
) -> list[EventOut]:
    """The stack's events after the id ``after``, oldest first: the first ``limit`` of them, or with
    ``newest=true`` the last ``limit`` (what a dashboard shows as recent)."""
    chosen = await services.stacks.deployment_in(stack, deployment) if deployment is not None else None
    listed = await services.stacks.events(stack, chosen, after, limit, newest=newest)
    return [EventOut.of(e) for e in listed]
