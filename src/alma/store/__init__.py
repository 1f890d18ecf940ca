"""The store: SQLAlchemy 2 async over SQLite or PostgreSQL, Alembic migrations, repositories."""

from __future__ import annotations

from alma.store.buffer import WriteBuffer
from alma.store.conversations import ConversationRepository, MessageRecord, SessionRecord
from alma.store.database import Database, utcnow
from alma.store.deployments import DeploymentRepository, PlanRepository
from alma.store.events import EventLog
from alma.store.idempotency import IdempotencyRepository, StoredAnswer
from alma.store.iprs import IprRecord, IprRepository, IprRevisionRecord, ReviewRecord
from alma.store.keys import KeyRecord, KeyRepository
from alma.store.kv import BufferedKeyValueStore
from alma.store.locks import LockRepository
from alma.store.records import (
    DeploymentRecord,
    EventRecord,
    LockRecord,
    PlanRecord,
    ResourceRecord,
    StackSummary,
)
from alma.store.stacks import StackRepository


class Store:
    """Every repository over one database and one write buffer."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.buffer = WriteBuffer(db)
        self.stacks = StackRepository(db)
        self.plans = PlanRepository(db)
        self.deployments = DeploymentRepository(db)
        self.locks = LockRepository(db)
        self.events = EventLog(db, self.buffer)
        self.iprs = IprRepository(db)
        self.conversations = ConversationRepository(db)
        self.keys = KeyRepository(db)
        self.idempotency = IdempotencyRepository(db)

    def key_value(self, namespace: str) -> BufferedKeyValueStore:
        return BufferedKeyValueStore(self.db, self.buffer, namespace)

    async def aclose(self) -> None:
        try:
            await self.buffer.flush()
        finally:
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
    "SessionRecord",
    "StackSummary",
    "Store",
    "StoredAnswer",
    "utcnow",
]
