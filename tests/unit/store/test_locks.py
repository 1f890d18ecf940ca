"""Stack locks: one holder at a time, named when refused, expiring, and forcibly removable."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from alma.errors import StackLockedError
from alma.settings import Settings
from alma.store import Database, Store


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    db = Database(settings.resolved_database_url)
    await db.migrate()
    built = Store(db)
    try:
        yield built
    finally:
        await built.aclose()


async def test_a_second_holder_is_refused_with_the_first_holders_name(store: Store) -> None:
    await store.locks.acquire("web", "alice@host (pid 1)", "apply plan p1", 60)
    with pytest.raises(StackLockedError) as refused:
        await store.locks.acquire("web", "bob@host (pid 2)", "destroy", 60)
    message = str(refused.value)
    assert "alice@host (pid 1)" in message
    assert "apply plan p1" in message
    assert "alma force-unlock web" in message


async def test_locks_are_per_stack(store: Store) -> None:
    await store.locks.acquire("web", "alice", "apply", 60)
    token = await store.locks.acquire("db", "bob", "apply", 60)
    assert token


async def test_an_expired_lock_can_be_taken_over(store: Store) -> None:
    await store.locks.acquire("web", "crashed", "apply", -1)
    token = await store.locks.acquire("web", "alice", "apply", 60)
    held = await store.locks.get("web")
    assert held is not None
    assert (held.holder, held.token) == ("alice", token)


async def test_release_needs_the_holders_token(store: Store) -> None:
    token = await store.locks.acquire("web", "alice", "apply", 60)
    await store.locks.release("web", "not-the-token")
    assert await store.locks.get("web") is not None
    await store.locks.release("web", token)
    assert await store.locks.get("web") is None


async def test_renew_extends_only_the_holders_lock(store: Store) -> None:
    token = await store.locks.acquire("web", "alice", "apply", 1)
    before = await store.locks.get("web")
    assert await store.locks.renew("web", token, 600)
    assert not await store.locks.renew("web", "other", 600)
    after = await store.locks.get("web")
    assert before is not None and after is not None
    assert after.expires_at > before.expires_at


async def test_force_release_removes_any_holder_and_says_who_it_was(store: Store) -> None:
    await store.locks.acquire("web", "alice", "apply", 60)
    released = await store.locks.force_release("web")
    assert released is not None and released.holder == "alice"
    assert await store.locks.force_release("web") is None


async def test_of_many_concurrent_acquirers_exactly_one_wins(settings: Settings) -> None:
    # Separate engines behave like separate processes racing for the same row.
    stores = []
    for _ in range(6):
        db = Database(settings.resolved_database_url)
        await db.migrate()
        stores.append(Store(db))
    try:
        results = await asyncio.gather(
            *(s.locks.acquire("race", f"holder-{i}", "apply", 60) for i, s in enumerate(stores)),
            return_exceptions=True,
        )
    finally:
        for s in stores:
            await s.aclose()
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, StackLockedError)]
    assert len(winners) == 1
    assert len(losers) == 5
