"""Structural validation of a blueprint: schema, names, dependencies and cycles.

Everything is collected, not raised one at a time, so the user fixes the file once. Provider-specific
checks (spec keys, units, quotas) need the engines and live in the services layer, which adds to the
same list.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from alma.blueprint.graph import find_cycles
from alma.blueprint.model import BLUEPRINT_VERSION, DNS_LABEL, RESOURCE_TYPES, Blueprint, suggest_label
from alma.blueprint.source import Path, SourceDocument, render_path
from alma.diagnostics import Diagnostic, did_you_mean

_PYDANTIC_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a blueprint field",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
}
_TOP_FIELDS = ("version", "name", "description", "resources", "metadata")
_RESOURCE_FIELDS = ("type", "name", "provider", "specs", "dependencies", "metadata")


def validate_structure(doc: SourceDocument) -> tuple[Blueprint | None, list[Diagnostic]]:
    """The blueprint when the structure is sound, and every diagnostic found either way."""
    data = doc.data
    diagnostics: list[Diagnostic] = list(doc.problems)  # found while reading (duplicate keys): reported with the rest
    if not isinstance(data, dict):
        diagnostics.append(doc.diagnostic("a blueprint must be a mapping with 'version', 'name' and 'resources'", ()))
        return None, diagnostics
    if isinstance(data.get("version"), float | int) and not isinstance(data.get("version"), bool):
        version = str(data["version"])
        diagnostics.append(doc.diagnostic(f'write the version as text: version: "{version}"', ("version",), "warning"))
        data = {**data, "version": version}
    blueprint: Blueprint | None = None
    try:
        blueprint = Blueprint.model_validate(data)
    except ValidationError as exc:
        diagnostics.extend(_schema_diagnostics(doc, exc))
    diagnostics.extend(_semantic_diagnostics(doc, data))
    if any(d.severity == "error" for d in diagnostics):
        return None, diagnostics
    return blueprint, diagnostics


def _schema_diagnostics(doc: SourceDocument, exc: ValidationError) -> list[Diagnostic]:
    out = []
    for error in exc.errors(include_url=False):
        path: Path = tuple(error["loc"])
        kind = error["type"]
        # A list item has no name of its own: describe it by its whole path instead of "'0'".
        field = render_path(path) if path and isinstance(path[-1], int) else (str(path[-1]) if path else "")
        if kind == "extra_forbidden":
            allowed = _RESOURCE_FIELDS if len(path) == 3 and path[0] == "resources" else _TOP_FIELDS
            message = f"unknown field '{field}'{did_you_mean(field, allowed)}"
        elif kind in _PYDANTIC_MESSAGES:
            message = f"'{field}' {_PYDANTIC_MESSAGES[kind]}" if field else _PYDANTIC_MESSAGES[kind]
            if kind == "string_type":  # `name: no` is false to YAML: say so, and how to write it
                message += doc.read_as_text_hint(path, error.get("input"))
        else:
            message = f"'{field}': {error['msg']}"
        # A missing field has no position of its own: the diagnostic points at the enclosing mapping.
        out.append(doc.diagnostic(message, path))
    return out


def _semantic_diagnostics(doc: SourceDocument, data: dict[str, Any]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    version = data.get("version")
    if isinstance(version, str) and version != BLUEPRINT_VERSION:
        out.append(
            doc.diagnostic(
                f"unsupported version '{version}'; this ALMA reads version \"{BLUEPRINT_VERSION}\"",
                ("version",),
            )
        )
    stack = data.get("name")
    if isinstance(stack, str) and not DNS_LABEL.match(stack):
        out.append(doc.diagnostic(_bad_label("stack name", stack), ("name",)))
    resources = data.get("resources")
    if not isinstance(resources, list):
        return out
    if not resources:
        out.append(
            doc.diagnostic("the blueprint has no resources; `alma destroy` empties a stack", ("resources",), "warning")
        )
    seen: dict[str, int] = {}
    edges: dict[str, list[str]] = {}
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            continue
        name = resource.get("name")
        rtype = resource.get("type")
        if isinstance(rtype, str) and rtype not in RESOURCE_TYPES:
            out.append(
                doc.diagnostic(
                    f"unknown resource type '{rtype}'{did_you_mean(rtype, RESOURCE_TYPES)}",
                    ("resources", index, "type"),
                )
            )
        if not isinstance(name, str):
            continue
        if not DNS_LABEL.match(name):
            out.append(doc.diagnostic(_bad_label("resource name", name), ("resources", index, "name")))
        if name in seen:
            first = doc.position_of(("resources", seen[name], "name"))
            where = f" (first defined at line {first[0]})" if first else ""
            out.append(doc.diagnostic(f"duplicate resource name '{name}'{where}", ("resources", index, "name")))
            continue
        seen[name] = index
        deps = resource.get("dependencies", [])
        edges[name] = [d for d in deps if isinstance(d, str)] if isinstance(deps, list) else []
    for name, deps in edges.items():
        index = seen[name]
        counted: set[str] = set()
        for position, dep in enumerate(deps):
            path: Path = ("resources", index, "dependencies", position)
            if dep in counted:
                out.append(doc.diagnostic(f"'{dep}' is listed twice", path, "warning"))
            counted.add(dep)
            if dep not in edges:
                out.append(doc.diagnostic(f"unknown dependency '{dep}'{did_you_mean(dep, list(edges))}", path))
    out.extend(_backend_diagnostics(doc, resources, edges))
    for cycle in find_cycles(edges):
        out.append(
            doc.diagnostic(f"dependency cycle: {' → '.join(cycle)}", ("resources", seen[cycle[0]], "dependencies"))
        )
    return out


def _backend_diagnostics(doc: SourceDocument, resources: list[Any], names: dict[str, list[str]]) -> list[Diagnostic]:
    """A load balancer's backends are resources of the stack: one it does not have is named where written."""
    out: list[Diagnostic] = []
    for index, resource in enumerate(resources):
        specs = resource.get("specs") if isinstance(resource, dict) else None
        backends = specs.get("backends") if isinstance(specs, dict) else None
        for position, backend in enumerate(backends if isinstance(backends, list) else []):
            if isinstance(backend, str) and backend not in names:
                path: Path = ("resources", index, "specs", "backends", position)
                out.append(doc.diagnostic(f"unknown backend '{backend}'{did_you_mean(backend, list(names))}", path))
    return out


def _bad_label(what: str, value: str) -> str:
    return (
        f"{what} '{value}' is not a lowercase DNS label (a-z, 0-9 and '-', at most 63 characters, "
        f"starting and ending with a letter or digit); try '{suggest_label(value)}'"
    )
