"""Idempotency keys for POSTs: a retried request (same caller, route, body and key) gets the first
answer again instead of doing the work twice; stored durably, so it holds across replicas and restarts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from alma.errors import ConflictError
from alma.store import Store


@dataclass(frozen=True, slots=True)
class Replay:
    status_code: int
    body: str
    media_type: str


class IdempotencyService:
    def __init__(self, store: Store) -> None:
        self._store = store

    @staticmethod
    def scope(caller_key: str, route: str, idempotency_key: str, body: bytes) -> tuple[str, str]:
        body_hash = hashlib.sha256(body).hexdigest()
        caller = hashlib.sha256(caller_key.encode()).hexdigest()
        scope = hashlib.sha256("\n".join((caller, route, idempotency_key, body_hash)).encode()).hexdigest()
        return scope, body_hash

    async def begin(self, scope: str, body_hash: str) -> Replay | None:
        """None: go ahead (the key is now claimed). A Replay: answer with it. Conflict: still running."""
        stored = await self._store.idempotency.claim(scope, body_hash)
        if stored is None:
            return None
        if stored.status_code is None or stored.response is None:
            raise ConflictError("a request with this Idempotency-Key is still being processed; retry shortly")
        return Replay(stored.status_code, stored.response, stored.media_type or "application/json")

    async def finish(self, scope: str, status_code: int, body: str, media_type: str) -> None:
        await self._store.idempotency.complete(scope, status_code, body, media_type)

    async def abandon(self, scope: str) -> None:
        await self._store.idempotency.release(scope)
