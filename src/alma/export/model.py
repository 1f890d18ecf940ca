"""What an export reads and what it writes: recorded resources with what their engine says now, and text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_IDENTIFIER_START = re.compile(r"^[A-Za-z_]")


@dataclass(frozen=True, slots=True)
class Recorded:
    """A resource as ALMA recorded it (specs as applied, normalized) and as its engine has it now:
    ``exists`` with its ``external_id`` and ``facts`` (node, names, ids), or absent."""

    name: str
    type: str
    provider: str
    specs: Mapping[str, Any]
    dependencies: tuple[str, ...]
    exists: bool
    external_id: str | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Address:
    """Where a resource went in the export: its address there, and what is imported (when it exists)."""

    resource: str
    address: str
    import_id: str | None = None


@dataclass(frozen=True, slots=True)
class Exported:
    text: str
    addresses: list[Address]
    notes: list[str]


def identifier(name: str) -> str:
    """A resource name as a Terraform identifier (letters, digits, '_' and '-', not starting with a digit)."""
    return name if _IDENTIFIER_START.match(name) else f"r{name}"
