"""Small builders shared by tests: blueprint text from resource lists."""

from __future__ import annotations

import json
from typing import Any


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
