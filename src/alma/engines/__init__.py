"""Engines: the one Protocol every provider implements, the registry, and the providers."""

from alma.engines.base import (
    ACTIONS,
    Action,
    Adopter,
    Change,
    Engine,
    EngineContext,
    FieldChange,
    Health,
    Inventory,
    JSONDict,
    KeyValueStore,
    Observed,
    Preflight,
    PreflightIssue,
    Readiness,
    ResourceRef,
    SpecVocabulary,
)
from alma.engines.registry import EngineRegistry

__all__ = [
    "ACTIONS",
    "Action",
    "Adopter",
    "Change",
    "Engine",
    "EngineContext",
    "EngineRegistry",
    "FieldChange",
    "Health",
    "Inventory",
    "JSONDict",
    "KeyValueStore",
    "Observed",
    "Preflight",
    "PreflightIssue",
    "Readiness",
    "ResourceRef",
    "SpecVocabulary",
]
