"""Reads of recorded state for display: stacks, resources, history, events, IPR lists.

The commands people run most (``alma state list``, ``history``, ``events``, ``ipr list``) only read, and
every authenticated API request looks its key up. On an embedded database they read through
``sqlite_reads`` (the standard library's sqlite3: no SQLAlchemy to import, a third of a second saved on
every such command, and a fraction of SQLAlchemy's CPU per request); on PostgreSQL through the repositories.
Both answer with the same records, in the same order (a test reads one database both ways).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from alma.store.records import (
    DeploymentRecord,
    EventRecord,
    IprRecord,
    ResourceRecord,
    StackSummary,
)

if TYPE_CHECKING:
    from alma.store import Store
    from alma.store.change_records import IprRevisionRecord, KeyRecord


class StateReads(Protocol):
    async def revision(self, stack: str) -> int:
        """The stack's state revision; 0 for a stack that never changed."""
        ...

    async def exists(self, stack: str) -> bool: ...
    async def summaries(self) -> list[StackSummary]: ...
    async def resources(self, stack: str | None = None) -> list[ResourceRecord]: ...
    async def resource(self, stack: str, name: str) -> ResourceRecord | None: ...
    async def history(self, stack: str) -> list[DeploymentRecord]: ...

    async def events(
        self,
        stack: str | None = None,
        deployment_id: str | None = None,
        after_id: int = 0,
        limit: int = 1000,
        *,
        newest: bool = False,
    ) -> list[EventRecord]:
        """Events after ``after_id``, oldest first: the first ``limit`` of them, or with ``newest`` the last."""
        ...

    async def iprs(self, status: str | None = None, stack: str | None = None, limit: int = 200) -> list[IprRecord]:
        """IPRs, newest first."""
        ...

    async def ipr_revision(self, ipr_id: int, revision: int) -> IprRevisionRecord | None: ...

    async def live_key(self, digest: str) -> KeyRecord | None:
        """The API key with this digest, unless revoked (every authenticated request asks)."""
        ...

    async def blueprint_text(self, blueprint_id: int) -> str | None: ...
    def close(self) -> None: ...


class RepositoryReads:
    """The reads through the repositories (SQLAlchemy): PostgreSQL, or SQLite in memory."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def revision(self, stack: str) -> int:
        return await self._store.stacks.revision(stack)

    async def exists(self, stack: str) -> bool:
        return await self._store.stacks.exists(stack)

    async def summaries(self) -> list[StackSummary]:
        return await self._store.stacks.summaries()

    async def resources(self, stack: str | None = None) -> list[ResourceRecord]:
        return await self._store.stacks.resources(stack)

    async def resource(self, stack: str, name: str) -> ResourceRecord | None:
        return await self._store.stacks.resource(stack, name)

    async def history(self, stack: str) -> list[DeploymentRecord]:
        return await self._store.deployments.history(stack)

    async def events(
        self,
        stack: str | None = None,
        deployment_id: str | None = None,
        after_id: int = 0,
        limit: int = 1000,
        *,
        newest: bool = False,
    ) -> list[EventRecord]:
        return await self._store.events.list(stack, deployment_id, after_id, limit, newest=newest)

    async def iprs(self, status: str | None = None, stack: str | None = None, limit: int = 200) -> list[IprRecord]:
        return await self._store.iprs.find(status, stack, limit)

    async def ipr_revision(self, ipr_id: int, revision: int) -> IprRevisionRecord | None:
        return await self._store.iprs.revision(ipr_id, revision)

    async def live_key(self, digest: str) -> KeyRecord | None:
        return await self._store.keys.by_digest(digest)

    async def blueprint_text(self, blueprint_id: int) -> str | None:
        return await self._store.stacks.blueprint_text(blueprint_id)

    def close(self) -> None:
        """Nothing of its own to close: the repositories share the store's engine."""


_: type[StateReads] = RepositoryReads
