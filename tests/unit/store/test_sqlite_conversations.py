"""Conversation sessions on an embedded database go through sqlite3: the rows must be the ones SQLAlchemy's
repository writes for the same calls, and they must read back the same records either way."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path
from typing import Any

from alma.store import Database, Store
from alma.store.conversations import ConversationRepository
from alma.store.sqlite_conversations import SqliteConversations

STATE: dict[str, Any] = {"focus": {"target": "wëb-01", "kinds": ["compute"], "asked": None}, "n": 1.5}


async def converse(repository: ConversationRepository | SqliteConversations) -> list[Any]:
    first = await repository.session("s-1", "ada")
    again = await repository.session("s-1", "bob")  # exists: its owner stays
    await repository.add_message("s-1", "user", 'delete "web-01" ⚙', {"intent": "destroy", "risk": None})
    await repository.add_message("s-1", "assistant", "confirm?", None)
    await repository.save_state("s-1", STATE)
    saved = await repository.session("s-1", "ada")
    messages = await repository.messages("s-1", limit=1)
    everything = await repository.messages("s-1")
    return [first.state, again.actor, saved.state, [(m.role, m.text, m.data) for m in [*messages, *everything]]]


def rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("conversation_sessions", "conversation_messages")
        }


def without_times(table: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    timestamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")
    for row in table:
        assert any(isinstance(v, str) and timestamp.match(v) for v in row), row  # written as SQLAlchemy does
    return [tuple("<t>" if isinstance(v, str) and timestamp.match(v) else v for v in row) for row in table]


async def test_the_rows_and_records_are_the_ones_sqlalchemy_writes_and_reads(tmp_path: Path) -> None:
    results = []
    for name, direct in (("sqlite3.db", True), ("sqlalchemy.db", False)):
        store = Store(Database(f"sqlite+aiosqlite:///{tmp_path / name}"))
        await store.db.migrate()
        repository = store.conversations if direct else ConversationRepository(store.db)
        assert isinstance(repository, SqliteConversations) == direct
        try:
            results.append((await converse(repository), rows(tmp_path / name)))
        finally:
            await store.aclose()
    (said, written), (reference_said, reference) = results
    assert said == reference_said
    assert said[1] == "ada" and said[2] == STATE
    assert {t: without_times(r) for t, r in written.items()} == {t: without_times(r) for t, r in reference.items()}


async def test_two_first_turns_of_one_session_at_once_make_one_session(tmp_path: Path) -> None:
    store = Store(Database(f"sqlite+aiosqlite:///{tmp_path / 'alma.db'}"))
    await store.db.migrate()
    try:
        made = await asyncio.gather(*(store.conversations.session("same", f"u{i}") for i in range(8)))
        assert len({m.actor for m in made}) == 1
        assert len(rows(tmp_path / "alma.db")["conversation_sessions"]) == 1
    finally:
        await store.aclose()
