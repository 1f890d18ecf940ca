"""Prometheus metrics (HTTP by route template here; the domain's from the services: resource operations,
apply durations, LLM latency, deployments by status, queue depth) and per-key rate limits."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from alma.api import problems
from alma.api.auth import services_of
from alma.bootstrap import Services


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


class RateLimiter:
    """A token bucket per key: ``per_minute`` requests, refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self._rate = per_minute / 60.0
        self._capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        tokens, at = self._buckets.get(key, (self._capacity, now))
        tokens = min(self._capacity, tokens + (now - at) * self._rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True


REQUEST_ID = "x-request-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
log = logging.getLogger("alma.api")


def _request_id(given: str | None) -> str:
    """The caller's id when it is a plain token (so it can be logged as is), else a new one."""
    return given if given and _SAFE_ID.match(given) else uuid.uuid4().hex


def _route_template(request: Request) -> str:
    """The route's template, not the URL (label values must stay few): path parameters put back as names."""
    if request.scope.get("route") is None:
        return "unmatched"
    parts = request.url.path.split("/")
    by_value = {str(value): name for name, value in request.path_params.items()}
    return "/".join("{" + by_value[part] + "}" if part in by_value else part for part in parts)


def install(app: FastAPI, per_minute: int) -> None:
    metrics = Metrics()
    limiter = RateLimiter(per_minute)
    app.state.metrics = metrics

    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_id = _request_id(request.headers.get(REQUEST_ID))
        key = request.headers.get("x-api-key") or request.headers.get("authorization")
        if key and not limiter.allow(key):
            refused = problems.problem(
                429, "Too many requests", f"more than {per_minute} requests a minute for this key"
            )
            refused.headers[REQUEST_ID] = request_id
            return refused
        started = time.perf_counter()
        response = await call_next(request)
        elapsed = time.perf_counter() - started
        route = _route_template(request)
        metrics.requests.labels(request.method, route, str(response.status_code)).inc()
        metrics.latency.labels(request.method, route).observe(elapsed)
        response.headers[REQUEST_ID] = request_id
        # One structured line per request; never a key or a body.
        log.info(
            json.dumps(
                {
                    "request_id": request_id,
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "ms": round(elapsed * 1000, 1),
                }
            )
        )
        return response

    @app.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        services = services_of(request)
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
