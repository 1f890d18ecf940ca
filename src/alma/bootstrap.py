"""The composition root: the only place that picks concrete implementations and wires them together."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from alma.engines import EngineContext, EngineRegistry
from alma.services import (
    BlueprintLibrary,
    BlueprintService,
    DeploymentService,
    EngineService,
    IdempotencyService,
    ImportService,
    IprService,
    KeyService,
    PlanService,
    StackService,
)
from alma.settings import Settings
from alma.store import Database, Store

if TYPE_CHECKING:
    from alma.conversation import ConversationService
    from alma.services.generation import GenerationService
    from alma.services.sessions import SessionService
    from alma.workflow.runner import WorkflowService


@dataclass(slots=True)
class Services:
    settings: Settings
    blueprints: BlueprintService
    plans: PlanService
    deployments: DeploymentService
    stacks: StackService
    engines: EngineService
    iprs: IprService
    imports: ImportService
    keys: KeyService
    library: BlueprintLibrary
    idempotency: IdempotencyService
    _store: Store
    _engines: EngineRegistry

    _workflow: WorkflowService | None = None
    _conversation: ConversationService | None = None

    @property
    def workflow(self) -> WorkflowService:
        """Built on first use: LangGraph takes about a second to import, and most commands never need it."""
        if self._workflow is None:
            from alma.workflow.graph import GraphServices
            from alma.workflow.runner import WorkflowService

            parts = GraphServices(self.settings, self.plans, self.deployments, self.iprs, self.stacks, self.engines)
            url = self.settings.resolved_database_url
            postgres = (
                url.replace("postgresql+asyncpg://", "postgresql://", 1) if url.startswith("postgresql") else None
            )
            sqlite_file = self.settings.workflow_checkpoints or self.settings.home / "workflow.db"
            self._workflow = WorkflowService(parts, sqlite_file, postgres)
        return self._workflow

    @property
    def conversation(self) -> ConversationService:
        """Built on first use: only the conversational surfaces need the parser and its lexicon."""
        if self._conversation is None:
            from alma.conversation import ConversationService

            self._conversation = ConversationService(self.sessions)
        return self._conversation

    @property
    def sessions(self) -> SessionService:
        """Conversation sessions (the conversational surfaces keep their turns there)."""
        from alma.services.sessions import SessionService

        return SessionService(self.settings, self._store)

    @property
    def generation(self) -> GenerationService:
        """Blueprints from plain language and the council; stateless, so made on each use."""
        from alma.services.generation import GenerationService

        return GenerationService(self.settings, self.blueprints)

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
    imports = ImportService(settings, store, engines, plans, deployments)
    keys = KeyService(settings, store)
    library = BlueprintLibrary(settings, store, blueprints)
    return Services(
        settings,
        blueprints,
        plans,
        deployments,
        stacks,
        EngineService(engines),
        iprs,
        imports,
        keys,
        library,
        IdempotencyService(store),
        store,
        engines,
    )
