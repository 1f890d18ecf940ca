"""The composition root: the only place that picks concrete implementations and wires them together.

Long because every service is here, each as a property that imports and builds it on first use with its
dependencies spelt out (so a command pays only for what it calls); one short property per service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from alma.errors import ConfigurationError
from alma.redaction import Redactor
from alma.settings import Settings
from alma.store import Database, Store

if TYPE_CHECKING:
    from alma.chat import ChatService
    from alma.conversation import ConversationService
    from alma.conversation.llm_fallback import LLMIntentFallback
    from alma.engines import EngineRegistry
    from alma.jobs import JobQueue
    from alma.llm import LLMBackend
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
    from alma.services.drift import DriftService
    from alma.services.export import ExportService
    from alma.services.generation import GenerationService
    from alma.services.live import LiveEvents
    from alma.services.metrics import DomainMetrics
    from alma.services.operations import OperationService
    from alma.services.sessions import SessionService
    from alma.services.templates import TemplateService
    from alma.workflow.runner import WorkflowService
    from alma.workflow.runs import Runs


class Services:
    """Every use case, each made on first use: a command builds (and imports) only what it calls, so
    ``alma state list`` starts without the executor, the IPR rules, the metrics or the engines."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self._store = store
        self._made: dict[str, Any] = {}
        self._workflow: WorkflowService | None = None
        self._runs: Runs | None = None
        self._operations: OperationService | None = None
        self._conversation: ConversationService | None = None
        self._llm: LLMBackend | None = None
        self._llm_built = False
        self._jobs: JobQueue | None = None
        self._closers: list[Callable[[], Awaitable[None]]] = []
        # Committed events are announced to live streams (and, with Redis, to the other replicas) from
        # the first commit on, whether or not this process ever streams.
        store.on_events_committed(self._events_committed)

    def _once(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self._made:
            self._made[name] = make()
        return self._made[name]

    def _events_committed(self, rows: list[dict[str, Any]]) -> None:
        if "live" in self._made or self.settings.redis_url is not None:
            self.live.committed(rows)

    @property
    def _engines(self) -> EngineRegistry:
        from alma.engines import EngineContext, EngineRegistry

        registry: EngineRegistry = self._once(
            "engine_registry", lambda: EngineRegistry(EngineContext(self.settings, self._store.key_value))
        )
        return registry

    @property
    def blueprints(self) -> BlueprintService:
        from alma.services.blueprints import BlueprintService

        service: BlueprintService = self._once("blueprints", lambda: BlueprintService(self.settings, self._engines))
        return service

    @property
    def plans(self) -> PlanService:
        from alma.services.plans import PlanService

        service: PlanService = self._once(
            "plans", lambda: PlanService(self.settings, self._store, self._engines, self.blueprints)
        )
        return service

    @property
    def metrics(self) -> DomainMetrics:
        from alma.services.metrics import DomainMetrics

        metrics: DomainMetrics = self._once("metrics", DomainMetrics)
        return metrics

    @property
    def deployments(self) -> DeploymentService:
        from alma.services.deployments import DeploymentService

        service: DeploymentService = self._once(
            "deployments",
            lambda: DeploymentService(self.settings, self._store, self._engines, self.plans, self.metrics),
        )
        return service

    @property
    def stacks(self) -> StackService:
        from alma.services.stacks import StackService

        service: StackService = self._once("stacks", lambda: StackService(self.settings, self._store))
        return service

    @property
    def engines(self) -> EngineService:
        from alma.services.engines import EngineService

        service: EngineService = self._once("engines", lambda: EngineService(self._engines))
        return service

    @property
    def iprs(self) -> IprService:
        from alma.services.iprs import IprService

        service: IprService = self._once(
            "iprs", lambda: IprService(self.settings, self._store, lambda: self.plans, lambda: self.deployments)
        )
        return service

    @property
    def imports(self) -> ImportService:
        from alma.services.imports import ImportService

        service: ImportService = self._once(
            "imports",
            lambda: ImportService(self.settings, self._store, self._engines, self.plans, self.deployments),
        )
        return service

    @property
    def keys(self) -> KeyService:
        from alma.services.keys import KeyService

        service: KeyService = self._once("keys", lambda: KeyService(self.settings, self._store))
        return service

    @property
    def library(self) -> BlueprintLibrary:
        from alma.services.library import BlueprintLibrary

        service: BlueprintLibrary = self._once(
            "library", lambda: BlueprintLibrary(self.settings, self._store, self.blueprints)
        )
        return service

    @property
    def idempotency(self) -> IdempotencyService:
        from alma.services.idempotency import IdempotencyService

        service: IdempotencyService = self._once(
            "idempotency",
            lambda: IdempotencyService(
                self._store,
                self.settings.api_idempotency_lease_s,
                retention_s=self.settings.api_idempotency_retention_h * 3600,
            ),
        )
        return service

    @property
    def live(self) -> LiveEvents:
        from alma.services.live import LiveEvents

        def make() -> LiveEvents:
            store, settings = self._store, self.settings
            return LiveEvents(
                settings.redis_url, settings.redis_channel, news=store.events.news_since, poll_s=settings.live_poll_s
            )

        live: LiveEvents = self._once("live", make)
        return live

    @property
    def workflow(self) -> WorkflowService:
        """Built on first use: LangGraph takes about a second to import, and most commands never need it."""
        if self._workflow is None:
            from alma.workflow.graph import GraphServices
            from alma.workflow.runner import WorkflowService

            parts = GraphServices(self.settings, self.plans, self.deployments, self.iprs, self.stacks, self.engines)
            sqlite_file = self.settings.workflow_checkpoints or self.settings.home / "workflow.db"
            self._workflow = WorkflowService(parts, sqlite_file, self.settings.postgres_url)
        return self._workflow

    @property
    def operations(self) -> OperationService:
        """Start, stop, restart, scale or remove one resource: plans built from the recorded state."""
        if self._operations is None:
            from alma.services.operations import OperationService

            self._operations = OperationService(self._store, self._engines, self.plans)
        return self._operations

    @property
    def runs(self) -> Runs:
        """The one way every surface applies and resumes: the approval gate, the IPR claim, the stack's
        lock, inline or queued (``ALMA_QUEUE``)."""
        if self._runs is None:
            from alma.workflow.runs import Runs

            self._runs = Runs(
                self.settings, self.plans, self.deployments, self.iprs, self.stacks, self.workflow, self.jobs
            )
        return self._runs

    @property
    def jobs(self) -> JobQueue | None:
        """The job queue when ``ALMA_QUEUE=procrastinate`` (applies then run in ``alma worker``), else None."""
        if self.settings.queue != "procrastinate":
            return None
        if self._jobs is None:
            from alma.jobs import JobQueue

            self._jobs = JobQueue(self.settings)
            self._closers.append(self._jobs.aclose)
        return self._jobs

    @property
    def conversation(self) -> ConversationService:
        """Built on first use: only the conversational surfaces need the parser and its lexicon."""
        if self._conversation is None:
            from alma.conversation import ConversationService

            self._conversation = ConversationService(self.sessions, fallback=self._intent_fallback())
        return self._conversation

    @property
    def chat(self) -> ChatService:
        """Chat turns, given exactly what they use; the generator and the run use case (which imports the
        workflow engine) are made only when a turn needs them."""
        from alma.chat import ChatService

        def make() -> ChatService:
            return ChatService(
                conversation=self.conversation,
                sessions=self.sessions,
                plans=self.plans,
                operations=self.operations,
                stacks=self.stacks,
                iprs=self.iprs,
                settings=self.settings,
                generation=lambda: self.generation,
                runs=lambda: self.runs,
                llm=self.llm,
            )

        chat: ChatService = self._once("chat", make)
        return chat

    def _intent_fallback(self) -> LLMIntentFallback | None:
        """The LLM the settings name, used only for sentences the grammar cannot read."""
        backend = self.llm
        if backend is None:
            return None
        from alma.conversation.llm_fallback import LLMIntentFallback

        return LLMIntentFallback(backend)

    @property
    def llm(self) -> LLMBackend | None:
        """The one language-model backend the settings name (built once, closed with the services), or
        ``None`` when none is configured: callers then take their deterministic path and say so."""
        if not self._llm_built:
            backend = make_llm_backend(self.settings)
            if backend is not None:
                from alma.services.metrics import ObservedLLM  # metrics only when there is a model to observe

                self._llm = ObservedLLM(backend, self.metrics)
            self._llm_built = True
            if self._llm is not None:
                self._closers.append(self._llm.aclose)
        return self._llm

    @property
    def sessions(self) -> SessionService:
        """Conversation sessions (the conversational surfaces keep their turns there); one instance, shared by
        the conversation service and chat."""
        from alma.services.sessions import SessionService

        service: SessionService = self._once("sessions", lambda: SessionService(self.settings, self._store))
        return service

    @property
    def drift(self) -> DriftService:
        """What the engines have that the recorded state does not say; stateless, so made on each use."""
        from alma.services.drift import DriftService

        return DriftService(self.settings, self._store, self._engines, self.plans)

    @property
    def templates(self) -> TemplateService:
        """The template catalogue: list, show, render (validated); stateless, so made on each use."""
        from alma.services.templates import TemplateService

        return TemplateService(self.blueprints)

    @property
    def export(self) -> ExportService:
        """A stack written for Terraform or Docker Compose, from its record and its engines; stateless."""
        from alma.services.export import ExportService

        return ExportService(self._store, self._engines)

    @property
    def generation(self) -> GenerationService:
        """Blueprints from plain language and the council. With a model configured, it drafts (the building
        blocks are its fallback) and narrates the council's decree."""
        from alma.services.generation import GenerationService

        service: GenerationService = self._once(
            "generation", lambda: GenerationService(self.settings, self.blueprints, llm=self.llm)
        )
        return service

    async def aclose(self) -> None:
        for close in self._closers:
            await close()
        try:
            if "engine_registry" in self._made:
                await self._engines.aclose()
        finally:
            try:
                await self._store.aclose()
            finally:
                if "live" in self._made:
                    await self.live.aclose()  # last: the store's final commit may still announce events

    async def __aenter__(self) -> Services:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


def make_llm_backend(settings: Settings) -> LLMBackend | None:
    """The backend the settings name (``ALMA_LLM_BACKEND``; unset: openai when ``ALMA_LLM_BASE_URL`` is set);
    ``None`` when none is configured. Settings that contradict each other are a ``ConfigurationError``."""
    kind = settings.llm_backend or ("openai" if settings.llm_base_url is not None else None)
    local_only = [
        name
        for name, value in (("ALMA_LLM_GGUF_FILE", settings.llm_gguf_file), ("ALMA_LLM_DEVICE", settings.llm_device))
        if value not in (None, "auto")
    ]
    if local_only and kind != "transformers":
        raise ConfigurationError(
            f"{' and '.join(local_only)} apply to a local model only: set ALMA_LLM_BACKEND=transformers or unset them"
        )
    if kind is None:
        return None
    if kind == "transformers":
        if settings.llm_base_url is not None or settings.llm_api_key is not None:
            raise ConfigurationError(
                "ALMA_LLM_BACKEND=transformers runs the model in this process, but ALMA_LLM_BASE_URL or "
                "ALMA_LLM_API_KEY name a server: unset them, or set ALMA_LLM_BACKEND=openai"
            )
        from alma.llm.transformers_local import DEFAULT_LOCAL_MODEL, LocalModelConfig, TransformersBackend

        return TransformersBackend(
            LocalModelConfig(
                model=settings.llm_model or DEFAULT_LOCAL_MODEL,
                gguf_file=settings.llm_gguf_file,
                device=settings.llm_device,
                temperature=settings.llm_temperature,
                max_tokens=settings.llm_max_tokens,
                timeout_s=settings.llm_timeout_s,
            )
        )
    if settings.llm_base_url is None:
        raise ConfigurationError(
            "ALMA_LLM_BACKEND=openai needs ALMA_LLM_BASE_URL, the server's API root (such as http://127.0.0.1:8080/v1)"
        )
    from alma.llm import LLMConfig, OpenAICompatibleBackend

    if settings.llm_model is None:
        raise ConfigurationError("ALMA_LLM_BASE_URL is set but ALMA_LLM_MODEL is not: name the model to use")
    return OpenAICompatibleBackend(
        LLMConfig(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
            timeout_s=settings.llm_timeout_s,
            json_mode=settings.llm_json_mode,
        )
    )


def check_home(settings: Settings) -> None:
    """What a server checks before it starts: the embedded database's folder and file can be made (a
    ``ConfigurationError`` saying what ALMA_HOME must be otherwise). Connects to nothing."""
    Database(settings.resolved_database_url)


def reads_need_no_event_loop(settings: Settings) -> bool:
    """Whether the configured database is embedded and already at the newest schema: building the services
    and reading it then await nothing an event loop has to run (see ``alma.store.threads``)."""
    return Database(settings.resolved_database_url).is_current_file()


async def build(settings: Settings | None = None) -> Services:
    """The services over the configured database (migrated to the newest schema first). Nothing else is made
    here: each service is made when first used."""
    settings = settings or Settings()
    db = Database(settings.resolved_database_url)
    try:
        await db.migrate()
    except BaseException:
        await db.aclose()
        raise
    store = Store(db)
    store.scrub_events_with(Redactor.from_settings(settings).scrub_value)
    return Services(settings, store)
