"""One live stream of a deployment's events, shared by SSE and WebSocket: every event in log order from a
cursor, as soon as it is committed — by this process, or by any other (``alma.services.live`` wakes the
stream) — and, for a run still in the queue, from the moment a worker starts it.

A stream ends with the deployment's final event, when its client goes, or with ``Interrupted`` when the
deployment is recorded as running but nothing runs it any more (its process died): it then says so, and
how to continue, instead of waiting for ever. An idle stream waits without polling; it looks at the
deployment's liveness every ``liveness_s``. Each key may hold ``ALMA_API_STREAMS_PER_KEY`` streams at once
(``StreamSlots``)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from alma.bootstrap import Services
from alma.contracts import EventOut
from alma.errors import NotFoundError
from alma.services import DeploymentRecord, EventRecord
from alma.services.live import RunState, run_state

TERMINAL = frozenset({"deployment.succeeded", "deployment.failed"})
STREAM_RETRY_AFTER_S = 10  # a slot frees when one of the key's streams ends: no better guess exists


@dataclass(frozen=True, slots=True)
class Interrupted:
    deployment_id: str
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"kind": "stream.interrupted", "deployment_id": self.deployment_id, "detail": self.detail}


class StreamSlots:
    """Open streams per key (a digest of it); a key's entry goes when its last stream ends."""

    def __init__(self, per_key: int) -> None:
        self.per_key = per_key
        self._open: dict[str, int] = {}

    def take(self, key_id: str) -> bool:
        if self._open.get(key_id, 0) >= self.per_key:
            return False
        self._open[key_id] = self._open.get(key_id, 0) + 1
        return True

    def give_back(self, key_id: str) -> None:
        left = self._open.get(key_id, 0) - 1
        if left > 0:
            self._open[key_id] = left
        else:
            self._open.pop(key_id, None)

    def count(self, key_id: str) -> int:
        return self._open.get(key_id, 0)


class SlotStream(StreamingResponse):
    """A streaming response that gives its key's slot back when it ends, however it ends (the client gone,
    the stream finished, an error)."""

    def __init__(self, content: AsyncIterator[str], slots: StreamSlots, key_id: str, media_type: str) -> None:
        super().__init__(content, media_type=media_type)
        self._slots = slots
        self._key_id = key_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._slots.give_back(self._key_id)


async def known_deployment(services: Services, deployment_id: str) -> DeploymentRecord | None:
    """The deployment, None for a run still queued, and a refusal (404) for an id that is neither."""
    found = await services.stacks.find_deployment(deployment_id)
    if found is not None:
        return found
    if services.jobs is not None and await services.jobs.job_status(deployment_id) in ("todo", "doing"):
        return None
    raise NotFoundError(f"no deployment '{deployment_id}'")


def liveness_s(services: Services) -> float:
    """How often a stream without news asks whether its run is still alive."""
    return max(1.0, 20 * services.settings.live_poll_s)


async def follow(
    services: Services,
    deployment: DeploymentRecord | None,
    deployment_id: str,
    after: int,
    gone: Callable[[], Awaitable[bool]],
    batch: int = 500,
) -> AsyncIterator[EventRecord | Interrupted]:
    """Events after ``after`` until the deployment ends (its final event), the client goes (``gone``), or
    nothing runs it any more (``Interrupted``); ``deployment`` is None while the run is queued."""
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
            state = await services.live.shared_look(
                deployment_id, liveness_s(services) / 2, partial(_look, services, deployment_id, stack)
            )
            if isinstance(state, Interrupted):
                yield state
                return
            if state is not None and state.record is not None and state.record.status != "running":
                if settled:  # ended without a final event (one more look was taken): done
                    return
                settled = True
            await watcher.wait(poll_s if settled else liveness_s(services))


async def _look(services: Services, deployment_id: str, stack: str | None) -> RunState | Interrupted | None:
    """How the deployment stands: ``Interrupted`` when nothing will run it on; None while it is queued."""
    if services.jobs is not None:
        status = await services.jobs.job_status(deployment_id)
        if status in ("todo", "doing"):
            return None  # queued, or a worker has it (a stalled worker's job is taken over)
        if stack is None:
            return Interrupted(deployment_id, f"its job ended ({status}) without starting the run")
    if stack is None:
        return None
    state = await run_state(services.stacks, deployment_id, stack)
    return Interrupted(deployment_id, state.interrupted) if state.interrupted is not None else state


def sse(item: EventRecord | Interrupted) -> str:
    if isinstance(item, Interrupted):
        return f"event: interrupted\ndata: {json.dumps(item.as_json())}\n\n"
    return f"id: {item.id}\nevent: {item.kind}\ndata: {EventOut.of(item).model_dump_json()}\n\n"


def ws_json(item: EventRecord | Interrupted) -> dict[str, Any]:
    return item.as_json() if isinstance(item, Interrupted) else EventOut.of(item).model_dump(mode="json")
