"""Token buckets in bounded memory: ``capacity`` requests, refilled continuously over a minute, one
bucket per identity (a resolved key, or a client address for wrong keys). At most ``max_buckets`` are kept;
the least recently used goes first, so a flood of identities costs a fixed amount of memory. The digests of
keys found wrong (``WrongKeys``) are bounded the same way."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

DEFAULT_MAX_BUCKETS = 10_000


class Buckets:
    def __init__(
        self,
        per_minute: int,
        max_buckets: int = DEFAULT_MAX_BUCKETS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = per_minute / 60.0
        self._capacity = float(per_minute)
        self._max = max_buckets
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def wait_s(self, identity: str) -> int | None:
        """Seconds until ``identity`` may make a request (for ``Retry-After``), or None when it may now."""
        tokens = self._tokens(identity)
        return None if tokens >= 1 else max(1, math.ceil((1 - tokens) / self._rate))

    def take(self, identity: str) -> int | None:
        """Use one request of ``identity``'s allowance: None when there was one, else the seconds to wait."""
        tokens = self._tokens(identity)
        if tokens < 1:
            self._store(identity, tokens)
            return max(1, math.ceil((1 - tokens) / self._rate))
        self._store(identity, tokens - 1)
        return None

    def _tokens(self, identity: str) -> float:
        now = self._clock()
        tokens, at = self._buckets.get(identity, (self._capacity, now))
        return min(self._capacity, tokens + (now - at) * self._rate)

    def _store(self, identity: str, tokens: float) -> None:
        self._buckets[identity] = (tokens, self._clock())
        self._buckets.move_to_end(identity)
        while len(self._buckets) > self._max:
            self._buckets.popitem(last=False)


class WrongKeys:
    """Digests of keys found wrong, at most ``max_keys`` (the least recently seen go first). A key that is
    wrong stays wrong: ALMA's keys are random and made by ALMA, so none is presented before it exists, and a
    revoked one is never live again (``ALMA_API_KEY`` changes only with a restart, which forgets these)."""

    def __init__(self, max_keys: int = DEFAULT_MAX_BUCKETS) -> None:
        self._max = max_keys
        self._digests: OrderedDict[str, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._digests)

    def __contains__(self, digest: object) -> bool:
        return digest in self._digests

    def add(self, digest: str) -> None:
        self._digests[digest] = None
        self._digests.move_to_end(digest)
        while len(self._digests) > self._max:
            self._digests.popitem(last=False)
