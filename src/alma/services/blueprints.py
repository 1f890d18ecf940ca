"""Loading a blueprint: parse, validate structure, check every resource with its provider, apply quotas.

Every problem is collected and reported at once, sorted by position in the file.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from alma.blueprint import RESOURCE_TYPES, Blueprint, Limits, SourceDocument, parse_source, validate_structure
from alma.diagnostics import Diagnostic, has_errors
from alma.engines import EngineRegistry
from alma.errors import BlueprintInvalidError, ConfigurationError, InvalidInputError
from alma.planning import DesiredResource
from alma.services.canonical import CanonicalDocument, canonical
from alma.settings import Settings

QUOTA_FIELDS = (("cores", "cores", ""), ("memory_mb", "memory", " MiB"), ("disk_gb", "disk", " GiB"))


@dataclass(frozen=True, slots=True)
class LoadedBlueprint:
    blueprint: Blueprint
    desired: list[DesiredResource]
    warnings: list[Diagnostic]
    text: str


@dataclass(frozen=True, slots=True)
class FormattedBlueprint:
    """A blueprint's text in canonical form, and each change that made it (where, and what it became)."""

    text: str
    changes: list[Diagnostic]


STDIN = "-"
_LARGEST = 1024 * 1024 * 1024


def read_text(path: str, stdin: BinaryIO | None = None) -> str:
    """A blueprint file's text, or a clear error. ``-`` is ``stdin`` (``alma deploy -``, a generator piped
    in): only the command line has one to give; elsewhere (MCP, whose stdin is its protocol) it is refused."""
    if path == STDIN:
        if stdin is None:
            raise InvalidInputError("'-' (standard input) is read only by the alma command; give a file's path")
        data = stdin.read(_LARGEST + 1)
        if len(data) > _LARGEST:
            raise InvalidInputError("standard input is larger than 1 GiB: not a blueprint")
        if not data:
            raise InvalidInputError(
                "standard input is empty: pipe a blueprint in (`alma generate ... | alma deploy -`) or name a file"
            )
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInputError("standard input is not UTF-8 text") from exc
    file = Path(path)
    try:
        if file.stat().st_size > _LARGEST:
            raise InvalidInputError(f"{path} is larger than 1 GiB: not a blueprint")
        return file.read_bytes().decode("utf-8")
    except (FileNotFoundError, NotADirectoryError) as exc:  # a missing file, or a "directory" that is a file
        raise InvalidInputError(f"no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise InvalidInputError(f"{path} is a directory, not a blueprint file{_files_in(file)}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path} is not UTF-8 text") from exc
    except PermissionError as exc:
        raise InvalidInputError(f"cannot read {path}: permission denied") from exc


def _wrapped(data: Any) -> str | None:
    """What is wrong with a blueprint sent inside something: a JSON string, or an envelope of one key that is
    not a blueprint field holding the text or the document (``{"blueprint": TEXT}``, ``{"text": TEXT}``,
    ``{"yaml": TEXT}``, ``{"spec": {...}}``): clients guess many names for it, and the answer to each was
    "'version' is required" and three more."""
    if isinstance(data, str) and "resources" in data and "\n" in data:
        return "this is a blueprint's text encoded as one JSON string: send the text itself (YAML or JSON)"
    if not isinstance(data, dict) or len(data) != 1:
        return None
    ((key, inner),) = data.items()
    if not isinstance(key, str) or key in _BLUEPRINT_FIELDS:
        return None
    if isinstance(inner, str) and ("resources" in inner or key == "blueprint"):
        return f'this is {{"{key}": TEXT}}: send the blueprint\'s text itself (YAML or JSON) as the body'
    if isinstance(inner, dict) and "resources" in inner:
        return (
            f'this is {{"{key}": BLUEPRINT}}: send the blueprint itself (YAML or JSON) as the body, not inside "{key}"'
        )
    return None


# A document with one of these as its only key is a (wrong) blueprint, not an envelope around one.
_BLUEPRINT_FIELDS = frozenset({"version", "name", "description", "metadata", "resources"})


def _files_in(directory: Path) -> str:
    """``; name one of its files: a.yaml, b.yaml`` for a directory given where a blueprint goes."""
    try:
        found = sorted(p.name for p in directory.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))
    except OSError:
        return ""
    if not found:
        return ""
    shown = ", ".join(str(directory / name) for name in found[:5]) + (", …" if len(found) > 5 else "")
    return f"; name one of its files: {shown}"


# Texts longer than this are read off the event loop (``BlueprintService.read``): about 500 resources.
_READ_IN_THREAD_OVER = 64 * 1024


class BlueprintService:
    def __init__(self, settings: Settings, engines: EngineRegistry) -> None:
        self._settings = settings
        self._engines = engines
        self._limits = Limits(settings.max_blueprint_bytes, settings.max_blueprint_nodes, settings.max_blueprint_depth)

    def load(self, text: str, filename: str = "<blueprint>") -> LoadedBlueprint:
        """A validated blueprint and its normalized resources; raises ``BlueprintInvalidError``."""
        written = self.canonical_form(text, filename)
        doc = written.doc
        blueprint, diagnostics = validate_structure(doc)
        diagnostics.extend(written.diagnostics)
        # Provider checks run even when the structure has errors elsewhere: every problem, at once.
        normalized = self._check_providers(doc, diagnostics, written.unchecked)
        desired: list[DesiredResource] = []
        if blueprint is not None and not has_errors(diagnostics):
            desired = [
                DesiredResource(r.name, r.type, r.provider, normalized[i], tuple(r.dependencies))
                for i, r in enumerate(blueprint.resources)
            ]
            diagnostics.extend(self._check_quotas(doc, desired))
        diagnostics.sort(key=lambda d: (d.line or 0, d.column or 0))
        if blueprint is None or has_errors(diagnostics):
            raise BlueprintInvalidError(diagnostics)
        return LoadedBlueprint(blueprint, desired, [d for d in diagnostics if d.severity == "warning"], text)

    async def read(self, text: str, filename: str = "<blueprint>") -> LoadedBlueprint:
        """``load``, in a worker thread for a big text: reading and checking thousands of resources is
        seconds of CPU that would otherwise hold every other request of the server."""
        if len(text) > _READ_IN_THREAD_OVER:
            return await asyncio.to_thread(self.load, text, filename)
        return self.load(text, filename)

    def canonical_form(self, text: str, filename: str = "<blueprint>") -> CanonicalDocument:
        """The blueprint read and taken to canonical form (aliases renamed), with the rewrites that did it;
        raises ``BlueprintInvalidError`` only when the text cannot be read at all."""
        doc = parse_source(text, filename, self._limits)
        wrapped = _wrapped(doc.data)
        if wrapped is not None:  # a client that JSON-encoded the text, or sent the IPR route's shape
            raise BlueprintInvalidError([Diagnostic(wrapped, "", 1, 1)])
        if isinstance(doc.data, dict) and str(doc.data.get("format", "")).startswith("alma-plan/"):
            # A plan file given where a blueprint goes: thirteen "unknown field" errors would not say that.
            name = "FILE" if filename.startswith("<") else filename  # over HTTP there is no file name
            message = (
                f"{'this' if name == 'FILE' else name} is an ALMA plan file (`alma plan --out`), not a blueprint: "
                f"`alma apply {name}` applies it (plan {doc.data.get('plan_id')}), `alma ipr create {name}` opens "
                "an IPR for it"
            )
            raise BlueprintInvalidError([Diagnostic(message, "", 1, 1)])
        return canonical(doc, self._engines)

    def formatted(self, text: str, filename: str = "<blueprint>") -> FormattedBlueprint:
        """The file's text in canonical form (``alma fmt``): every alias rewritten, everything else kept.
        Raises ``BlueprintInvalidError`` when the text cannot be read, or when a rewrite would have to guess
        (two spellings of one key): nothing is formatted then."""
        from alma.blueprint.formatting import format_text  # ruamel.yaml: only `alma fmt` needs it

        written = self.canonical_form(text, filename)
        problems = [d for d in written.diagnostics if d.severity == "error"]
        if problems:
            raise BlueprintInvalidError(problems)
        changes = sorted(written.diagnostics, key=lambda d: (d.line or 0, d.column or 0))
        return FormattedBlueprint(format_text(text, written.rewrites), changes)

    def _check_providers(
        self, doc: SourceDocument, diagnostics: list[Diagnostic], unchecked: frozenset[int] = frozenset()
    ) -> dict[int, dict[str, Any]]:
        """Each resource's specs checked by its provider; the normalized specs of those that pass, by index."""
        resources = doc.data.get("resources") if isinstance(doc.data, dict) else None
        normalized: dict[int, dict[str, Any]] = {}
        for index, resource in enumerate(resources if isinstance(resources, list) else []):
            if not isinstance(resource, dict) or index in unchecked:
                continue
            provider, rtype, specs = resource.get("provider"), resource.get("type"), resource.get("specs", {})
            if not isinstance(provider, str) or not isinstance(rtype, str) or not isinstance(specs, dict):
                continue  # the structural checks already said what is wrong
            problem = self._engines.problem_with(provider)
            if problem is not None:
                diagnostics.append(doc.diagnostic(problem, ("resources", index, "provider")))
                continue
            try:
                engine = self._engines.get(provider)
            except ConfigurationError as exc:
                diagnostics.append(doc.diagnostic(str(exc), ("resources", index, "provider")))
                continue
            if rtype not in engine.resource_types:
                if rtype in RESOURCE_TYPES:  # unknown types are reported by the structural checks
                    offered = ", ".join(sorted(engine.resource_types))
                    message = f"provider '{provider}' has no resource type '{rtype}'; it offers {offered}"
                    diagnostics.append(doc.diagnostic(message, ("resources", index, "type")))
                continue
            problems = engine.check(rtype, specs)
            for problem_in_specs in problems:
                inside = _split(problem_in_specs.path)
                path = ("resources", index, "specs", *inside)
                message = problem_in_specs.message
                if "valid string" in message:  # `image: 3.10` was read as 3.1: say so, and how to write it
                    message += doc.read_as_text_hint(path, _value_at(specs, inside))
                diagnostics.append(doc.diagnostic(message, path, problem_in_specs.severity))
            if not has_errors(problems):
                normalized[index] = engine.normalize(rtype, specs)
        return normalized

    def _check_quotas(self, doc: SourceDocument, desired: list[DesiredResource]) -> list[Diagnostic]:
        totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for resource in desired:
            total = totals[resource.provider]
            total["resources"] += 1
            total["cores"] += int(resource.specs.get("cores", 0) or 0)
            total["memory_mb"] += int(resource.specs.get("memory", 0) or 0)
            total["disk_gb"] += int(resource.specs.get("disk", 0) or 0) + int(resource.specs.get("size", 0) or 0)
        out = []
        for provider, quota in self._settings.quotas.items():
            if provider not in totals:
                continue
            total = totals[provider]
            checks = [*QUOTA_FIELDS, ("resources", "resources", "")]
            for field, label, unit in checks:
                limit = getattr(quota, field)
                if limit is not None and total[field] > limit:
                    out.append(
                        doc.diagnostic(
                            f"quota exceeded for provider '{provider}': the blueprint asks for {total[field]:,}{unit} "
                            f"{label} in total, the quota is {limit:,}{unit}",
                            ("resources",),
                        )
                    )
        return out


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        inside = (isinstance(data, dict) and step in data) or (
            isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data)
        )
        if not inside:
            return ""  # not there: nothing to explain
        data = data[step]
    return data


def _split(path: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p for p in path.split(".")) if path else ()
