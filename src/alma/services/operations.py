"""Operations on one resource — start, stop, restart, scale, remove, resize — as plans built from recorded state.

The desired state is the stack as recorded with one resource changed (its ``start`` or ``replicas``
setting, its sizes, or the resource left out): no blueprint text is written, parsed or stored, and the plan keeps the
desired resources so it can be planned again. Every surface (CLI, API, MCP, chat) plans operations here
and applies them through the one run use case, like any other plan.

Engines have no restart action: restarting a running resource is a stop plan now and a start plan once
the stop ran (``then``); restarting a stopped one is a start.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from alma.diagnostics import did_you_mean
from alma.engines import EngineRegistry, SpecVocabulary
from alma.errors import BlueprintInvalidError, InvalidInputError, NotFoundError
from alma.planning import DesiredResource, Plan
from alma.services.holders import holder_of
from alma.services.plans import PlanService
from alma.store import ResourceRecord, Store

Operation = Literal["start", "stop", "restart", "scale", "remove"]
OPERATIONS: tuple[Operation, ...] = ("start", "stop", "restart", "scale", "remove")


@dataclass(frozen=True, slots=True)
class OperationPlan:
    plan: Plan
    then: Operation | None = None  # what to plan once this one ran (a restart: start after the stop)


class OperationService:
    def __init__(self, store: Store, engines: EngineRegistry, plans: PlanService) -> None:
        self._store = store
        self._engines = engines
        self._plans = plans

    async def plan(
        self, stack: str, resource: str, operation: Operation, *, replicas: int | None = None
    ) -> OperationPlan:
        """The plan that carries out ``operation`` on ``stack/resource``, from the recorded state."""
        records, target = await self._recorded(stack, resource)
        overrides: dict[str, object] = {}
        then: Operation | None = None
        drop = False
        if operation in ("start", "stop", "restart"):
            if "start" not in target.specs and not self._has_setting(target, "start"):
                raise InvalidInputError(
                    f"{stack}/{resource} is a {target.provider} {target.type}, which has no `start` setting: it "
                    "cannot be started, stopped or restarted"
                )
            # Recorded before its engine had `start` (Docker containers did not), it was made to run.
            running = target.specs.get("start", True) is not False
            start = operation == "start" or (operation == "restart" and not running)
            overrides["start"] = start
            then = "start" if operation == "restart" and running else None
        elif operation == "scale":
            if "replicas" not in target.specs:
                raise InvalidInputError(
                    f"{stack}/{resource} is a {target.provider} {target.type}, which has no `replicas` setting: "
                    "only services with replicas can be scaled"
                )
            if replicas is None or replicas < 0:
                raise InvalidInputError(f"scaling {stack}/{resource} needs a number of replicas (0 or more)")
            overrides["replicas"] = replicas
        else:
            needing = sorted(r.name for r in records if resource in r.dependencies)
            if needing:
                raise InvalidInputError(
                    f"{', '.join(needing)} depend(s) on {resource}; remove those first, or destroy the stack '{stack}'"
                )
            drop = True
        meta: dict[str, object] = {"operation": operation, "resource": resource}
        if replicas is not None:
            meta["replicas"] = replicas
        return OperationPlan(await self._planned(stack, records, resource, overrides, meta, drop=drop), then)

    async def resize(self, stack: str, resource: str, sizes: Mapping[str, object]) -> OperationPlan:
        """The plan that sets ``sizes`` (settings of the resource's spec such as ``cores``, ``memory``,
        ``disk``) on ``stack/resource``, from the recorded state; its engine checks them as a blueprint's."""
        records, _ = await self._recorded(stack, resource)
        if not sizes:
            raise InvalidInputError(f"resizing {stack}/{resource} needs at least one setting to change")
        meta: dict[str, object] = {"operation": "resize", "resource": resource, "sizes": dict(sizes)}
        return OperationPlan(await self._planned(stack, records, resource, dict(sizes), meta))

    def _has_setting(self, record: ResourceRecord, key: str) -> bool:
        """Whether the resource's engine has ``key`` for it, though the record (an older one) may lack it."""
        engine = self._engines.get(record.provider)
        return isinstance(engine, SpecVocabulary) and key in engine.spec_keys(record.type, record.specs)

    async def locate(self, resource: str) -> tuple[str, str]:
        """The stack and name of the resource ``resource`` names (``alma stop web-01``: people name the
        resource, not its stack); ``STACK/RESOURCE`` names both. Refused, naming them, when several stacks
        hold one of that name."""
        if "/" in resource:
            stack, _, name = resource.partition("/")
            await self._recorded(stack, name)
            return stack, name
        every = await self._store.stacks.resources()
        holder = holder_of(resource, every, "{stack} {name}")
        if holder is None:
            if resource in {r.stack for r in every}:
                raise InvalidInputError(
                    f"'{resource}' is a stack: name one of its resources too (`{resource} RESOURCE`)"
                )
            names = sorted({r.name for r in every})
            raise NotFoundError(f"no stack has a resource named '{resource}'{did_you_mean(resource, names)}")
        return holder, resource

    async def _recorded(self, stack: str, resource: str) -> tuple[list[ResourceRecord], ResourceRecord]:
        records = await self._store.stacks.resources(stack)
        if not records:
            known = [s.name for s in await self._store.stacks.summaries()]
            raise NotFoundError(f"no stack named '{stack}' with resources{did_you_mean(stack, known)}")
        target = next((r for r in records if r.name == resource), None)
        if target is None:
            names = [r.name for r in records]
            raise NotFoundError(f"stack '{stack}' has no resource '{resource}'{did_you_mean(resource, names)}")
        return records, target

    async def _planned(
        self,
        stack: str,
        records: list[ResourceRecord],
        resource: str,
        overrides: dict[str, object],
        meta: dict[str, object],
        *,
        drop: bool = False,
    ) -> Plan:
        kept = [r for r in records if not (drop and r.name == resource)]
        desired = [self._desired(r, overrides if r.name == resource else {}) for r in kept]
        return await self._plans.plan_operation(stack, desired, meta)

    def _desired(self, record: ResourceRecord, overrides: dict[str, object]) -> DesiredResource:
        specs = {**record.specs, **overrides}
        if overrides:  # the changed spec is checked and normalized by its engine, as a blueprint's would be
            engine = self._engines.get(record.provider)
            problems = [d for d in engine.check(record.type, specs) if d.severity == "error"]
            if problems:
                raise BlueprintInvalidError([d.under(f"{record.name}.specs") for d in problems])
            specs = engine.normalize(record.type, specs)
        return DesiredResource(record.name, record.type, record.provider, specs, tuple(record.dependencies))
