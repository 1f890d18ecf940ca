"""Blueprints: parsing with positions, the model, and structural validation. Imports nothing of ours
but ``errors`` and ``diagnostics``."""

from alma.blueprint.graph import find_cycles, topological_order
from alma.blueprint.model import BLUEPRINT_VERSION, RESOURCE_TYPES, Blueprint, Resource
from alma.blueprint.source import Limits, SourceDocument, parse_source, render_path
from alma.blueprint.validation import validate_structure

__all__ = [
    "BLUEPRINT_VERSION",
    "RESOURCE_TYPES",
    "Blueprint",
    "Limits",
    "Resource",
    "SourceDocument",
    "find_cycles",
    "parse_source",
    "render_path",
    "topological_order",
    "validate_structure",
]
