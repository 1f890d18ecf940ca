"""The blueprint library under concurrent saves: every distinct text becomes a version, none is refused
for racing another, and the same text is the same version (found by the bench: 32 writers on 16 stacks
once got 'too many concurrent writers')."""

from __future__ import annotations

import asyncio

from alma.bootstrap import Services
from tests.helpers import blueprint_text, compute


async def test_concurrent_saves_of_one_stack_each_get_the_next_version(services: Services) -> None:
    texts = [blueprint_text("busy", [compute("app", cores=1 + i)]) for i in range(24)]
    saved = await asyncio.gather(*(services.library.save(text) for text in texts))
    assert sorted(s["version"] for s in saved) == list(range(1, 25))
    for text, record in zip(texts, saved, strict=True):
        assert await services.library.text(record["id"]) == text
    again = await services.library.save(texts[3])
    assert (again["id"], again["version"]) == (saved[3]["id"], saved[3]["version"])
