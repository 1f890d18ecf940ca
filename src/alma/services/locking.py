"""Holding a stack's lock for the length of a mutation: acquired (or taken over from a dead holder),
renewed while held, checked before work is dispatched, released and recorded.

A holder can lose its lock while it runs: an operator forces it open (``alma force-unlock --force``), or
the process stalls past the lock's expiry and someone else takes it. The lease notices on its next
renewal or check, records ``lock.lost`` once, and from then on ``lost`` is set: the executor stops
dispatching, work in flight finishes, and the deployment fails with ``LockLostError`` (exit 4). A lost
lock is never "released" (the row belongs to someone else by then).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import time
from collections.abc import AsyncIterator

from alma.errors import LockLostError, StackLockedError
from alma.services.actor import actor
from alma.settings import Settings
from alma.store import Store

_HOLDER = re.compile(r"@(?P<host>\S+) \(pid (?P<pid>\d+)\)$")
_RUN = re.compile(r"\brun (?P<run>[0-9a-f]{32})\b")
# How stale a "still ours" answer may be when the executor asks before dispatching: one query per
# this interval at most, so a thousand dispatches cost a handful of reads.
CHECK_INTERVAL_S = 0.2


class StackLease:
    """One held lock: the token that proves it, and whether it is still ours."""

    def __init__(self, locks: StackLocks, stack: str, token: str, holder: str) -> None:
        self._locks = locks
        self.stack = stack
        self.token = token
        self.holder = holder
        self.lost: str | None = None  # why, once the lock is no longer ours
        self._checked_at = time.monotonic()

    async def still_held(self) -> bool:
        """True while the lock is ours; asks the store at most every ``CHECK_INTERVAL_S``."""
        if self.lost is not None:
            return False
        if time.monotonic() - self._checked_at < CHECK_INTERVAL_S:
            return True
        self._checked_at = time.monotonic()
        if not await self._locks.store.locks.holds(self.stack, self.token):
            self._lose("the lock was removed or taken by someone else")
        return self.lost is None

    async def renew(self) -> None:
        if self.lost is None and not await self._locks.store.locks.renew(self.stack, self.token, self._locks.ttl_s):
            self._lose("the lock could not be renewed: it was removed or taken by someone else")

    def require(self) -> None:
        """Raise ``LockLostError`` if the lock was lost (after the work that was in flight finished)."""
        if self.lost is not None:
            raise LockLostError(
                f"stack '{self.stack}': {self.lost} while {self.holder} was applying; dispatch stopped and "
                "what was in flight finished. Another change may be running: see `alma events "
                f"{self.stack}` and `alma state list {self.stack}`"
            )

    def _lose(self, why: str) -> None:
        self.lost = why
        self._locks.event(self.stack, "lock.lost", f"{self.holder} lost the lock: {why}", holder=self.holder)


class StackLocks:
    def __init__(self, settings: Settings, store: Store) -> None:
        self._settings = settings
        self.store = store

    @property
    def ttl_s(self) -> float:
        return self._settings.lock_ttl_s

    def holder(self) -> str:
        return f"{actor(self._settings)}@{socket.gethostname()} (pid {os.getpid()})"

    @contextlib.asynccontextmanager
    async def held(
        self, stack: str, reason: str, take_over_dead: bool = False, run_id: str | None = None
    ) -> AsyncIterator[StackLease]:
        """The stack's lock for the body's duration. A dead holder's lock is taken over when asked — when
        ``run_id`` is given, only if the dead holder was that run (or named none): another run's lock
        stays, and the error says to resume that run first."""
        holder = self.holder()
        try:
            token = await self.store.locks.acquire(stack, holder, reason, self.ttl_s)
        except StackLockedError as locked:
            if not holder_is_dead(locked.holder):
                raise
            owner = run_of(locked.reason)
            if not take_over_dead or (run_id is not None and owner not in (None, run_id)):
                raise StackLockedError(
                    stack, locked.holder, locked.reason, locked.since, locked.expires, advice=dead_holder_advice(locked)
                ) from None
            # The holder was a process on this machine that no longer exists (killed mid-apply).
            token = await self.store.locks.take_over(stack, locked.holder, holder, reason, self.ttl_s)
            self.event(
                stack, "lock.taken_over", f"{holder} took over the lock of dead {locked.holder}", holder=locked.holder
            )
        lease = StackLease(self, stack, token, holder)
        self.event(stack, "lock.acquired", f"locked by {holder}: {reason}")
        import asyncio  # here: the read commands import this module (holder_state) and run without asyncio

        async def keep_alive() -> None:
            while lease.lost is None:
                await asyncio.sleep(self.ttl_s / 3)  # renew well before expiry
                await lease.renew()

        renewer = asyncio.get_running_loop().create_task(keep_alive())
        try:
            yield lease
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            if lease.lost is None and await self.store.locks.release(stack, token):
                self.event(stack, "lock.released", f"released by {holder}")
            elif lease.lost is None:
                lease._lose("the lock was gone when it was to be released")
            await self.store.buffer.flush()

    async def release_dead_run(self, stack: str, run_id: str, why: str) -> bool:
        """Remove the lock a dead process left for ``run_id`` (its run was abandoned): True if removed."""
        current = await self.store.locks.get(stack)
        if current is None or run_of(current.reason) != run_id or not holder_is_dead(current.holder):
            return False
        if await self.store.locks.force_release(stack, current.token) is None:
            return False
        self.event(stack, "lock.released", f"released the lock of dead {current.holder}: {why}", holder=current.holder)
        await self.store.buffer.flush()
        return True

    def event(self, stack: str, kind: str, message: str, **data: object) -> None:
        self.store.events.append(stack, kind, message, actor=actor(self._settings), data=dict(data))


def holder_is_dead(holder: str) -> bool:
    """True only for a holder on this host whose process is gone; anything else may still be working."""
    return holder_state(holder) == "dead"


def holder_state(holder: str) -> str:
    """``dead`` or ``alive`` for a holder on this host, ``elsewhere`` for one on another host (or unknown)."""
    match = _HOLDER.search(holder)
    if match is None or match["host"] != socket.gethostname():
        return "elsewhere"
    try:
        os.kill(int(match["pid"]), 0)
    except ProcessLookupError:
        return "dead"
    except PermissionError:
        return "alive"  # it exists, as another user
    return "alive"


def run_of(reason: str) -> str | None:
    """The run id a lock's reason names (``run <id>: …``), if any."""
    match = _RUN.search(reason)
    return match["run"] if match else None


def dead_holder_advice(locked: StackLockedError) -> str:
    run = run_of(locked.reason)
    if run is not None:
        return (
            f"its holder is gone (the process died): continue its run with `alma resume {run}`, "
            f"or abandon it with `alma force-unlock {locked.stack}`"
        )
    return f"its holder is gone (the process died): `alma force-unlock {locked.stack}` removes the lock"
