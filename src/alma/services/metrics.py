"""Domain metrics: what the services do, counted where it happens (resource operations by engine and
outcome, apply durations, language-model calls). One registry per ``Services``, so every process — an API
replica, a worker — reports its own work, as Prometheus expects of replicas, and two sets of services in
one process (tests) never share counters. Gauges read from the database (deployments by status, the
queue's depth) are set by whoever serves the scrape."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from alma.lean_imports import PROMETHEUS_UNUSED, defer_package_bodies

defer_package_bodies(PROMETHEUS_UNUSED)  # counting needs neither the HTTP exposition nor default collectors

from prometheus_client.metrics import Counter, Gauge, Histogram  # noqa: E402
from prometheus_client.registry import CollectorRegistry  # noqa: E402

if TYPE_CHECKING:
    from alma.llm import LLMBackend, Message

_APPLY_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)
_LLM_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class DomainMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.resource_operations = Counter(
            "alma_resource_operations_total",
            "Resource operations finished, by engine, action and outcome",
            ["engine", "action", "outcome"],
            registry=self.registry,
        )
        self.apply_duration = Histogram(
            "alma_apply_duration_seconds",
            "Wall time of applies (deployments), by plan kind and final status",
            ["kind", "status"],
            buckets=_APPLY_BUCKETS,
            registry=self.registry,
        )
        self.llm_latency = Histogram(
            "alma_llm_request_duration_seconds",
            "Language-model calls, by operation (complete, stream) and outcome (ok, error, stopped)",
            ["operation", "outcome"],
            buckets=_LLM_BUCKETS,
            registry=self.registry,
        )
        self.deployments = Gauge("alma_deployments", "Deployments by status", ["status"], registry=self.registry)
        self.queue_jobs = Gauge(
            "alma_queue_jobs",
            "Jobs in the deployment queue by status (todo = depth)",
            ["status"],
            registry=self.registry,
        )


class ObservedLLM:
    """An ``LLMBackend`` that times every call of the backend it wraps into ``alma_llm_request_duration``."""

    def __init__(self, backend: LLMBackend, metrics: DomainMetrics) -> None:
        self.backend = backend
        self._latency = metrics.llm_latency

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        json_schema: Mapping[str, Any] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> str:
        started = time.perf_counter()
        outcome = "error"
        try:
            answer = await self.backend.complete(
                messages, json_schema=json_schema, temperature=temperature, max_tokens=max_tokens
            )
            outcome = "ok"
            return answer
        finally:
            self._latency.labels("complete", outcome).observe(time.perf_counter() - started)

    async def stream(
        self,
        messages: Sequence[Message],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> AsyncGenerator[str, None]:
        started = time.perf_counter()
        outcome = "error"
        pieces = self.backend.stream(messages, temperature=temperature, max_tokens=max_tokens)
        try:
            async for piece in pieces:
                yield piece
            outcome = "ok"
        except GeneratorExit:  # the caller stopped reading early
            outcome = "stopped"
            raise
        finally:
            await pieces.aclose()
            self._latency.labels("stream", outcome).observe(time.perf_counter() - started)

    async def aclose(self) -> None:
        await self.backend.aclose()
