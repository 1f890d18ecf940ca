"""Idempotency keys for POSTs: a retried request (same key, route and ``Idempotency-Key``) gets the first
answer again instead of doing the work twice; stored durably, so it holds across replicas and restarts.

- The same ``Idempotency-Key`` with a different body is a mistake, not a new request: ``Mismatch``.
- A claim is a lease (``ALMA_API_IDEMPOTENCY_LEASE_S``), renewed while its request runs: a retry while it
  runs is ``InProgress``; a retry after its server died (the lease ran out) takes the claim and runs.
- The caller is identified by a digest of the resolved key (never the key), so every spelling of one key
  (``X-API-Key``, ``Authorization: Bearer``) shares its keys, and no other key can see them.
- A finished answer is kept ``ALMA_API_IDEMPOTENCY_RETENTION_H`` (24 h by default); after that the key is new.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from alma.store import Store, utcnow

PRUNE_EVERY_S = 60.0


@dataclass(frozen=True, slots=True)
class Replay:
    status_code: int
    body: str
    media_type: str


@dataclass(frozen=True, slots=True)
class InProgress:
    retry_after_s: int


@dataclass(frozen=True, slots=True)
class Mismatch:
    """The key was first used with another body."""


@dataclass(frozen=True, slots=True)
class Claimed:
    scope: str


Begun = Claimed | Replay | InProgress | Mismatch


class IdempotencyService:
    def __init__(
        self, store: Store, lease_s: float, *, retention_s: float = 24 * 3600, prune_every_s: float = PRUNE_EVERY_S
    ) -> None:
        self._store = store
        self.lease_s = lease_s
        self.retention_s = retention_s
        self._prune_every_s = prune_every_s
        self._pruned_at = -math.inf  # monotonic time of the last pruning in this process

    @staticmethod
    def scope(key_id: str, method: str, route: str, idempotency_key: str) -> str:
        return hashlib.sha256("\n".join((key_id, method, route, idempotency_key)).encode()).hexdigest()

    @staticmethod
    def body_hash(body: bytes) -> str:
        return hashlib.sha256(body).hexdigest()

    async def begin(self, scope: str, body_hash: str) -> Begun:
        # Answers older than the retention are forgotten (at most once a minute per process, so a busy
        # server pays one DELETE a minute): without it the table grows by one row per keyed request for ever.
        now = time.monotonic()
        if now - self._pruned_at >= self._prune_every_s:
            self._pruned_at = now
            await self._store.idempotency.prune(older_than_s=self.retention_s)
        stored = await self._store.idempotency.claim(scope, body_hash, self.lease_s)
        if stored is None:
            return Claimed(scope)
        if stored.body_hash != body_hash:
            return Mismatch()
        if stored.status_code is None or stored.response is None:
            left = (stored.lease_until - utcnow()).total_seconds() if stored.lease_until else 1.0
            return InProgress(max(1, math.ceil(left)))
        return Replay(stored.status_code, stored.response, stored.media_type or "application/json")

    async def renew(self, scope: str) -> bool:
        return await self._store.idempotency.renew(scope, self.lease_s)

    async def finish(self, scope: str, status_code: int, body: str, media_type: str) -> None:
        await self._store.idempotency.complete(scope, status_code, body, media_type)

    async def abandon(self, scope: str) -> None:
        await self._store.idempotency.release(scope)
