"""Checking an export against the stack it came from, shared by the engines' integration tests: the
Terraform parses (python-hcl2), holds a resource for each recorded one with each dependency as
depends_on, and imports exactly what exists, with the ids the engine reports."""

from __future__ import annotations

from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

from alma.services import ResourceRecord
from alma.services.export import ExportedStack


def terraform_document(text: str) -> dict[str, Any]:
    document: dict[str, Any] = hcl2.loads(text, serialization_options=SerializationOptions(strip_string_quotes=True))
    return document


def addresses_in(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{kind}.{name}": body
        for entry in document.get("resource", [])
        for kind, named in entry.items()
        for name, body in named.items()
    }


def check_terraform(exported: ExportedStack, recorded: list[ResourceRecord]) -> dict[str, Any]:
    """The parsed document, after checking it holds every recorded resource and dependency."""
    document = terraform_document(exported.text)
    found = addresses_in(document)
    primary = {r.resource: r.address for r in reversed(exported.resources)}  # a resource's first object
    assert set(primary) == {r.name for r in recorded}
    for record in recorded:
        body = found[primary[record.name]]
        wanted = {f"${{{primary[d]}}}" for d in record.dependencies}
        assert wanted <= set(body.get("depends_on", [])), (record.name, body.get("depends_on"))
    imported = {i["to"].strip("${}"): i["id"] for i in document.get("import", [])}
    assert imported == {r.address: r.imported for r in exported.resources if r.imported}
    return document
