"""Which providers exist, which are built, and one engine instance per provider (created on first use).

Engines register through the ``alma.engines`` entry point group, so a plugin package adds a provider
without touching ALMA. Providers ALMA knows of but that are not installed are named, so a blueprint that
uses one gets a clear "not available" instead of "unknown".
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from importlib.metadata import entry_points

from alma.diagnostics import did_you_mean
from alma.engines.base import Engine, EngineContext, EngineFactory, Health
from alma.errors import ConfigurationError, InvalidInputError

PLANNED_PROVIDERS: dict[str, str] = {
    "proxmox": "the Proxmox VE engine is not installed (no 'alma.engines' entry point named proxmox)",
    "docker": "the Docker engine is not installed (no 'alma.engines' entry point named docker)",
    "kubernetes": "the Kubernetes engine is not installed (no 'alma.engines' entry point named kubernetes)",
}


def discover_factories() -> dict[str, Callable[[], EngineFactory]]:
    """Entry points by name, loaded only when an engine is first used (start-up stays fast)."""
    return {entry.name: entry.load for entry in entry_points(group="alma.engines")}


def _given(factory: EngineFactory) -> Callable[[], EngineFactory]:
    return lambda: factory


class EngineRegistry:
    def __init__(self, context: EngineContext, factories: dict[str, EngineFactory] | None = None) -> None:
        self._context = context
        self._loaders: dict[str, Callable[[], EngineFactory]] = (
            {name: _given(factory) for name, factory in factories.items()}
            if factories is not None
            else discover_factories()
        )
        self._engines: dict[str, Engine] = {}

    def _factory(self, provider: str) -> EngineFactory:
        try:
            return self._loaders[provider]()
        except ImportError as exc:
            raise ConfigurationError(f"the {provider} engine cannot be loaded: {exc}") from exc

    @property
    def providers(self) -> list[str]:
        return sorted(self._loaders)

    def problem_with(self, provider: str) -> str | None:
        """Why ``provider`` cannot be used, or None when it can."""
        if provider in self._loaders:
            return None
        if provider in PLANNED_PROVIDERS:
            return f"provider '{provider}' is not available: {PLANNED_PROVIDERS[provider]}"
        known = set(self._loaders) | set(PLANNED_PROVIDERS)
        return f"unknown provider '{provider}'{did_you_mean(provider, known)}"

    def get(self, provider: str) -> Engine:
        engine = self._engines.get(provider)
        if engine is not None:
            return engine
        problem = self.problem_with(provider)
        if problem is not None:
            raise InvalidInputError(problem)
        try:
            engine = self._factory(provider)(self._context)
        except (ValueError, OSError) as exc:
            raise ConfigurationError(f"cannot start the {provider} engine: {exc}") from exc
        self._engines[provider] = engine
        return engine

    async def health(self, providers: Collection[str] | None = None) -> dict[str, Health]:
        """Each registered engine's health (or only ``providers``'); one that cannot start says why."""
        report: dict[str, Health] = {}
        for provider in sorted(providers) if providers is not None else self.providers:
            try:
                report[provider] = await self.get(provider).health()
            except (ConfigurationError, InvalidInputError) as exc:
                report[provider] = Health(False, str(exc))
        return report

    async def aclose(self) -> None:
        engines, self._engines = self._engines, {}
        for engine in engines.values():
            await engine.aclose()
