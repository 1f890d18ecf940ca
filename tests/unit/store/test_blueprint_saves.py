"""Concurrent blueprint saves on an embedded database share a commit: every save still gets its own version,
the same text keeps its version, and two processes saving to one stack never collide."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from alma.store import Database, Store

SAVE_MANY = """
import asyncio, sys
from alma.store import Database, Store

async def main() -> None:
    store = Store(Database(sys.argv[1]))
    try:
        await asyncio.gather(*(store.stacks.save_blueprint("shared", f"other {i}", "them") for i in range(40)))
    finally:
        await store.aclose()

asyncio.run(main())
"""


async def test_concurrent_saves_get_distinct_versions_and_identical_texts_keep_theirs(tmp_path: Path) -> None:
    store = Store(Database(f"sqlite+aiosqlite:///{tmp_path / 'alma.db'}"))
    await store.db.migrate()
    try:
        texts = [(f"stack-{i % 4}", f"text {i % 24}") for i in range(96)]  # each text sent four times
        saved = await asyncio.gather(*(store.stacks.save_blueprint(stack, text, "me") for stack, text in texts))
        by_text: dict[tuple[str, str], set[tuple[int, int]]] = {}
        for key, result in zip(texts, saved, strict=True):
            by_text.setdefault(key, set()).add(result)
        assert all(len(results) == 1 for results in by_text.values())  # one version per distinct text
        for stack in {s for s, _ in texts}:
            versions = sorted(v for (s, _), results in by_text.items() if s == stack for _, v in results)
            assert versions == list(range(1, len(versions) + 1))  # no gap, no duplicate
        assert len({i for results in by_text.values() for i, _ in results}) == len(by_text)
        again = await store.stacks.save_blueprint("stack-1", "text 1", "me")
        assert again == next(iter(by_text[("stack-1", "text 1")]))
        assert await store.reads.blueprint_text(again[0]) == "text 1"
    finally:
        await store.aclose()


async def test_another_process_saving_to_the_same_stack_at_once_never_collides(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'alma.db'}"
    store = Store(Database(url))
    await store.db.migrate()
    try:
        other = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SAVE_MANY, url, env={**os.environ}, stderr=subprocess.PIPE
        )
        ours = await asyncio.gather(*(store.stacks.save_blueprint("shared", f"ours {i}", "me") for i in range(40)))
        _, errors = await asyncio.wait_for(other.communicate(), 120)
        assert other.returncode == 0, errors.decode()[-2000:]
        versions = [v for _, v in ours]
        assert len(set(versions)) == 40
        everything = await store.stacks.blueprint_versions("shared", limit=500)
        assert sorted(v["version"] for v in everything) == list(range(1, 81))
    finally:
        await store.aclose()
