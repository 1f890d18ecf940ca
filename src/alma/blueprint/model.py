"""The blueprint: what a stack should be. Pure data; no I/O, no providers."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

BLUEPRINT_VERSION = "1.0"
RESOURCE_TYPES = ("compute", "network", "storage", "service")
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


class Resource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    name: str
    provider: str
    specs: dict[str, Any] = Field(default_factory=dict)
    dependencies: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class Blueprint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    name: str
    description: str = ""
    resources: list[Resource]
    metadata: dict[str, Any] = Field(default_factory=dict)

    def resource(self, name: str) -> Resource | None:
        return next((r for r in self.resources if r.name == name), None)


def suggest_label(name: str) -> str:
    """A DNS label close to ``name``: what to suggest when a name is refused."""
    label = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:63].strip("-")
    return label or "resource-1"
