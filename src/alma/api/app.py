"""The application: services built once at start-up, routes under /api/v1, errors as problem JSON.

Every request passes, outermost first: ``Observe`` (request id, metrics, one log line), CORS when origins
are named, ``RefuseNulInUrls``, the ``Gate`` (the key from the headers, limits, the body counted as it
streams; see ``alma.perimeter``), ``Idempotent`` (``Idempotency-Key``), then the routes. GraphQL is
imported on its first request: what a server holds while idle is what it imports at start-up (the
idle-memory target is 80 MB)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from alma import __version__
from alma.api import inputs, observability, problems
from alma.api.idempotency import Idempotent
from alma.api.routes import (
    blueprints,
    chat,
    conversation,
    deployments,
    drift,
    events,
    iprs,
    live,
    plans,
    stacks,
    system,
    templates,
    whoami,
)
from alma.api.streams import StreamSlots
from alma.api.webui import WebUi
from alma.bootstrap import Services, build
from alma.bundled import web_assets_dir
from alma.perimeter import Gate, GateLimits
from alma.redaction import Redactor
from alma.services import Caller
from alma.settings import Settings

# Answered without a key: liveness, readiness (only "ready or not" unless a key is given), docs; and metrics
# when ALMA_API_METRICS_PUBLIC says so (they name routes, stacks' deployment counts and queue depth).
PUBLIC_PATHS = ("/", "/health", "/ready", "/docs", "/docs/oauth2-redirect", "/openapi.json")
METRICS_PATH = "/metrics"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = await build(settings)
        try:
            yield
        finally:
            await app.state.services.aclose()

    app = FastAPI(title="ALMA", version=__version__, lifespan=lifespan, docs_url="/docs")
    app.state.redactor = Redactor.from_settings(settings)
    app.state.stream_slots = StreamSlots(settings.api_streams_per_key)
    problems.install(app)

    async def authenticate(key: str) -> Caller | None:
        services: Services = app.state.services  # built by the lifespan, before any request
        return await services.keys.authenticate(key)

    # Added innermost first: each add_middleware wraps everything added before it.
    app.add_middleware(Idempotent)
    limits = GateLimits(
        settings.api_max_body_bytes, settings.api_rate_limit_per_minute, settings.api_failed_auth_per_minute
    )
    public = (*PUBLIC_PATHS, METRICS_PATH) if settings.api_metrics_public else PUBLIC_PATHS
    app.add_middleware(Gate, authenticate=authenticate, limits=limits, public=public)
    inputs.install(app)
    if settings.api_cors_origins:  # off unless origins are named explicitly (never '*': see Settings)
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.api_cors_origins, allow_methods=["*"], allow_headers=["*"]
        )
    # The web UI (web/, built by scripts/setup) at `/`, when this install has its build: in front of the
    # gate, since its files are public and the page's own API calls carry the key (alma.api.webui).
    assets = web_assets_dir()
    if assets is not None:
        app.add_middleware(WebUi, directory=assets)
    observability.install(app)
    app.include_router(system.router, responses=problems.PROBLEM_RESPONSES)
    app.include_router(live.router)
    app.router.routes.append(Route("/graphql", graphql_on_first_use, methods=["GET", "POST"], include_in_schema=False))
    for module in (blueprints, plans, iprs, deployments, stacks, drift, events, whoami, conversation, chat, templates):
        app.include_router(module.router, prefix="/api/v1", responses=problems.PROBLEM_RESPONSES)
    # The architecture's examples say `/api/v1/ipr/`: the same routes under that name (one implementation,
    # hidden from the schema so clients are generated once), with or without a trailing slash.
    app.include_router(iprs.singular_router(), prefix="/api/v1", responses=problems.PROBLEM_RESPONSES)
    return app


async def graphql_on_first_use(request: Request) -> Response:
    """``/graphql`` (``alma.api.graphql``), imported on its first request: strawberry and graphql-core hold
    about 9 MB that a server nobody queries should not. It runs under the same middleware as every route."""
    from alma.api.graphql import graphql_endpoint

    return await graphql_endpoint(request)
