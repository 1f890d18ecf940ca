"""Reading stacks (state, history, events) and the one administrative mutation: force-unlock."""

from __future__ import annotations

from collections.abc import Iterable

from alma.diagnostics import did_you_mean
from alma.errors import ConflictError, InvalidInputError, NotFoundError
from alma.services.actor import actor
from alma.services.locking import holder_state
from alma.settings import Settings
from alma.store import DeploymentRecord, EventRecord, LockRecord, ResourceRecord, StackSummary, Store, utcnow


def id_named(ref: str, ids: Iterable[str], *, what: str, missing: str) -> str:
    """The one of ``ids`` that ``ref`` names: itself, or a unique start of it (tables shorten ids). A start
    shared by several is an error listing them; one that names none is ``missing`` (where the ids are)."""
    known = list(dict.fromkeys(ids))
    if ref in known:
        return ref
    matches = [i for i in known if ref and i.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InvalidInputError(f"'{ref}' starts {len(matches)} {what} ({', '.join(matches)}): give more of it")
    raise NotFoundError(missing)


class StackService:
    def __init__(self, settings: Settings, store: Store) -> None:
        self._settings = settings
        self._store = store

    async def stacks(self) -> list[StackSummary]:
        return await self._store.reads.summaries()

    async def resources(self, stack: str | None = None) -> list[ResourceRecord]:
        if stack is not None:
            await self._require(stack)
        return await self._store.reads.resources(stack)

    async def resource(self, stack: str, name: str) -> ResourceRecord:
        found = await self._store.reads.resource(stack, name)
        if found is None:
            await self._require(stack)
            names = [r.name for r in await self._store.reads.resources(stack)]
            raise NotFoundError(f"stack '{stack}' has no resource '{name}'{did_you_mean(name, names)}")
        return found

    async def history(self, stack: str) -> list[DeploymentRecord]:
        await self._require(stack)
        return await self._store.reads.history(stack)

    async def events(
        self,
        stack: str,
        deployment_id: str | None = None,
        after_id: int = 0,
        limit: int = 1000,
        *,
        newest: bool = False,
    ) -> list[EventRecord]:
        """Oldest first: the first ``limit`` events after ``after_id``, or with ``newest`` the last ones."""
        await self._require(stack)
        return await self._store.reads.events(stack, deployment_id, after_id, limit, newest=newest)

    async def deployment_in(self, stack: str, ref: str) -> str:
        """The id of the stack's deployment that ``ref`` names: its id, or a unique start of it (tables shorten
        ids). Anything else is an error naming where the ids are: a filter that matches nothing read as "no
        events" (``alma events shop --deployment deb1b950`` listed nothing, exit 0)."""
        found = await self._store.deployments.get(ref)
        if (found is not None and found.stack == stack) or await self._store.reads.events(stack, ref, 0, 1):
            return ref  # a run waiting for approval has events before it has a deployment
        await self._require(stack)
        return id_named(
            ref,
            [d.id for d in await self._store.reads.history(stack)],
            what=f"deployments of stack '{stack}'",
            missing=f"stack '{stack}' has no deployment '{ref}'; `alma history {stack} --json` lists them",
        )

    async def deployment(self, deployment_id: str) -> DeploymentRecord:
        found = await self._store.deployments.get(deployment_id)
        if found is None:
            raise NotFoundError(f"no deployment '{deployment_id}'")
        return found

    async def find_deployment(self, deployment_id: str) -> DeploymentRecord | None:
        """The deployment, or None where none has started under that id (yet: it may be queued)."""
        return await self._store.deployments.get(deployment_id)

    async def deployment_counts(self) -> dict[str, int]:
        """Deployments by status, all stacks (for metrics)."""
        return await self._store.deployments.count_by_status()

    async def revision(self, stack: str) -> int:
        return await self._store.reads.revision(stack)

    async def lock(self, stack: str) -> LockRecord | None:
        return await self._store.locks.get(stack)

    async def force_unlock(self, stack: str, *, force: bool = False) -> LockRecord | None:
        """Remove the stack's lock when its holder is gone; the removal is in the audit trail.

        A holder that is alive on this host is still working: removing its lock would let a second change
        run beside it, so that is refused unless ``force`` (the holder then notices, stops dispatching and
        fails). A holder on another host cannot be checked from here: refused while its lock is being
        renewed (not expired), unless ``force``."""
        current = await self._store.locks.get(stack)
        if current is None:
            await self._require(stack)  # 'Web' for 'web' is not "not locked": the locked stack stays locked
            return None
        state = holder_state(current.holder)
        live = state == "alive" or (state == "elsewhere" and current.expires_at > utcnow())
        if live and not force:
            where = "is alive on this host" if state == "alive" else "is on another host and keeps renewing the lock"
            raise ConflictError(
                f"stack '{stack}' is locked by {current.holder} ({current.reason}), which {where}: it is still "
                "working. Wait for it to finish; `alma force-unlock "
                f"{stack} --force` removes the lock anyway (that holder then stops at its next step and fails)"
            )
        released = await self._store.locks.force_release(stack, current.token)
        if released is not None:
            self._store.events.append(
                stack,
                "lock.forced",
                f"{actor(self._settings)} removed the lock held by {released.holder} ({released.reason})"
                + (" while it was alive (--force)" if live else ""),
                actor=actor(self._settings),
                data={"holder": released.holder, "reason": released.reason, "forced_live": live},
            )
            await self._store.buffer.flush()
        return released

    async def _require(self, stack: str) -> None:
        if not await self._store.reads.exists(stack):
            known = [s.name for s in await self._store.reads.summaries()]
            raise NotFoundError(f"no stack named '{stack}'{did_you_mean(stack, known) if known else ''}")
