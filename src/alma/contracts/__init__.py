"""The one set of response models: every JSON contract ALMA answers with, shared by the HTTP API (as
``response_model``, so OpenAPI has a schema for each route), the CLI's ``--json``, MCP's output schemas and
GraphQL. Field names and meanings are the README's JSON contracts; each model has an ``of`` constructor
from the record a service returns, so no surface builds a dict of its own.

Free-form values (a resource's specs, a field's value before and after a change, an event's data) are
typed as ``JsonValue``/``JsonObject``: any JSON value, said so in the schema (portable, not ``{}``).

Names load on first use (PEP 562): ``alma state list --json`` needs the record models, not the run's.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alma.contracts.iprs import IprOut, IprSummaryOut, ReviewOut
    from alma.contracts.plans import ActionOut, FieldChangeOut, PlanOut, PlanProposalOut
    from alma.contracts.records import (
        DeploymentOut,
        DiagnosticOut,
        EngineOut,
        EventOut,
        LockOut,
        ResourceOut,
        StackOut,
        ValidationOut,
    )
    from alma.contracts.runs import QueuedRunOut, RunOut
    from alma.jsonvalue import JsonObject, JsonValue

_EXPORTS = {
    "alma.contracts.iprs": ("IprOut", "IprSummaryOut", "ReviewOut"),
    "alma.contracts.plans": ("ActionOut", "FieldChangeOut", "PlanOut", "PlanProposalOut"),
    "alma.contracts.records": (
        "DeploymentOut",
        "DiagnosticOut",
        "EngineOut",
        "EventOut",
        "LockOut",
        "ResourceOut",
        "StackOut",
        "ValidationOut",
    ),
    "alma.contracts.runs": ("QueuedRunOut", "RunOut"),
    "alma.jsonvalue": ("JsonObject", "JsonValue"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'alma.contracts' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ActionOut",
    "DeploymentOut",
    "DiagnosticOut",
    "EngineOut",
    "EventOut",
    "FieldChangeOut",
    "IprOut",
    "IprSummaryOut",
    "JsonObject",
    "JsonValue",
    "LockOut",
    "PlanOut",
    "PlanProposalOut",
    "QueuedRunOut",
    "ResourceOut",
    "ReviewOut",
    "RunOut",
    "StackOut",
    "ValidationOut",
]
