"""Prometheus metrics (HTTP by route template here; the domain's from the services: resource operations,
apply durations, LLM latency, deployments by status, queue depth), request ids, and one JSON log line per
request. Plain ASGI and outermost, so it sees every answer — the gate's 401, 413 and 429 included.

A log line names the route's template, never the URL: no path value, no query string, no header, no body.

``/metrics`` needs a key like every route (a viewer's is enough; Prometheus sends it with
``authorization: {credentials_file: …}``), unless ``ALMA_API_METRICS_PUBLIC`` is true."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from alma.api.auth import services_of
from alma.api.problems import REQUEST_ID
from alma.bootstrap import Services
from alma.perimeter import caller_of
from alma.perimeter.credentials import header

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID_HEADER = b"x-request-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("alma.api")


class Metrics:
    """One registry per app, so two apps in one process (tests) never share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "alma_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "alma_http_request_duration_seconds", "HTTP request latency", ["method", "route"], registry=self.registry
        )


def _request_id(given: str | None) -> str:
    """The caller's id when it is a plain token (so it can be logged as is), else a new one."""
    return given if given and _SAFE_ID.match(given) else uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The route's template, not the URL (label values must stay few): path parameters put back as names."""
    if scope.get("route") is None:
        return "unmatched"
    by_value = {str(value): name for name, value in scope.get("path_params", {}).items()}
    return "/".join("{" + by_value[part] + "}" if part in by_value else part for part in scope["path"].split("/"))


class Observe:
    def __init__(self, app: App, metrics: Metrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        request_id = _request_id(header(scope, REQUEST_ID_HEADER))
        scope[REQUEST_ID] = request_id
        status = 500  # what it was if the application fails before answering
        accepted = False

        async def answered(message: Message) -> None:
            nonlocal status, accepted
            kind = message["type"]
            if kind in ("http.response.start", "websocket.http.response.start"):
                status = int(message["status"])
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, request_id.encode())]
            elif kind == "websocket.accept":
                accepted, status = True, 101
            elif kind == "websocket.close" and not accepted:
                status = 403
            await send(message)

        started = time.perf_counter()
        try:
            await self._app(scope, receive, answered)
        finally:
            elapsed = time.perf_counter() - started
            method = scope.get("method", "WEBSOCKET")
            route = route_template(scope)
            self._metrics.requests.labels(method, route, str(status)).inc()
            self._metrics.latency.labels(method, route).observe(elapsed)
            line = {"request_id": request_id, "method": method, "route": route, "status": status}
            log.info(json.dumps({**line, "ms": round(elapsed * 1000, 1)}))


def install(app: FastAPI) -> None:
    metrics = Metrics()
    app.state.metrics = metrics
    app.add_middleware(Observe, metrics=metrics)

    @app.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        """Any valid key may read them (the gate refused a request without one), unless
        ALMA_API_METRICS_PUBLIC made the path public."""
        services = services_of(request)
        caller = caller_of(request.scope)
        if caller is not None and not caller.may("read"):
            raise HTTPException(403, f"role {caller.role} may not read")
        await refresh_gauges(services)
        body = generate_latest(metrics.registry) + generate_latest(services.metrics.registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)


async def refresh_gauges(services: Services) -> None:
    """The gauges read from the database (shared by every replica and worker) at scrape time."""
    for status, count in (await services.stacks.deployment_counts()).items():
        services.metrics.deployments.labels(status).set(count)
    if services.jobs is not None:
        for status, count in (await services.jobs.depth()).items():
            services.metrics.queue_jobs.labels(status).set(count)
