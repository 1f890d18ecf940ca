"""A blueprint as written, taken to its canonical form before it is validated: the blueprint-level
spellings (``alma.blueprint.aliases``) and then each engine's spec aliases (``cpu`` read as ``cores``).

Every rewrite is reported as a warning naming the canonical form, at the line where the user wrote the
old one; ``alma fmt`` writes the same rewrites into the file. Two spellings of one key are an error (which
one was meant is not for ALMA to guess), and so is a load balancer on a provider that has no such shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alma.blueprint import SourceDocument
from alma.blueprint.aliases import Rewrite, apply_rewrites, blueprint_rewrites
from alma.diagnostics import Diagnostic
from alma.engines import Engine, EngineRegistry, SpecVocabulary
from alma.errors import AlmaError

TEMPLATE_HINT = "alma templates show ha-web"


@dataclass(frozen=True, slots=True)
class CanonicalDocument:
    """The blueprint in canonical form (diagnostics on it point where things were written), the rewrites
    that made it in order, a warning per rewrite and the errors found on the way. ``unchecked`` are the
    resources whose specs no engine should check (the error already says why)."""

    doc: SourceDocument
    rewrites: list[Rewrite]
    diagnostics: list[Diagnostic]
    unchecked: frozenset[int] = field(default_factory=frozenset)


def canonical(doc: SourceDocument, engines: EngineRegistry) -> CanonicalDocument:
    first = blueprint_rewrites(doc.data)
    data, written = apply_rewrites(doc.data, first)
    shaped = doc.with_data(data, written)
    diagnostics = [shaped.diagnostic(r.message, r.path, "warning") for r in first]
    second, errors, unchecked = _spec_rewrites(shaped, _vocabulary_of(engines))
    data, written = apply_rewrites(shaped.data, second)
    final = shaped.with_data(data, written)
    diagnostics += [final.diagnostic(r.message, r.path, "warning") for r in second]
    return CanonicalDocument(final, [*first, *second], diagnostics + errors, frozenset(unchecked))


def _vocabulary_of(engines: EngineRegistry) -> Callable[[Any], SpecVocabulary | None]:
    """A provider name -> its engine's vocabulary, or None (unknown provider, or an engine without one);
    unusable providers are reported by the provider checks, not here."""

    found: dict[str, SpecVocabulary | None] = {}  # once per provider: a blueprint may have thousands of resources

    def vocabulary(provider: Any) -> SpecVocabulary | None:
        if not isinstance(provider, str):
            return None
        if provider not in found:
            found[provider] = _engine_vocabulary(engines, provider)
        return found[provider]

    return vocabulary


def _engine_vocabulary(engines: EngineRegistry, provider: str) -> SpecVocabulary | None:
    if engines.problem_with(provider) is not None:
        return None
    try:
        engine: Engine = engines.get(provider)
    except AlmaError:
        return None
    return engine if isinstance(engine, SpecVocabulary) else None


def _spec_rewrites(
    doc: SourceDocument, vocabulary: Callable[[Any], SpecVocabulary | None]
) -> tuple[list[Rewrite], list[Diagnostic], set[int]]:
    rewrites: list[Rewrite] = []
    errors: list[Diagnostic] = []
    unchecked: set[int] = set()
    resources = doc.data.get("resources") if isinstance(doc.data, dict) else None
    for index, resource in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(resource, dict):
            continue
        rtype, specs, provider = resource.get("type"), resource.get("specs"), resource.get("provider")
        engine = vocabulary(provider)
        if engine is None or not isinstance(rtype, str) or not isinstance(specs, dict):
            continue
        at = ("resources", index, "specs")
        if rtype == "service" and "backends" in specs and "backends" not in engine.spec_keys(rtype, specs):
            message = (
                f"provider '{provider}' has no load-balancer service ('backends'); run a proxy as a service in "
                f"front of the backends instead (`{TEMPLATE_HINT} --provider {provider}` shows one)"
            )
            errors.append(doc.diagnostic(message, ("resources", index, "type")))
            unchecked.add(index)
            continue
        aliases = engine.spec_aliases(rtype, specs)
        taken: dict[str, str] = {}  # canonical key -> the spelling that gives it
        for key in specs:
            if key not in aliases:
                taken.setdefault(key, key)
        for key in specs:
            canonical_key = aliases.get(key)
            if canonical_key is None:
                continue
            if canonical_key in taken:
                other = taken[canonical_key]
                message = f"'{key}' and '{other}' both give '{canonical_key}': keep one of them"
                errors.append(doc.diagnostic(message, (*at, key)))
                unchecked.add(index)
                continue
            taken[canonical_key] = key
            message = f"'{key}' is read as '{canonical_key}': write '{canonical_key}' (`alma fmt --write` does)"
            rewrites.append(Rewrite("rename", (*at, key), message, key=canonical_key))
    return rewrites, errors, unchecked
