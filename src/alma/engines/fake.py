"""The fake provider: a real, stateful engine whose "infrastructure" is a persisted map of objects.

It behaves like a remote API: mutations take ``ALMA_FAKE_LATENCY_MS`` and fail on purpose at
``ALMA_FAKE_FAIL_RATE`` (transient) and ``ALMA_FAKE_PERMANENT_FAIL_RATE`` (permanent), or always for
the names in ``ALMA_FAKE_FAIL_RESOURCES``. Reads are served from memory without latency, as a real
engine would use a list call and a cache; the latency models the slow part, the mutation.

Faults are raised before anything changes, so a failed create leaves nothing behind and a failed
delete leaves the object in place. A create that finds its object already there adopts it (every
object is keyed by stack and name: that key is the ownership marker).

A ``service`` is a workload or a load balancer (``fake_specs``); a load balancer is ready when every
backend it names exists.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from alma.diagnostics import Diagnostic
from alma.engines.base import (
    Change,
    Engine,
    EngineContext,
    Health,
    Inventory,
    JSONDict,
    KeyValueStore,
    Observed,
    Readiness,
    ResourceRef,
    SpecVocabulary,
)
from alma.engines.diffing import diff_specs
from alma.engines.fake_specs import IMMUTABLE, SPEC_MODELS, forces_replace, spec_model
from alma.engines.specs import SpecModel, check_spec
from alma.errors import PermanentEngineError, TransientEngineError

__all__ = ["IMMUTABLE", "SPEC_MODELS", "FakeEngine", "create_engine"]  # the spec models live in fake_specs


class FakeEngine:
    name: ClassVar[str] = "fake"
    resource_types: ClassVar[frozenset[str]] = frozenset(SPEC_MODELS)

    def __init__(
        self,
        world: KeyValueStore,
        *,
        latency_ms: float = 0.0,
        fail_rate: float = 0.0,
        permanent_fail_rate: float = 0.0,
        fail_resources: frozenset[str] = frozenset(),
        unhealthy_resources: frozenset[str] = frozenset(),
        seed: int | None = None,
    ) -> None:
        self._world = world
        self._objects: dict[str, JSONDict] | None = None
        self._loading = asyncio.Lock()
        self._latency_s = latency_ms / 1000
        self._fail_rate = fail_rate
        self._permanent_fail_rate = permanent_fail_rate
        self._fail_resources = fail_resources
        self._unhealthy = unhealthy_resources
        self._random = random.Random(seed)
        self._last_checked: tuple[str, dict[str, Any], SpecModel | None] = ("", {}, None)

    def check(self, resource_type: str, specs: Mapping[str, Any]) -> list[Diagnostic]:
        model = spec_model(resource_type, specs)
        if model is None:
            return [Diagnostic(f"the fake provider has no resource type '{resource_type}'")]
        validated, diagnostics = check_spec(model, specs)
        if resource_type == "compute" and specs.get("image") and specs.get("template"):
            diagnostics.append(Diagnostic("give 'image' or 'template', not both", "template"))
        # normalize() is usually called next with equal specs: keep the result instead of validating twice.
        self._last_checked = (resource_type, dict(specs), validated)
        return diagnostics

    def normalize(self, resource_type: str, specs: Mapping[str, Any]) -> JSONDict:
        checked_type, checked_specs, validated = self._last_checked
        if validated is None or checked_type != resource_type or checked_specs != specs:
            model = spec_model(resource_type, specs)
            assert model is not None, f"normalize() of an unchecked type {resource_type!r}"
            validated = model.model_validate(specs)
        return validated.model_dump()

    def spec_aliases(self, resource_type: str, specs: Mapping[str, Any]) -> Mapping[str, str]:
        model = spec_model(resource_type, specs)
        return model.aliases() if model is not None else {}

    def spec_keys(self, resource_type: str, specs: Mapping[str, Any]) -> frozenset[str]:
        model = spec_model(resource_type, specs)
        return frozenset(model.model_fields) if model is not None else frozenset()

    async def _objects_now(self) -> dict[str, JSONDict]:
        if self._objects is None:
            async with self._loading:
                if self._objects is None:
                    self._objects = await self._world.load_all()
        return self._objects

    async def read(self, ref: ResourceRef) -> Observed | None:
        record = (await self._objects_now()).get(ref.key)
        if record is None or record["type"] != ref.type:
            return None
        return _observed(ref, record)

    async def read_many(self, refs: list[ResourceRef]) -> dict[str, Observed | None]:
        # Planning must see changes made by other processes: reload the world in one query.
        async with self._loading:
            self._objects = await self._world.load_all()
        return {ref.key: await self.read(ref) for ref in refs}

    async def owned(self, stack: str) -> list[ResourceRef]:
        """Every object keyed under ``stack`` (the key is the fake's ownership marker), as it is now."""
        async with self._loading:
            self._objects = await self._world.load_all()
        prefix = f"{stack}/"
        return [
            ResourceRef(stack, key[len(prefix) :], record["type"])
            for key, record in sorted(self._objects.items())
            if key.startswith(prefix)
        ]

    def diff(self, ref: ResourceRef, desired: JSONDict | None, observed: Observed | None) -> Change:
        return diff_specs(ref, desired, observed, immutable=IMMUTABLE.get(ref.type, ()), forces_replace=forces_replace)

    async def apply(self, change: Change) -> Observed | None:
        objects = await self._objects_now()
        ref = change.ref
        if self._latency_s:
            await asyncio.sleep(self._latency_s)  # the simulated remote call
        self._inject_fault(change)
        if change.action == "noop":
            return await self.read(ref)
        if change.action == "delete":
            if ref.key in objects:
                await self._world.delete(ref.key)
                (await self._objects_now()).pop(ref.key, None)
            return None
        if change.desired is None:
            raise PermanentEngineError(f"{change.action} of {ref.name} carries no desired specs", resource=ref.name)
        existing = objects.get(ref.key)
        if change.action == "update" and existing is None:
            raise PermanentEngineError(f"cannot update {ref.name}: it does not exist", resource=ref.name)
        keep_id = existing is not None and change.action != "replace"
        record: JSONDict = {
            "type": ref.type,
            "specs": dict(change.desired),
            "id": existing["id"]
            if keep_id and existing
            else f"fake-{uuid.UUID(int=self._random.getrandbits(128)).hex[:12]}",
            "generation": (existing["generation"] + 1) if keep_id and existing else 1,
        }
        await self._world.put(ref.key, record)
        (await self._objects_now())[ref.key] = record  # the current map: a refresh may have replaced it
        return _observed(ref, record)

    def _inject_fault(self, change: Change) -> None:
        name = change.ref.name
        if name in self._fail_resources:
            raise PermanentEngineError(f"injected permanent fault on {name} ({change.action})", resource=name)
        if self._permanent_fail_rate and self._random.random() < self._permanent_fail_rate:
            raise PermanentEngineError(f"injected permanent fault on {name} ({change.action})", resource=name)
        if self._fail_rate and self._random.random() < self._fail_rate:
            raise TransientEngineError(f"injected transient fault on {name} ({change.action})", resource=name)

    async def ready(self, ref: ResourceRef) -> str | None:
        """Readiness as a health check would see it; names in ALMA_FAKE_UNHEALTHY_RESOURCES fail it."""
        observed = await self.read(ref)
        if observed is None:
            return f"{ref.name} does not exist"
        if ref.name in self._unhealthy:
            return f"{ref.name} failed its health check (injected)"
        objects = await self._objects_now()
        missing = [b for b in observed.specs.get("backends") or [] if f"{ref.stack}/{b}" not in objects]
        if missing:
            return f"{ref.name} balances to {', '.join(missing)}, which the stack does not have"
        return None

    async def health(self) -> Health:
        objects = await self._objects_now()
        return Health(True, f"fake provider holds {len(objects)} objects")

    async def aclose(self) -> None:
        self._objects = None


def _observed(ref: ResourceRef, record: JSONDict) -> Observed:
    specs = record["specs"]
    running = specs.get("start", True) and (ref.type != "service" or specs.get("replicas", 1) > 0)
    status = ("running" if running else "stopped") if ref.type in ("compute", "service") else "available"
    return Observed(ref, dict(specs), status, record["id"], {"generation": record["generation"]})


def create_engine(context: EngineContext) -> Engine:
    """Entry point ``alma.engines: fake``."""
    settings = context.settings
    return FakeEngine(
        context.storage("fake"),
        latency_ms=settings.fake_latency_ms,
        fail_rate=settings.fake_fail_rate,
        permanent_fail_rate=settings.fake_permanent_fail_rate,
        fail_resources=frozenset(settings.fake_fail_resources),
        unhealthy_resources=frozenset(settings.fake_unhealthy_resources),
        seed=settings.fake_seed,
    )


_: type[Engine] = FakeEngine
_ready: type[Readiness] = FakeEngine
_inventory: type[Inventory] = FakeEngine
_vocabulary: type[SpecVocabulary] = FakeEngine
