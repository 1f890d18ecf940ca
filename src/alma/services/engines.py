"""Engines as operators see them: which providers are installed and whether each can be reached."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from alma.engines import EngineRegistry


@dataclass(frozen=True, slots=True)
class EngineStatus:
    name: str
    ok: bool
    detail: str


class EngineService:
    def __init__(self, engines: EngineRegistry) -> None:
        self._engines = engines

    async def statuses(self, providers: Collection[str] | None = None) -> list[EngineStatus]:
        """Health of every installed engine, or of ``providers`` only."""
        health = await self._engines.health(providers)
        return [EngineStatus(name, h.ok, h.detail) for name, h in sorted(health.items())]
