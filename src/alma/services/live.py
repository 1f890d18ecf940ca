"""Live events: waking the streams that watch a deployment as soon as its events are committed.

The event log stays the only source of events (ordered, resumable by id); what travels here is only "this
deployment has something new", so a lost message costs a little latency, never an event. Within one
process the write buffer's commit wakes watchers directly; with ``ALMA_REDIS_URL`` the news is also
published on Redis pub/sub so every replica — API processes and workers alike — wakes its own watchers,
whichever process wrote the events. For writers that announce nothing (a CLI apply without Redis) one
pulse per process looks at the log every ``live_poll_s`` — one indexed read however many streams are open —
and wakes the watchers of the deployments it found news for. An idle stream costs nothing but its wait.

``run_state`` tells a stream whose deployment is recorded as running that nothing runs it any more;
``shared_look`` lets every stream of one deployment share that look.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from alma.services.locking import holder_state, run_of
from alma.store import DeploymentRecord, utcnow

if TYPE_CHECKING:
    from alma.services.stacks import StackService

T = TypeVar("T")
# The event log's news after an event id: the newest id, and the deployments that have news.
NewsProbe = Callable[[int], Awaitable[tuple[int, set[str]]]]

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.asyncio.client import PubSub

log = logging.getLogger("alma.live")


class Watcher:
    """One stream's view of one deployment. ``arm`` before reading the log, then ``wait``: news that
    arrives between the two is not lost (it sets the flag that ``wait`` then finds set)."""

    def __init__(self) -> None:
        self._news = asyncio.Event()

    def arm(self) -> None:
        self._news.clear()

    def notify(self) -> None:
        self._news.set()

    async def wait(self, timeout_s: float) -> bool:
        """True when news came, False when ``timeout_s`` passed without any."""
        try:
            await asyncio.wait_for(self._news.wait(), timeout_s)
        except TimeoutError:
            return False
        return True


class LiveEvents:
    def __init__(
        self,
        redis_url: str | None = None,
        channel: str = "alma:events",
        *,
        news: NewsProbe | None = None,
        poll_s: float = 0.5,
    ) -> None:
        self._redis_url = redis_url
        self._channel = channel
        self._news = news
        self._poll_s = poll_s
        self._pulse: asyncio.Task[None] | None = None
        self._looks: dict[str, tuple[float, asyncio.Future[Any]]] = {}
        self._watchers: defaultdict[str, set[Watcher]] = defaultdict(set)
        self._publisher: Redis | None = None
        self._listener: asyncio.Task[None] | None = None
        self._sending: set[asyncio.Task[None]] = set()
        self.published = 0  # messages sent to Redis (observable in tests and metrics)
        self.received = 0  # messages received from Redis

    @contextlib.asynccontextmanager
    async def watch(self, deployment_id: str) -> AsyncIterator[Watcher]:
        watcher = Watcher()
        self._watchers[deployment_id].add(watcher)
        if self._redis_url is not None and self._listener is None:
            # Subscribed on first use: commands that never stream never open a Redis connection.
            ready = asyncio.get_running_loop().create_future()
            self._listener = asyncio.get_running_loop().create_task(self._listen(ready))
            await ready
        if self._news is not None and (self._pulse is None or self._pulse.done()):
            # The pulse's first look is taken before the watcher is handed out: an event committed once the
            # caller holds it is after that look, so the pulse sees it (a first look taken later could pass
            # it by, and that watcher would wait for the next news).
            seen = await self._first_look(self._news)
            if self._pulse is None or self._pulse.done():
                self._pulse = asyncio.get_running_loop().create_task(self._beat(self._news, seen))
        try:
            yield watcher
        finally:
            watchers = self._watchers[deployment_id]
            watchers.discard(watcher)
            if not watchers:
                del self._watchers[deployment_id]
                self._looks.pop(deployment_id, None)
            if not self._watchers and self._pulse is not None:
                self._pulse.cancel()  # nobody watches: no more looks at the log
                self._pulse = None

    async def _first_look(self, news: NewsProbe) -> int:
        try:
            newest, _ = await news(-1)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("live events: the event log could not be read (streams wait for news): %s", exc)
            return -1
        return newest

    async def _beat(self, news: NewsProbe, seen: int = -1) -> None:
        """One look at the log every ``poll_s`` for all of this process's streams, for news after ``seen``
        (the newest event id of the first look; -1 when there was none yet)."""
        while True:
            if seen >= 0:
                await asyncio.sleep(self._poll_s)
            try:
                newest, deployments = await news(seen)
            except (SQLAlchemyError, OSError) as exc:
                log.warning("live events: the event log could not be read (streams wait for news): %s", exc)
                if seen < 0:
                    await asyncio.sleep(self._poll_s)
                continue
            if seen >= 0:
                self._wake(deployments)
            seen = newest

    async def shared_look(self, deployment_id: str, max_age_s: float, look: Callable[[], Awaitable[T]]) -> T:
        """``look()``'s answer, shared by every stream of one deployment: one look at a time, and its answer
        reused for ``max_age_s`` — a hundred viewers of a run cost one look, not a hundred."""
        now = time.monotonic()
        entry = self._looks.get(deployment_id)
        if entry is None or (entry[1].done() and now - entry[0] > max_age_s):
            entry = (now, asyncio.ensure_future(look()))
            self._looks[deployment_id] = entry
        found: T = await asyncio.shield(entry[1])
        return found

    def committed(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Called by the write buffer after a commit: wake local watchers, tell the other replicas."""
        deployments = sorted({str(row["deployment_id"]) for row in rows if row.get("deployment_id")})
        if not deployments:
            return
        self._wake(deployments)
        if self._redis_url is not None:
            task = asyncio.get_running_loop().create_task(self._publish(deployments))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    def _wake(self, deployments: Iterable[str]) -> None:
        for deployment_id in deployments:
            for watcher in self._watchers.get(deployment_id, ()):
                watcher.notify()

    async def _publish(self, deployments: list[str]) -> None:
        from redis.exceptions import RedisError  # imported with the first use of Redis only (server memory)

        try:
            if self._publisher is None:
                from redis.asyncio import Redis

                self._publisher = Redis.from_url(self._redis_url or "")
            await self._publisher.publish(self._channel, json.dumps({"deployments": deployments}))
            self.published += 1
        except (OSError, RedisError) as exc:
            # Never fails the apply that wrote the events: the log has them, and watchers elsewhere find
            # them on their next look.
            log.warning("could not publish live events to Redis: %s", exc)

    async def _listen(self, ready: asyncio.Future[None]) -> None:
        from redis.asyncio import Redis
        from redis.exceptions import RedisError

        client: Redis = Redis.from_url(self._redis_url or "")
        pubsub: PubSub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self._channel)
            ready.set_result(None)
            async for message in pubsub.listen():
                self.received += 1
                try:
                    deployments = json.loads(message["data"])["deployments"]
                except (ValueError, KeyError, TypeError):
                    continue  # not ours
                self._wake(str(d) for d in deployments)
        except (OSError, RedisError) as exc:
            log.warning("live events from Redis stopped (streams fall back to polling): %s", exc)
            if not ready.done():
                ready.set_result(None)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis' PubSub lacks the annotation
                await client.aclose()

    async def aclose(self) -> None:
        if self._pulse is not None:
            self._pulse.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pulse
            self._pulse = None
        if self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self._publisher is not None:
            await self._publisher.aclose()
            self._publisher = None


@dataclass(frozen=True, slots=True)
class RunState:
    """A deployment as a stream sees it: its record (None while none exists) and, when it is recorded as
    running with nothing left running it, why."""

    record: DeploymentRecord | None
    interrupted: str | None = None


async def run_state(stacks: StackService, deployment_id: str, stack: str) -> RunState:
    """The deployment's record and whether its run was interrupted.

    A run holds its stack's lock for the whole of its active part (``alma.workflow.runs``), so a running
    deployment whose stack has no lock, whose lock's holder is a process on this host that is gone, whose
    lock another holder on another host stopped renewing, or whose lock belongs to another run, was
    interrupted. The lock is read before the status, so a run that finished in between is not mistaken for
    a dead one. (A run still in the job queue is the caller's to rule out: a worker will take it.)"""
    lock = await stacks.lock(stack)
    current = await stacks.find_deployment(deployment_id)
    if current is None or current.status != "running":
        return RunState(current)
    resume = f"`alma resume {deployment_id}` continues it"
    if lock is None:
        return RunState(current, f"the process running it ended without finishing it; {resume}")
    owner = run_of(lock.reason)
    if owner is not None and owner != deployment_id:
        return RunState(
            current, f"the stack's lock is held by another run ({owner}); {resume} once that one has finished"
        )
    state = holder_state(lock.holder)
    if state == "dead":
        return RunState(current, f"the process running it ({lock.holder}) is gone; {resume}")
    if state == "elsewhere" and lock.expires_at < utcnow():
        return RunState(current, f"its holder ({lock.holder}) stopped renewing the stack's lock; {resume}")
    return RunState(current)
