"""Live events: waking the streams that watch a deployment as soon as its events are committed.

The event log stays the only source of events (ordered, resumable by id); what travels here is only "this
deployment has something new", so a lost message costs a little latency (streams still look again every
``live_poll_s``), never an event. Within one process the write buffer's commit wakes watchers directly;
with ``ALMA_REDIS_URL`` the news is also published on Redis pub/sub so every replica — API processes and
workers alike — wakes its own watchers, whichever process wrote the events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import TYPE_CHECKING, Any

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
    def __init__(self, redis_url: str | None = None, channel: str = "alma:events") -> None:
        self._redis_url = redis_url
        self._channel = channel
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
        try:
            yield watcher
        finally:
            watchers = self._watchers[deployment_id]
            watchers.discard(watcher)
            if not watchers:
                del self._watchers[deployment_id]

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
