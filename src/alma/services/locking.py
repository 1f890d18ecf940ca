"""Holding a stack's lock for the length of a mutation: acquired (or taken over from a dead holder),
renewed while held, released and recorded."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
from collections.abc import AsyncIterator

from alma.errors import StackLockedError
from alma.services.actor import actor
from alma.settings import Settings
from alma.store import Store

_HOLDER = re.compile(r"@(?P<host>\S+) \(pid (?P<pid>\d+)\)$")


class StackLocks:
    def __init__(self, settings: Settings, store: Store) -> None:
        self._settings = settings
        self._store = store

    def holder(self) -> str:
        return f"{actor(self._settings)}@{socket.gethostname()} (pid {os.getpid()})"

    @contextlib.asynccontextmanager
    async def held(self, stack: str, reason: str, take_over_dead: bool = False) -> AsyncIterator[None]:
        """The stack's lock for the body's duration; a dead holder's lock is taken over when asked."""
        ttl = self._settings.lock_ttl_s
        try:
            token = await self._store.locks.acquire(stack, self.holder(), reason, ttl)
        except StackLockedError as locked:
            if not (take_over_dead and holder_is_dead(locked.holder)):
                raise
            # The holder was a process on this machine that no longer exists (killed mid-apply).
            await self._store.locks.force_release(stack)
            self._event(
                stack,
                "lock.taken_over",
                f"{self.holder()} took over the lock of dead {locked.holder}",
                holder=locked.holder,
            )
            token = await self._store.locks.acquire(stack, self.holder(), reason, ttl)
        self._event(stack, "lock.acquired", f"locked by {self.holder()}: {reason}")

        async def keep_alive() -> None:
            while True:
                await asyncio.sleep(ttl / 3)  # renew well before expiry
                await self._store.locks.renew(stack, token, ttl)

        renewer = asyncio.get_running_loop().create_task(keep_alive())
        try:
            yield
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            await self._store.locks.release(stack, token)
            self._event(stack, "lock.released", f"released by {self.holder()}")
            await self._store.buffer.flush()

    def _event(self, stack: str, kind: str, message: str, **data: object) -> None:
        self._store.events.append(stack, kind, message, actor=actor(self._settings), data=dict(data))


def holder_is_dead(holder: str) -> bool:
    """True only for a holder on this host whose process is gone; anything else may still be working."""
    match = _HOLDER.search(holder)
    if match is None or match["host"] != socket.gethostname():
        return False
    try:
        os.kill(int(match["pid"]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it exists, as another user
    return False
