"""Use cases every surface calls. Surfaces receive these from ``bootstrap.build``.

The store's read records are re-exported here: surfaces name them in annotations without importing the
store.

Names are loaded on first use (PEP 562): ``from alma.services.stacks import …`` must not import every use
case (apply's executor, the IPR rules, metrics…), or ``alma state list`` would start with all of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alma.services.blueprints import BlueprintService, FormattedBlueprint, LoadedBlueprint, read_text
    from alma.services.deployments import DeploymentReport, DeploymentService
    from alma.services.engines import EngineService, EngineStatus
    from alma.services.idempotency import IdempotencyService, Replay
    from alma.services.imports import ImportService
    from alma.services.iprs import IprService, IprView
    from alma.services.keys import Caller, KeyService
    from alma.services.library import BlueprintLibrary
    from alma.services.plans import PlanResult, PlanService
    from alma.services.recording import ApplyProgress
    from alma.services.stacks import StackService
    from alma.store import DeploymentRecord, EventRecord, IprRecord, LockRecord, ResourceRecord, StackSummary

_EXPORTS = {
    "alma.services.blueprints": ("BlueprintService", "FormattedBlueprint", "LoadedBlueprint", "read_text"),
    "alma.services.deployments": ("DeploymentReport", "DeploymentService"),
    "alma.services.engines": ("EngineService", "EngineStatus"),
    "alma.services.idempotency": ("IdempotencyService", "Replay"),
    "alma.services.imports": ("ImportService",),
    "alma.services.iprs": ("IprService", "IprView"),
    "alma.services.keys": ("Caller", "KeyService"),
    "alma.services.library": ("BlueprintLibrary",),
    "alma.services.plans": ("PlanResult", "PlanService"),
    "alma.services.recording": ("ApplyProgress",),
    "alma.services.stacks": ("StackService",),
    "alma.store": ("DeploymentRecord", "EventRecord", "IprRecord", "LockRecord", "ResourceRecord", "StackSummary"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'alma.services' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is an ordinary one
    return value


__all__ = [
    "ApplyProgress",
    "BlueprintLibrary",
    "BlueprintService",
    "Caller",
    "DeploymentRecord",
    "DeploymentReport",
    "DeploymentService",
    "EngineService",
    "EngineStatus",
    "EventRecord",
    "FormattedBlueprint",
    "IdempotencyService",
    "ImportService",
    "IprRecord",
    "IprService",
    "IprView",
    "KeyService",
    "LoadedBlueprint",
    "LockRecord",
    "PlanResult",
    "PlanService",
    "Replay",
    "ResourceRecord",
    "StackService",
    "StackSummary",
    "read_text",
]
