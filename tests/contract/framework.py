"""The contract framework: what one engine implementation provides to the shared contract suite.

An engine joins the suite with a module ``tests/contract/backends_<name>.py`` that exports
``BACKENDS: dict[str, Builder]``; every such module is discovered by ``test_engine_contract.py``.
A builder is an async context manager that yields an ``EngineBackend`` able to build the engine (healthy,
or with injected faults), to close and reopen whatever holds its world, and that names sample resources
for the engine's own resource types.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from alma.engines import Engine, JSONDict, ResourceRef

STACK = "contract"


@dataclass(frozen=True)
class Sample:
    """A resource of one type: specs to create it with, specs an update changes in place, and specs
    that force a replacement (an immutable field changed, or a disk shrunk), keyed by what they show."""

    type: str
    specs: JSONDict
    in_place: JSONDict
    replacing: dict[str, JSONDict]


@dataclass(frozen=True)
class BadSpecs:
    """Specs ``check`` must refuse, and the diagnostic paths it must name."""

    type: str
    specs: JSONDict
    paths: frozenset[str]


class MakeEngine(Protocol):
    def __call__(
        self,
        *,
        fail_resources: frozenset[str] = frozenset(),
        fail_rate: float = 0.0,
        permanent_fail_rate: float = 0.0,
    ) -> Engine: ...


@dataclass
class EngineBackend:
    """What the contract needs from one engine implementation."""

    make_engine: MakeEngine
    reopen: Callable[[], Awaitable[None]]  # close what holds the world and open it again
    samples: tuple[Sample, ...]
    bad_specs: tuple[BadSpecs, ...]
    unknown_type: str

    def ref(self, name: str, sample: Sample) -> ResourceRef:
        return ResourceRef(STACK, name, sample.type)


Builder = Callable[[Path], AbstractAsyncContextManager[EngineBackend]]
