"""The engine contract: how ALMA reads and changes one kind of infrastructure.

Read, diff and apply are separate calls (as in Terraform's provider protocol): ``read`` never mutates,
``diff`` is pure, and ``apply`` does exactly the change it is given.

Failure semantics every engine must honour (the contract suite checks them):
- if ``apply`` of a create fails, the resource must not have been created (or it carries the
  ownership marker so a retried create adopts it instead of duplicating it);
- if ``apply`` of a delete fails, the resource is assumed to still exist;
- only ``EngineError`` subclasses escape an engine: ``TransientEngineError`` when a retry may help.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from alma.diagnostics import Diagnostic
from alma.settings import Settings

Action = Literal["create", "update", "replace", "delete", "noop"]
ACTIONS: tuple[Action, ...] = ("create", "update", "replace", "delete", "noop")
JSONDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """Identifies one resource of one stack; engines derive their own ids and ownership markers from it."""

    stack: str
    name: str
    type: str

    @property
    def key(self) -> str:
        return f"{self.stack}/{self.name}"


@dataclass(frozen=True, slots=True)
class Observed:
    """What an engine reads back: normalized specs (comparable with desired specs) and facts."""

    ref: ResourceRef
    specs: JSONDict
    status: str
    external_id: str
    facts: JSONDict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FieldChange:
    path: str
    before: Any
    after: Any
    forces_replace: bool = False

    def as_json(self) -> JSONDict:
        return {
            "path": self.path,
            "before": self.before,
            "after": self.after,
            "forces_replace": self.forces_replace,
        }


@dataclass(frozen=True, slots=True)
class Change:
    """One planned change of one resource. ``desired`` is None for a delete; ``observed`` None for a create."""

    action: Action
    ref: ResourceRef
    desired: JSONDict | None
    observed: Observed | None
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    detail: str


class KeyValueStore(Protocol):
    """Durable key/value records an engine may keep (the fake keeps its whole world here)."""

    async def load_all(self) -> dict[str, JSONDict]: ...
    async def put(self, key: str, value: JSONDict) -> None: ...
    async def delete(self, key: str) -> None: ...


@dataclass(frozen=True, slots=True)
class EngineContext:
    """What the composition root hands an engine factory: settings, and durable storage by namespace."""

    settings: Settings
    storage: Callable[[str], KeyValueStore]


class Engine(Protocol):
    name: ClassVar[str]
    resource_types: ClassVar[frozenset[str]]

    def check(self, resource_type: str, specs: Mapping[str, Any]) -> list[Diagnostic]:
        """Pure spec validation; diagnostic paths are relative to ``specs``."""
        ...

    def normalize(self, resource_type: str, specs: Mapping[str, Any]) -> JSONDict:
        """Specs in canonical form (units, defaults). Only called when ``check`` found no error."""
        ...

    async def read(self, ref: ResourceRef) -> Observed | None:
        """The resource as it is now, or None when absent. Never mutates."""
        ...

    async def read_many(self, refs: list[ResourceRef]) -> dict[str, Observed | None]:
        """Fresh reads of many resources, keyed by ``ref.key``: how planning refreshes. Engines answer
        with as few remote calls as they can (one list call rather than one call per resource)."""
        ...

    def diff(self, ref: ResourceRef, desired: JSONDict | None, observed: Observed | None) -> Change:
        """Pure: the change that turns ``observed`` into ``desired``."""
        ...

    async def apply(self, change: Change) -> Observed | None:
        """Do exactly ``change``; return what now exists (None after a delete)."""
        ...

    async def health(self) -> Health: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class Readiness(Protocol):
    """Optional: an engine that can tell whether a resource is ready to serve (port open, healthy)."""

    async def ready(self, ref: ResourceRef) -> str | None:
        """None when ready; otherwise what is wrong, in words."""
        ...


@runtime_checkable
class Adopter(Protocol):
    """Optional: an engine that can take ownership of something that exists (``alma import``)."""

    async def adopt(self, ref: ResourceRef, node: str, vmid: int) -> Observed: ...


@runtime_checkable
class Inventory(Protocol):
    """Optional: an engine that can list what carries ALMA's ownership marker for a stack — recorded or
    not. Drift reports the unrecorded ones ("unmanaged but labelled") and a plan removes them."""

    async def owned(self, stack: str) -> list[ResourceRef]:
        """Every resource of ``stack`` the engine holds with ALMA's marker, one ref per resource."""
        ...


@runtime_checkable
class SpecVocabulary(Protocol):
    """Optional: the spellings an engine reads as its spec keys (``cpu`` for ``cores``), and its keys.

    The loader renames an alias to its key before ``check`` sees the specs, so ``check``, ``normalize``
    and everything after them only ever see canonical keys."""

    def spec_aliases(self, resource_type: str, specs: Mapping[str, Any]) -> Mapping[str, str]:
        """Alias -> canonical key, for a resource of this type with these specs (as written)."""
        ...

    def spec_keys(self, resource_type: str, specs: Mapping[str, Any]) -> frozenset[str]:
        """The canonical keys a resource of this type with these specs may have (none for unknown types)."""
        ...


@dataclass(frozen=True, slots=True)
class PreflightIssue:
    """Something that would make a planned change fail, found before anything runs."""

    resource: str
    message: str
    fixable: bool
    data: JSONDict = field(default_factory=dict)  # what ``fix`` needs; JSON so workflows can checkpoint it


@runtime_checkable
class Preflight(Protocol):
    """Optional: an engine that can look for problems before an apply, and fix some (self-heal)."""

    async def preflight(self, changes: list[Change]) -> list[PreflightIssue]: ...

    async def fix(self, issue: PreflightIssue) -> str:
        """Fix a fixable issue; return what was done, in words. Raises EngineError when it cannot."""
        ...


EngineFactory = Callable[[EngineContext], Engine]
