"""The application: services built once at start-up, routes under /api/v1, errors as problem JSON,
request bodies bounded before they are read into memory. GraphQL is built on its first request: what a
server holds while idle is what it imports at start-up (the idle-memory target is 80 MB)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from alma import __version__
from alma.api import idempotency, inputs, observability, problems
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
)
from alma.bootstrap import build
from alma.settings import Settings


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
    problems.install(app)
    idempotency.install(app)
    inputs.install(app)
    observability.install(app, settings.api_rate_limit_per_minute)
    limit = settings.api_max_body_bytes

    @app.middleware("http")
    async def bounded_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # Refuse huge bodies from their declared length, before anything reads (or expands) them.
        declared = request.headers.get("content-length")
        if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
            return problems.problem(413, "Request too large", f"the body is {declared} bytes; the limit is {limit}")
        return await call_next(request)

    if settings.api_cors_origins:  # off unless origins are named explicitly
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.api_cors_origins, allow_methods=["*"], allow_headers=["*"]
        )
    app.include_router(system.router)
    app.include_router(live.router)
    app.router.routes.append(
        Route("/graphql", GraphQLOnFirstUse(app), methods=["GET", "POST"], include_in_schema=False)
    )
    for module in (blueprints, plans, iprs, deployments, stacks, drift, events, conversation, chat):
        app.include_router(module.router, prefix="/api/v1")
    return app


class GraphQLOnFirstUse:
    """``/graphql`` (``alma.api.graphql``), imported and built on its first request: strawberry and
    graphql-core hold about 9 MB that a server nobody queries should not. Once built it is the same
    router, under the same middleware, with the same services, keys and problem JSON."""

    def __init__(self, parent: FastAPI) -> None:
        self._parent = parent
        self._app: FastAPI | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            from alma.api import graphql

            app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
            app.state = self._parent.state  # the services the parent's lifespan built
            problems.install(app)
            app.include_router(graphql.router(), prefix="/graphql")
            self._app = app
        await self._app(scope, receive, send)
