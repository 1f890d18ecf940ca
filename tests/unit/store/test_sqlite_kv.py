"""Engines' records on an embedded database are read with sqlite3 (``alma plan`` imports no SQLAlchemy for the
fake engine's world): what a load sees must be what the engine's connections see, the buffer's writes not yet
committed included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alma.store import Database, Store
from alma.store.kv import BufferedKeyValueStore


async def both_ways(store: Store, namespace: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A load through sqlite3 (what the store hands out) and one through the engine's connections."""
    through_sqlite = await store.key_value(namespace).load_all()
    through_the_engine = await BufferedKeyValueStore(store.db, store.buffer, namespace).load_all()
    return through_sqlite, through_the_engine


async def test_a_load_sees_committed_records_and_the_buffers_pending_writes_as_the_engine_does(tmp_path: Path) -> None:
    store = Store(Database(f"sqlite+aiosqlite:///{tmp_path / 'alma.db'}"))
    await store.db.migrate()
    try:
        fake, other = store.key_value("fake"), store.key_value("other")
        await fake.put("shop/web", {"cores": 2, "tags": ["ä", None], "ratio": 1.5})
        await fake.put("shop/db", {"cores": 4})
        await other.put("shop/web", {"elsewhere": True})
        pending = await both_ways(store, "fake")
        assert (
            pending[0]
            == pending[1]
            == {"shop/web": {"cores": 2, "tags": ["ä", None], "ratio": 1.5}, "shop/db": {"cores": 4}}
        )
        await store.buffer.flush()
        committed = await both_ways(store, "fake")
        assert committed == pending
        await fake.delete("shop/db")  # pending removal of a committed record
        await fake.put("shop/web", {"cores": 8})  # pending change of one
        changed = await both_ways(store, "fake")
        assert changed[0] == changed[1] == {"shop/web": {"cores": 8}}
        assert (await both_ways(store, "other"))[0] == {"shop/web": {"elsewhere": True}}
    finally:
        await store.aclose()
