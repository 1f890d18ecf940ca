"""The planner: refresh what exists through the engines, diff it with what is desired, and order the
resulting actions (creates and updates in dependency order, deletes in reverse dependency order).

What exists includes what an engine holds with ALMA's ownership marker for the stack but nobody recorded
(a create whose record was lost, a resource restored behind ALMA's back): engines that keep an
``Inventory`` are asked, and such a resource is deleted unless the blueprint names it (then it is adopted).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from alma.blueprint import topological_order
from alma.engines import Engine, FieldChange, Inventory, JSONDict, Observed, ResourceRef
from alma.planning.plan import PlannedAction

REFRESH_BATCH = 5000  # refs per read_many call, so an engine's list calls stay bounded


@dataclass(frozen=True, slots=True)
class DesiredResource:
    name: str
    type: str
    provider: str
    specs: JSONDict  # normalized by the provider's engine
    dependencies: tuple[str, ...] = ()


class RecordedResource(Protocol):
    """A resource as the store last recorded it (``store.ResourceRecord`` fits)."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def specs(self) -> dict[str, Any]: ...
    @property
    def dependencies(self) -> list[str]: ...


EngineLookup = Callable[[str], Engine]


async def refresh(
    stack: str, targets: Iterable[tuple[str, str, str]], engines: EngineLookup
) -> dict[str, Observed | None]:
    """Fresh reads of (name, type, provider) targets: one batch per provider and chunk."""
    by_provider: dict[str, list[ResourceRef]] = {}
    for name, rtype, provider in targets:
        by_provider.setdefault(provider, []).append(ResourceRef(stack, name, rtype))
    observed: dict[str, Observed | None] = {}
    for provider, refs in by_provider.items():
        engine = engines(provider)
        for start in range(0, len(refs), REFRESH_BATCH):
            chunk = refs[start : start + REFRESH_BATCH]
            found = await engine.read_many(chunk)
            for ref in chunk:
                observed[ref.name] = found.get(ref.key)
    return observed


@dataclass(frozen=True, slots=True)
class Unrecorded:
    """A resource an engine holds with ALMA's marker for the stack that is neither recorded nor desired."""

    name: str
    type: str
    provider: str


async def unrecorded(
    stack: str, providers: Iterable[str], known: Collection[str], engines: EngineLookup
) -> list[Unrecorded]:
    """What the engines of ``providers`` hold for ``stack`` under names not in ``known``: one per name
    (two kinds of object under one name cannot both be a resource of the stack: the first is taken)."""
    found: dict[str, Unrecorded] = {}
    for provider in sorted(set(providers)):
        engine = engines(provider)
        if not isinstance(engine, Inventory):
            continue
        for ref in await engine.owned(stack):
            if ref.name not in known and ref.name not in found:
                found[ref.name] = Unrecorded(ref.name, ref.type, provider)
    return list(found.values())


async def plan_actions(
    stack: str,
    desired: Sequence[DesiredResource],
    recorded: Sequence[RecordedResource],
    engines: EngineLookup,
) -> list[PlannedAction]:
    """The actions that take the stack from what exists now to ``desired``."""
    by_name = {r.name: r for r in desired}
    recorded_by_name = {r.name: r for r in recorded}
    providers = {r.provider for r in desired} | {r.provider for r in recorded}
    orphans = await unrecorded(stack, providers, by_name.keys() | recorded_by_name.keys(), engines)
    targets = [(r.name, r.type, r.provider) for r in desired]
    targets += [(r.name, r.type, r.provider) for r in recorded if r.name not in by_name]
    targets += [(r.name, r.type, r.provider) for r in orphans]
    # A resource whose type or provider changed is also read where it was, so it can be replaced.
    moved = [
        r
        for r in recorded
        if r.name in by_name and (r.type, r.provider) != (by_name[r.name].type, by_name[r.name].provider)
    ]
    observed = await refresh(stack, targets, engines)
    old_observed = await refresh(stack, [(r.name, r.type, r.provider) for r in moved], engines) if moved else {}

    actions: list[PlannedAction] = []
    order = topological_order({r.name: r.dependencies for r in desired})
    for name in order:
        resource = by_name[name]
        actions.append(
            _action_for(stack, resource, recorded_by_name.get(name), observed[name], old_observed.get(name), engines)
        )

    for orphan in orphans:  # nothing is known of what depends on them: they go first
        seen = observed[orphan.name]
        if seen is None:
            continue  # gone since it was listed
        actions.append(
            PlannedAction(
                resource=orphan.name,
                type=orphan.type,
                provider=orphan.provider,
                action="delete",
                before=seen.specs,
                after=None,
                external_id=seen.external_id,
                reason="carries ALMA's marker for this stack but was never recorded: it is removed",
            )
        )

    leaving = {r.name: r for r in recorded if r.name not in by_name}
    delete_order = topological_order({name: r.dependencies for name, r in leaving.items()})
    for name in reversed(delete_order):
        record = leaving[name]
        seen = observed[name]
        actions.append(
            PlannedAction(
                resource=name,
                type=record.type,
                provider=record.provider,
                action="delete",
                before=seen.specs if seen else None,
                after=None,
                dependencies=tuple(record.dependencies),
                external_id=seen.external_id if seen else None,
                reason="" if seen else "already absent; only its record is removed",
            )
        )
    return actions


def _action_for(
    stack: str,
    resource: DesiredResource,
    record: RecordedResource | None,
    observed: Observed | None,
    old_observed: Observed | None,
    engines: EngineLookup,
) -> PlannedAction:
    ref = ResourceRef(stack, resource.name, resource.type)
    if old_observed is not None and record is not None:
        was = f"{record.type}/{record.provider}"
        now = f"{resource.type}/{resource.provider}"
        return PlannedAction(
            resource.name,
            resource.type,
            resource.provider,
            "replace",
            old_observed.specs,
            resource.specs,
            (FieldChange("type/provider", was, now, True),),
            resource.dependencies,
            old_observed.external_id,
            reason=f"moves from {was} to {now}",
        )
    change = engines(resource.provider).diff(ref, resource.specs, observed)
    reason = ""
    if change.action == "create" and record is not None:
        reason = "recorded but no longer exists (drift): it will be created again"
    elif change.action != "create" and record is None:
        reason = "exists but was not recorded: it is adopted"
    action = change.action
    changes = change.fields
    if action == "noop" and record is None:
        action = "update"  # nothing to change, but it must be recorded: an update with no field changes
    if action == "noop" and record is not None and tuple(record.dependencies) != resource.dependencies:
        action = "update"  # only the recorded dependencies change; the engine has nothing to do
        changes = (FieldChange("dependencies", list(record.dependencies), list(resource.dependencies)),)
    return PlannedAction(
        resource.name,
        resource.type,
        resource.provider,
        action,
        observed.specs if observed else None,
        resource.specs,
        changes,
        resource.dependencies,
        observed.external_id if observed else None,
        reason,
    )
