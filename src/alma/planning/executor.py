"""Apply: walk a plan's dependency graph with bounded parallelism, exactly as planned.

Each action starts as soon as the actions it depends on are done, within a global limit and a
per-provider limit. Transient engine errors are retried with exponential backoff and jitter; a
permanent failure stops the dispatch of new work while in-flight work finishes. Every action is
verified by reading the resource back: an engine that reports success but reads back something
else is reported as a bug in that engine.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from alma.engines import Change, Engine, Observed, ResourceRef
from alma.errors import EngineError, EngineMismatchError, TransientEngineError
from alma.planning.plan import PlannedAction

OutcomeStatus = Literal["succeeded", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    base_delay_s: float = 0.2
    max_delay_s: float = 10.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with jitter: half fixed, half random, so retries spread out."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2 ** (attempt - 1)))
        return rng.uniform(ceiling / 2, ceiling)


@dataclass(slots=True)
class Outcome:
    action: PlannedAction
    status: OutcomeStatus
    observed: Observed | None = None
    error: str | None = None
    attempts: int = 0
    elapsed_s: float = 0.0


@dataclass(slots=True)
class ExecutionResult:
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    elapsed_s: float = 0.0

    @property
    def succeeded(self) -> bool:
        return all(o.status == "succeeded" for o in self.outcomes.values())

    def count(self, status: OutcomeStatus) -> int:
        return sum(1 for o in self.outcomes.values() if o.status == status)


class DispatchGuard(Protocol):
    """Asked before work is dispatched: False stops dispatching (the holder lost the stack's lock)."""

    async def still_held(self) -> bool: ...


class ExecutionObserver(Protocol):
    """Told about every transition, in order, from the event loop thread."""

    def started(self, action: PlannedAction, attempt: int) -> None: ...
    def retrying(self, action: PlannedAction, attempt: int, error: EngineError, delay_s: float) -> None: ...
    def finished(self, outcome: Outcome) -> None: ...


def execution_graph(actions: Sequence[PlannedAction]) -> dict[str, set[str]]:
    """For each action that does something, the names of the actions that must finish first."""
    active = {a.resource: a for a in actions if a.action != "noop"}
    waits: dict[str, set[str]] = {name: set() for name in active}
    for name, action in active.items():
        if action.action == "delete":
            continue
        waits[name].update(dep for dep in action.dependencies if dep in active and active[dep].action != "delete")
    # A resource is deleted only after everything that depended on it is deleted.
    for name, action in active.items():
        if action.action == "delete":
            for dep in action.dependencies:
                if dep in active and active[dep].action == "delete":
                    waits[dep].add(name)
    return waits


class Executor:
    def __init__(
        self,
        stack: str,
        engines: Callable[[str], Engine],
        *,
        parallelism: int = 10,
        provider_parallelism: dict[str, int] | None = None,
        retry: RetryPolicy | None = None,
        observer: ExecutionObserver | None = None,
        rng: random.Random | None = None,
        guard: DispatchGuard | None = None,
    ) -> None:
        self._stack = stack
        self._engines = engines
        self._parallelism = parallelism
        self._limits = provider_parallelism or {}
        self._retry = retry or RetryPolicy()
        self._observer = observer
        self._rng = rng or random.Random()
        self._guard = guard
        self._stopping = False
        self._stop_reason = "an earlier action failed permanently"

    async def run(self, actions: Sequence[PlannedAction]) -> ExecutionResult:
        """Dispatch ready actions while slots are free; on each completion, record it, release its
        dependents, and dispatch again. One loop owns the slots, so a permanent failure is seen
        before anything else is dispatched, and observers hear every transition in order."""
        started = time.perf_counter()
        result = ExecutionResult()
        by_name = {a.resource: a for a in actions}
        waits = execution_graph(actions)
        dependents: dict[str, list[str]] = {name: [] for name in waits}
        for name, deps in waits.items():
            for dep in deps:
                dependents[dep].append(name)
        remaining = {name: len(deps) for name, deps in waits.items()}
        ready: deque[str] = deque(name for name, count in remaining.items() if count == 0)
        in_flight: dict[asyncio.Task[Outcome], str] = {}
        per_provider: dict[str, int] = {}
        loop = asyncio.get_running_loop()

        def dispatch() -> None:
            held_back: list[str] = []
            while ready and len(in_flight) < self._parallelism and not self._stopping:
                name = ready.popleft()
                provider = by_name[name].provider
                limit = self._limits.get(provider)
                if limit is not None and per_provider.get(provider, 0) >= limit:
                    held_back.append(name)  # its provider is at its limit: it keeps its place in line
                    continue
                per_provider[provider] = per_provider.get(provider, 0) + 1
                in_flight[loop.create_task(self._attempt(by_name[name]))] = name
            ready.extendleft(reversed(held_back))

        async def guarded_dispatch() -> None:
            if ready and not self._stopping and self._guard is not None and not await self._guard.still_held():
                self._stopping = True
                self._stop_reason = "the stack's lock was lost"
            dispatch()

        await guarded_dispatch()
        try:
            while in_flight:
                done, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    name = in_flight.pop(task)
                    outcome = task.result()
                    per_provider[outcome.action.provider] -= 1
                    result.outcomes[name] = outcome
                    if outcome.status == "failed":
                        self._stopping = True
                    if self._observer:
                        self._observer.finished(outcome)
                    for child in dependents[name]:
                        remaining[child] -= 1
                        if remaining[child] == 0:
                            ready.append(child)
                await guarded_dispatch()
        except asyncio.CancelledError:
            # Cancelled from outside: stop the engine calls too, rather than leave them running unowned.
            for task in in_flight:
                task.cancel()
            await asyncio.gather(*in_flight, return_exceptions=True)
            raise
        for name, action in by_name.items():
            if name in waits and name not in result.outcomes:  # never dispatched
                lock_lost = self._stop_reason != "an earlier action failed permanently"
                reason = self._stop_reason if name in ready or lock_lost else "a dependency failed"
                skipped = Outcome(action, "skipped", error=f"not started: {reason}")
                result.outcomes[name] = skipped
                if self._observer:
                    self._observer.finished(skipped)
        result.elapsed_s = time.perf_counter() - started
        return result

    async def _attempt(self, action: PlannedAction) -> Outcome:
        started = time.perf_counter()
        attempt = 0
        while True:
            attempt += 1
            if self._observer:
                self._observer.started(action, attempt)
            try:
                observed = await self._perform(action)
                return Outcome(action, "succeeded", observed, attempts=attempt, elapsed_s=time.perf_counter() - started)
            except TransientEngineError as exc:
                if attempt >= self._retry.attempts:
                    message = f"{exc} (gave up after {attempt} attempts)"
                    return Outcome(
                        action,
                        "failed",
                        error=message,
                        attempts=attempt,
                        elapsed_s=time.perf_counter() - started,
                    )
                delay = self._retry.delay(attempt, self._rng)
                if self._observer:
                    self._observer.retrying(action, attempt, exc, delay)
                await asyncio.sleep(delay)  # the backoff itself
            except EngineError as exc:
                return Outcome(
                    action,
                    "failed",
                    error=str(exc),
                    attempts=attempt,
                    elapsed_s=time.perf_counter() - started,
                )

    async def _perform(self, action: PlannedAction) -> Observed | None:
        engine = self._engines(action.provider)
        change = action.change(self._stack)
        moved = next((c for c in action.changes if c.path == "type/provider"), None)
        if moved is not None and isinstance(moved.before, str):
            old_type, old_provider = moved.before.split("/", 1)
            old_ref = ResourceRef(self._stack, action.resource, old_type)
            await self._engines(old_provider).apply(Change("delete", old_ref, None, change.observed))
            change = Change("create", change.ref, action.after, None, action.changes)
        await engine.apply(change)
        return await self._verify(engine, action, change.ref)

    async def _verify(self, engine: Engine, action: PlannedAction, ref: ResourceRef) -> Observed | None:
        """Read back what the engine claims to have done; a difference is the engine's bug."""
        actual = await engine.read(ref)
        if action.action == "delete":
            if actual is not None:
                raise EngineMismatchError(
                    f"the {engine.name} engine reported {action.resource} deleted, but it still exists: "
                    "this is a bug in the engine",
                    resource=action.resource,
                )
            return None
        check = engine.diff(ref, action.after, actual)
        if check.action != "noop":
            detail = ", ".join(f"{c.path}: wanted {c.after!r}, got {c.before!r}" for c in check.fields) or "absent"
            raise EngineMismatchError(
                f"the {engine.name} engine reported {action.action} of {action.resource} done, but reads back "
                f"something else ({detail}): this is a bug in the engine",
                resource=action.resource,
            )
        return actual
