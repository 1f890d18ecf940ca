"""Drafting a blueprint and repairing it until it validates, in a bounded number of attempts.

A ``Drafter`` turns a description into blueprint data; given the validation problems of its previous
draft it may try again. The deterministic drafter (building blocks) drafts the same blueprint every
time, so the loop stops after its first draft when that draft is invalid (a bug in a provider mapping,
reported with every diagnostic). The LLM drafter (``llm_drafting``) plugs in here: its drafts are
checked by the same validator (the provider spec models reject invented types and keys), and the
problems are fed back to it for at most ``attempts`` rounds. When its drafts never validate, or the
model fails, a ``fallback`` drafter (the building blocks) may draft instead, and the notes say so.
Nothing unvalidated leaves this module as a success.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from alma.blueprint import BLUEPRINT_VERSION
from alma.diagnostics import Diagnostic
from alma.errors import BlueprintInvalidError, InvalidInputError
from alma.generation.blocks import DEFAULTS, WORKLOADS
from alma.generation.layout import lay_out
from alma.generation.providers import PROVIDERS, render
from alma.generation.reading import Request, read
from alma.llm import ModelError

# Checks blueprint data the way ``alma validate`` would: the problems found, none when it is valid.
Validator = Callable[[Mapping[str, Any]], list[Diagnostic]]
DEFAULT_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Draft:
    """A proposed blueprint, not yet validated, and what the drafter wants the user to know. ``rejected``
    holds problems the drafter itself found (a model's answer that is not a JSON object, or that dropped
    a part the description asks for): they count with the validation problems of this draft, and empty
    ``data`` is not validated at all."""

    data: dict[str, Any]
    understood: list[str]
    notes: list[str] = field(default_factory=list)
    rejected: tuple[Diagnostic, ...] = ()


class Drafter(Protocol):
    name: str

    async def draft(self, text: str, provider: str, problems: Sequence[Diagnostic], previous: Draft | None) -> Draft:
        """A draft for ``text``; ``problems`` are the validation errors of ``previous`` (empty at first).
        Raises ``InvalidInputError`` when the text asks for nothing it can compose."""
        ...


class BuildingBlockDrafter:
    """Composes known building blocks, deterministically and offline."""

    name = "building-blocks"

    async def draft(self, text: str, provider: str, problems: Sequence[Diagnostic], previous: Draft | None) -> Draft:
        return compose(text, provider)


_: type[Drafter] = BuildingBlockDrafter


@dataclass(frozen=True, slots=True)
class Generated:
    """A blueprint that validated, how many drafts it took, and by whom."""

    data: dict[str, Any]
    understood: list[str]
    notes: list[str]
    attempts: int
    drafter: str


def check_provider(provider: str) -> None:
    if provider not in PROVIDERS:
        raise InvalidInputError(f"unknown provider '{provider}'; generate for one of: {', '.join(PROVIDERS)}")


def compose(text: str, provider: str) -> Draft:
    """The blueprint the building blocks in ``text`` make for ``provider``; refuses when there are none."""
    check_provider(provider)
    request = read(text)
    layout = lay_out(request)
    resources, notes = render(layout, provider)
    understood = request.understood()
    if not any(r["metadata"]["role"] in WORKLOADS for r in resources):
        raise InvalidInputError(_nothing_composed(request, provider, notes))
    data: dict[str, Any] = {
        "version": BLUEPRINT_VERSION,
        "name": layout.stack,
        "description": layout.description,
        "resources": resources,
    }
    return Draft(data, understood, [*layout.notes, *notes])


def _nothing_composed(request: Request, provider: str, notes: list[str]) -> str:
    known = ", ".join(DEFAULTS[role].label for role in (*WORKLOADS, "network", "volume"))
    if not request.blocks:
        said = f"nothing I could compose in {request.text.strip()[:200]!r}"
    else:
        said = f"I understood {'; '.join(request.understood())}, but that runs no software on {provider}"
    left_out = [*request.notes, *(notes if request.blocks else [])]  # what cannot be built is said, always
    why = f" ({'; '.join(dict.fromkeys(left_out))})" if left_out else ""
    return (
        f"no blueprint: {said}{why}. Building blocks: {known}. "
        "Try e.g. 'a web app with two nginx containers behind a load balancer and a postgres database'"
    )


async def generate(
    text: str,
    provider: str,
    drafter: Drafter,
    validate: Validator,
    attempts: int = DEFAULT_ATTEMPTS,
    fallback: Drafter | None = None,
) -> Generated:
    """Draft, validate, and feed the problems back to the drafter, at most ``attempts`` times.

    When no draft validated (or the drafter's model failed: ``ModelError``) and a ``fallback`` is given,
    the fallback drafts in the same loop and its result's notes say why; ``attempts`` then counts every
    draft made. Raises ``BlueprintInvalidError`` with the last draft's problems when no draft validated.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    check_provider(provider)
    outcome = await _drafted(text, provider, drafter, validate, attempts)
    if isinstance(outcome, Generated):
        return outcome
    if fallback is None:
        if outcome.error is not None:
            raise outcome.error
        raise BlueprintInvalidError(outcome.problems)
    if outcome.error is not None:
        why = f"the {drafter.name} drafter failed ({outcome.error})"
    else:
        shown = "; ".join(p.render() for p in outcome.problems[:3]) + ("; …" if len(outcome.problems) > 3 else "")
        why = f"the {drafter.name} drafter's {outcome.made} draft(s) did not validate ({shown})"
    rescued = await _drafted(text, provider, fallback, validate, attempts)
    if not isinstance(rescued, Generated):
        if rescued.error is not None:
            raise rescued.error
        raise BlueprintInvalidError(rescued.problems)
    note = f"{why}: this is the {fallback.name} drafter's blueprint instead"
    return replace(rescued, notes=[note, *rescued.notes], attempts=outcome.made + rescued.attempts)


@dataclass(frozen=True, slots=True)
class _Unfinished:
    """How a drafter's rounds ended without a valid draft: the last problems, the drafts validated, and
    the model's failure when that is what ended them."""

    problems: list[Diagnostic]
    made: int
    error: ModelError | None = None


async def _drafted(
    text: str, provider: str, drafter: Drafter, validate: Validator, attempts: int
) -> Generated | _Unfinished:
    """The first draft of ``drafter`` that validates, or how its rounds ended without one."""
    previous: Draft | None = None
    problems: list[Diagnostic] = []
    made = 0
    for attempt in range(1, attempts + 1):
        try:
            draft = await drafter.draft(text, provider, problems, previous)
        except ModelError as failed:
            return _Unfinished(problems, made, failed)
        if previous is not None and draft.data == previous.data and draft.rejected == previous.rejected:
            break  # the drafter cannot do better: more rounds would only repeat the same problems
        made = attempt
        problems = list(draft.rejected)
        if draft.data or not problems:  # an empty draft the drafter said nothing about is validated, and refused
            problems += validate(draft.data)
        if not problems:
            return Generated(draft.data, draft.understood, draft.notes, attempt, drafter.name)
        previous = draft
    return _Unfinished(problems, made)
