"""The composition root: the only place that picks concrete implementations and wires them together."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

from alma.engines import EngineContext, EngineRegistry
from alma.services import (
    BlueprintService,
    DeploymentService,
    EngineService,
    IprService,
    PlanService,
    StackService,
)
from alma.settings import Settings
from alma.store import Database, Store


@dataclass(slots=True)
class Services:
    settings: Settings
    blueprints: BlueprintService
    plans: PlanService
    deployments: DeploymentService
    stacks: StackService
    engines: EngineService
    iprs: IprService
    _store: Store
    _engines: EngineRegistry

    async def aclose(self) -> None:
        try:
            await self._engines.aclose()
        finally:
            await self._store.aclose()

    async def __aenter__(self) -> Services:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


async def build(settings: Settings | None = None) -> Services:
    settings = settings or Settings()
    db = Database(settings.resolved_database_url)
    try:
        await db.migrate()
    except BaseException:
        await db.aclose()
        raise
    store = Store(db)
    engines = EngineRegistry(EngineContext(settings, store.key_value))
    blueprints = BlueprintService(settings, engines)
    plans = PlanService(settings, store, engines, blueprints)
    deployments = DeploymentService(settings, store, engines, plans)
    stacks = StackService(settings, store)
    iprs = IprService(settings, store, plans, deployments)
    return Services(settings, blueprints, plans, deployments, stacks, EngineService(engines), iprs, store, engines)
