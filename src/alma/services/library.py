"""Stored blueprints: every distinct text of a stack is a version, validated before it is kept."""

from __future__ import annotations

from typing import Any

from alma.errors import NotFoundError
from alma.services.actor import actor
from alma.services.blueprints import BlueprintService
from alma.settings import Settings
from alma.store import Store


class BlueprintLibrary:
    def __init__(self, settings: Settings, store: Store, blueprints: BlueprintService) -> None:
        self._settings = settings
        self._store = store
        self._blueprints = blueprints

    async def save(self, text: str, filename: str = "<blueprint>") -> dict[str, Any]:
        loaded = await self._blueprints.read(text, filename)  # refused here if invalid: nothing is kept
        stack = loaded.blueprint.name
        blueprint_id, version = await self._store.stacks.save_blueprint(stack, text, actor(self._settings))
        return {
            "id": blueprint_id,
            "stack": stack,
            "version": version,
            "warnings": [w.as_json() for w in loaded.warnings],
        }

    async def versions(self, stack: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return await self._store.stacks.blueprint_versions(stack, limit, offset)

    async def text(self, blueprint_id: int) -> str:
        found = await self._store.reads.blueprint_text(blueprint_id)
        if found is None:
            raise NotFoundError(f"no blueprint #{blueprint_id}")
        return found
