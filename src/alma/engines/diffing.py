"""Field-by-field comparison of normalized specs, shared by engines so every engine diffs alike."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from alma.engines.base import Action, Change, FieldChange, JSONDict, Observed, ResourceRef

ReplaceRule = Callable[[str, Any, Any], bool]


def diff_specs(
    ref: ResourceRef,
    desired: JSONDict | None,
    observed: Observed | None,
    *,
    immutable: Collection[str] = (),
    forces_replace: ReplaceRule | None = None,
) -> Change:
    """Create when absent, delete when undesired, otherwise update or replace per changed field.

    A field in ``immutable``, or one ``forces_replace(key, before, after)`` says so, makes it a replace.
    """
    if desired is None:
        action: Action = "delete" if observed is not None else "noop"
        return Change(action, ref, None, observed)
    if observed is None:
        return Change("create", ref, desired, None)  # the desired specs say it all; no per-field list
    changes: list[FieldChange] = []
    for key in sorted(desired.keys() | observed.specs.keys()):
        before, after = observed.specs.get(key), desired.get(key)
        if before != after:
            replace = key in immutable or (forces_replace is not None and forces_replace(key, before, after))
            changes.append(FieldChange(key, before, after, replace))
    if not changes:
        return Change("noop", ref, desired, observed)
    action = "replace" if any(c.forces_replace for c in changes) else "update"
    return Change(action, ref, desired, observed, tuple(changes))
