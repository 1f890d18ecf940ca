"""Small builders shared by tests: blueprint text from resource lists."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from alma.planning import DesiredResource


def blueprint_text(name: str, resources: list[dict[str, Any]], **extra: Any) -> str:
    """A JSON blueprint (JSON is YAML, so it goes through the same parser)."""
    return json.dumps({"version": "1.0", "name": name, "resources": resources, **extra}, indent=2)


def compute(name: str, deps: list[str] | None = None, **specs: Any) -> dict[str, Any]:
    return {
        "type": "compute",
        "name": name,
        "provider": "fake",
        "specs": specs or {"cores": 1},
        "dependencies": deps or [],
    }


@dataclass(frozen=True)
class Row:
    """A recorded state row, as the store hands it to the planner."""

    name: str
    type: str
    provider: str
    specs: dict[str, Any]
    dependencies: list[str]


def rows(desired: Sequence[DesiredResource]) -> list[Row]:
    """The rows the store would hold after ``desired`` was applied."""
    return [Row(d.name, d.type, d.provider, d.specs, list(d.dependencies)) for d in desired]
