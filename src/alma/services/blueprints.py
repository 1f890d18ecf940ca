"""Loading a blueprint: parse, validate structure, check every resource with its provider, apply quotas.

Every problem is collected and reported at once, sorted by position in the file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from alma.blueprint import Blueprint, Limits, SourceDocument, parse_source, validate_structure
from alma.diagnostics import Diagnostic, has_errors
from alma.engines import EngineRegistry
from alma.errors import BlueprintInvalidError, InvalidInputError
from alma.planning import DesiredResource
from alma.settings import Settings

QUOTA_FIELDS = (("cores", "cores", ""), ("memory_mb", "memory", " MiB"), ("disk_gb", "disk", " GiB"))


@dataclass(frozen=True, slots=True)
class LoadedBlueprint:
    blueprint: Blueprint
    desired: list[DesiredResource]
    warnings: list[Diagnostic]
    text: str


def read_text(path: str) -> str:
    """A blueprint file's text, or a clear error; ``-`` is not supported on purpose (plans need a source)."""
    file = Path(path)
    try:
        if file.stat().st_size > 1024 * 1024 * 1024:
            raise InvalidInputError(f"{path} is larger than 1 GiB: not a blueprint")
        return file.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise InvalidInputError(f"no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise InvalidInputError(f"{path} is a directory, not a blueprint file") from exc
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"{path} is not UTF-8 text") from exc
    except PermissionError as exc:
        raise InvalidInputError(f"cannot read {path}: permission denied") from exc


class BlueprintService:
    def __init__(self, settings: Settings, engines: EngineRegistry) -> None:
        self._settings = settings
        self._engines = engines
        self._limits = Limits(settings.max_blueprint_bytes, settings.max_blueprint_nodes, settings.max_blueprint_depth)

    def load(self, text: str, filename: str = "<blueprint>") -> LoadedBlueprint:
        """A validated blueprint and its normalized resources; raises ``BlueprintInvalidError``."""
        doc = parse_source(text, filename, self._limits)
        blueprint, diagnostics = validate_structure(doc)
        desired: list[DesiredResource] = []
        if blueprint is not None:
            desired = self._check_providers(doc, blueprint, diagnostics)
            if not has_errors(diagnostics):
                diagnostics.extend(self._check_quotas(doc, blueprint, desired))
        diagnostics.sort(key=lambda d: (d.line or 0, d.column or 0))
        if blueprint is None or has_errors(diagnostics):
            raise BlueprintInvalidError(diagnostics)
        return LoadedBlueprint(blueprint, desired, [d for d in diagnostics if d.severity == "warning"], text)

    def _check_providers(
        self, doc: SourceDocument, blueprint: Blueprint, diagnostics: list[Diagnostic]
    ) -> list[DesiredResource]:
        desired = []
        for index, resource in enumerate(blueprint.resources):
            problem = self._engines.problem_with(resource.provider)
            if problem is not None:
                diagnostics.append(doc.diagnostic(problem, ("resources", index, "provider")))
                continue
            engine = self._engines.get(resource.provider)
            if resource.type not in engine.resource_types:
                diagnostics.append(
                    doc.diagnostic(
                        f"provider '{resource.provider}' has no resource type '{resource.type}'; it offers "
                        + ", ".join(sorted(engine.resource_types)),
                        ("resources", index, "type"),
                    )
                )
                continue
            problems = engine.check(resource.type, resource.specs)
            for problem_in_specs in problems:
                path = ("resources", index, "specs", *_split(problem_in_specs.path))
                diagnostics.append(doc.diagnostic(problem_in_specs.message, path, problem_in_specs.severity))
            if not has_errors(problems):
                specs = engine.normalize(resource.type, resource.specs)
                desired.append(
                    DesiredResource(
                        resource.name, resource.type, resource.provider, specs, tuple(resource.dependencies)
                    )
                )
        return desired

    def _check_quotas(
        self, doc: SourceDocument, blueprint: Blueprint, desired: list[DesiredResource]
    ) -> list[Diagnostic]:
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


def _split(path: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p for p in path.split(".")) if path else ()
