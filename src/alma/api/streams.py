"""One live stream of a deployment's events, shared by SSE and WebSocket: every event in log order from a
cursor, as soon as it is committed — by this process, or by any other when Redis fans the news out (see
``alma.services.live``) — and, for a run still in the queue, from the moment a worker starts it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable

from alma.bootstrap import Services
from alma.errors import InvalidInputError
from alma.services import DeploymentRecord, EventRecord
from alma.services.views import event_json

TERMINAL = frozenset({"deployment.succeeded", "deployment.failed"})


async def known_deployment(services: Services, deployment_id: str) -> DeploymentRecord | None:
    """The deployment, None for a run still queued, and a refusal (404) for an id that is neither."""
    found = await services.stacks.find_deployment(deployment_id)
    if found is not None:
        return found
    if services.jobs is not None and await services.jobs.job_status(deployment_id) in ("todo", "doing"):
        return None
    raise InvalidInputError(f"no deployment '{deployment_id}'")


async def follow(
    services: Services,
    deployment: DeploymentRecord | None,
    deployment_id: str,
    after: int,
    gone: Callable[[], Awaitable[bool]],
    batch: int = 500,
) -> AsyncIterator[EventRecord]:
    """Events after ``after`` until the deployment ends (its final event) or the client goes (``gone``);
    ``deployment`` is None while the run is queued (its stack is learnt when it starts)."""
    poll_s = services.settings.live_poll_s
    cursor, settled = after, False
    stack = deployment.stack if deployment is not None else None
    async with services.live.watch(deployment_id) as watcher:
        while True:
            watcher.arm()  # before reading: news committed from here on is not missed
            if stack is None:
                record = await services.stacks.find_deployment(deployment_id)
                stack = record.stack if record is not None else None
            found = await services.stacks.events(stack, deployment_id, cursor, batch) if stack else []
            for event in found:
                cursor = event.id
                yield event
                if event.kind in TERMINAL:
                    return
            if found:
                continue
            if await gone():
                return
            if stack is not None:
                current = await services.stacks.find_deployment(deployment_id)
                if current is not None and current.status != "running":
                    if settled:  # ended without a final event (one more look was taken): done
                        return
                    settled = True
            await watcher.wait(poll_s)


def sse(event: EventRecord) -> str:
    return f"id: {event.id}\nevent: {event.kind}\ndata: {json.dumps(event_json(event))}\n\n"
