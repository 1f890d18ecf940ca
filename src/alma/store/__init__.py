"""The store: SQLAlchemy 2 async over SQLite or PostgreSQL, Alembic migrations, repositories.

Importing the store imports no SQLAlchemy: the repositories (and the records their modules define) are
loaded when first used, so a command that only reads an embedded database (``reads``) starts without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from alma.store.database import Database, utcnow
from alma.store.reads import StateReads
from alma.store.records import (
    DeploymentRecord,
    EventRecord,
    IprRecord,
    LockRecord,
    ResourceRecord,
    StackSummary,
)

if TYPE_CHECKING:
    from pathlib import Path

    from alma.store.blueprint_saves import GroupedBlueprintSaves
    from alma.store.buffer import WriteBuffer
    from alma.store.change_records import (
        IprRevisionRecord,
        KeyRecord,
        MessageRecord,
        PlanRecord,
        ReviewRecord,
        RunClaim,
        SessionRecord,
    )
    from alma.store.conversations import ConversationRepository
    from alma.store.deployments import DeploymentRepository, PlanRepository
    from alma.store.events import EventLog
    from alma.store.idempotency import IdempotencyRepository, StoredAnswer
    from alma.store.iprs import IprRepository
    from alma.store.keys import KeyRepository
    from alma.store.kv import BufferedKeyValueStore
    from alma.store.locks import LockRepository
    from alma.store.plan_saves import PlanSaves
    from alma.store.sqlite_conversations import SqliteConversations
    from alma.store.sqlite_plans import SqlitePlanWrites
    from alma.store.stacks import StackRepository

# Names defined by repository modules, loaded on first use (PEP 562): those modules import SQLAlchemy.
_LAZY = {
    "StoredAnswer": "alma.store.idempotency",
    **{
        name: "alma.store.change_records"  # records the read commands never make (see alma.store.records)
        for name in (
            "IprRevisionRecord",
            "KeyRecord",
            "MessageRecord",
            "PlanRecord",
            "ReviewRecord",
            "RunClaim",
            "SessionRecord",
        )
    },
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'alma.store' has no attribute {name!r}")


class Store:
    """Every repository over one database and one write buffer, each made on first use."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._made: dict[str, Any] = {}
        self._scrub: Callable[[Any], Any] | None = None
        self._on_commit: list[Callable[[list[dict[str, Any]]], None]] = []

    def _once(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self._made:
            self._made[name] = make()
        return self._made[name]

    def scrub_events_with(self, scrub: Callable[[Any], Any]) -> None:
        """Every event's message and data pass through ``scrub`` before they are stored (redaction)."""
        self._scrub = scrub
        if "buffer" in self._made:
            self.buffer.scrub_with(scrub)

    def on_events_committed(self, listener: Callable[[list[dict[str, Any]]], None]) -> None:
        """``listener`` gets every batch of event rows once it is committed (live streams wake on it)."""
        self._on_commit.append(listener)
        if "buffer" in self._made:
            self.buffer.on_commit(listener)

    @property
    def reads(self) -> StateReads:
        """Reads of recorded state for display (state, history, events, IPR lists): on an embedded database
        with the standard library's sqlite3, else through the repositories."""

        def make() -> StateReads:
            if self.db.sqlite_file is not None:
                from alma.store.sqlite_reads import SqliteReads

                return SqliteReads(self.db.sqlite_file)
            from alma.store.reads import RepositoryReads

            return RepositoryReads(self)

        reads: StateReads = self._once("reads", make)
        return reads

    @property
    def buffer(self) -> WriteBuffer:
        def make() -> WriteBuffer:
            from alma.store.buffer import WriteBuffer

            made = WriteBuffer(self.db)
            if self._scrub is not None:
                made.scrub_with(self._scrub)
            for listener in self._on_commit:
                made.on_commit(listener)
            return made

        buffer: WriteBuffer = self._once("buffer", make)
        return buffer

    @property
    def stacks(self) -> StackRepository:
        from alma.store.stacks import StackRepository

        repository: StackRepository = self._once("stacks", lambda: StackRepository(self.db, self._blueprint_saves))
        return repository

    @property
    def _blueprint_saves(self) -> GroupedBlueprintSaves:
        """The one queue of blueprint saves (the stack repository's and the plan path's share commits)."""

        def make() -> GroupedBlueprintSaves:
            from alma.store.blueprint_saves import GroupedBlueprintSaves

            file = self.db.sqlite_file
            return GroupedBlueprintSaves(self.db, self._sqlite_plan_writes(file) if file is not None else None)

        saves: GroupedBlueprintSaves = self._once("blueprint_saves", make)
        return saves

    def _sqlite_plan_writes(self, file: Path) -> SqlitePlanWrites:
        from alma.store.sqlite_plans import SqlitePlanWrites

        writes: SqlitePlanWrites = self._once("sqlite_plan_writes", lambda: SqlitePlanWrites(file))
        return writes

    @property
    def plan_saves(self) -> PlanSaves:
        """Blueprint versions and plans as planning stores them: on an embedded database with the standard
        library's sqlite3 (``alma plan`` then imports no SQLAlchemy), else through the repositories."""

        def make() -> PlanSaves:
            if self.db.sqlite_file is not None:
                from alma.store.plan_saves import SqlitePlanSaves

                return SqlitePlanSaves(self._blueprint_saves, self._sqlite_plan_writes(self.db.sqlite_file))
            from alma.store.plan_saves import RepositoryPlanSaves

            return RepositoryPlanSaves(self)

        saves: PlanSaves = self._once("plan_saves", make)
        return saves

    @property
    def plans(self) -> PlanRepository:
        from alma.store.deployments import PlanRepository

        repository: PlanRepository = self._once("plans", lambda: PlanRepository(self.db))
        return repository

    @property
    def deployments(self) -> DeploymentRepository:
        from alma.store.deployments import DeploymentRepository

        repository: DeploymentRepository = self._once("deployments", lambda: DeploymentRepository(self.db))
        return repository

    @property
    def locks(self) -> LockRepository:
        from alma.store.locks import LockRepository

        repository: LockRepository = self._once("locks", lambda: LockRepository(self.db))
        return repository

    @property
    def events(self) -> EventLog:
        from alma.store.events import EventLog

        log: EventLog = self._once("events", lambda: EventLog(self.db, self.buffer))
        return log

    @property
    def iprs(self) -> IprRepository:
        from alma.store.iprs import IprRepository

        repository: IprRepository = self._once("iprs", lambda: IprRepository(self.db))
        return repository

    @property
    def conversations(self) -> ConversationRepository | SqliteConversations:
        """Sessions and their messages: on an embedded database with the standard library's sqlite3 (a
        conversation turn then imports no SQLAlchemy), else through the repository."""

        def make() -> ConversationRepository | SqliteConversations:
            if self.db.sqlite_file is not None:
                from alma.store.sqlite_conversations import SqliteConversations

                return SqliteConversations(self.db.sqlite_file)
            from alma.store.conversations import ConversationRepository

            return ConversationRepository(self.db)

        repository: ConversationRepository | SqliteConversations = self._once("conversations", make)
        return repository

    @property
    def keys(self) -> KeyRepository:
        from alma.store.keys import KeyRepository

        repository: KeyRepository = self._once("keys", lambda: KeyRepository(self.db))
        return repository

    @property
    def idempotency(self) -> IdempotencyRepository:
        from alma.store.idempotency import IdempotencyRepository

        repository: IdempotencyRepository = self._once("idempotency", lambda: IdempotencyRepository(self.db))
        return repository

    def key_value(self, namespace: str) -> BufferedKeyValueStore:
        from alma.store.kv import BufferedKeyValueStore
        from alma.store.sqlite_reads import SqliteReads

        # On a database file, engines' records are read with sqlite3 like the rest (no SQLAlchemy for `alma plan`).
        reads = self.reads if self.db.sqlite_file is not None else None
        return BufferedKeyValueStore(self.db, self.buffer, namespace, reads if isinstance(reads, SqliteReads) else None)

    async def aclose(self) -> None:
        try:
            if "buffer" in self._made:
                await self.buffer.flush()
        finally:
            if "buffer" in self._made:
                self.buffer.close()
            if "reads" in self._made:
                self.reads.close()
            if "conversations" in self._made and self.db.sqlite_file is not None:
                self._made["conversations"].close()  # SqliteConversations' own connections
            if "sqlite_plan_writes" in self._made:  # sqlite3 connections of the embedded database
                self._made["sqlite_plan_writes"].close()
            await self.db.aclose()


__all__ = [
    "Database",
    "DeploymentRecord",
    "EventRecord",
    "IprRecord",
    "IprRevisionRecord",
    "KeyRecord",
    "LockRecord",
    "MessageRecord",
    "PlanRecord",
    "ResourceRecord",
    "ReviewRecord",
    "RunClaim",
    "SessionRecord",
    "StackSummary",
    "StateReads",
    "Store",
    "StoredAnswer",
    "utcnow",
]
