"""Drafting a blueprint and repairing it until it validates, in a bounded number of attempts.

A ``Drafter`` turns a description into blueprint data; given the validation problems of its previous
draft it may try again. The deterministic drafter (building blocks) is the only one built: it drafts
the same blueprint every time, so the loop stops after its first draft when that draft is invalid (a
bug in a provider mapping, reported with every diagnostic). An LLM drafter will plug in here: its
drafts are checked by the same validator (the provider spec models reject invented types and keys),
and the problems are fed back to it for at most ``attempts`` rounds. Nothing unvalidated leaves this
module as a success.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from alma.blueprint import BLUEPRINT_VERSION
from alma.diagnostics import Diagnostic
from alma.errors import BlueprintInvalidError, InvalidInputError
from alma.generation.blocks import DEFAULTS, WORKLOADS
from alma.generation.layout import lay_out
from alma.generation.providers import PROVIDERS, render
from alma.generation.reading import Request, read

# Checks blueprint data the way ``alma validate`` would: the problems found, none when it is valid.
Validator = Callable[[Mapping[str, Any]], list[Diagnostic]]
DEFAULT_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Draft:
    """A proposed blueprint, not yet validated, and what the drafter wants the user to know."""

    data: dict[str, Any]
    understood: list[str]
    notes: list[str] = field(default_factory=list)


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
    why = f" ({'; '.join(notes)})" if notes and request.blocks else ""
    return (
        f"no blueprint: {said}{why}. Building blocks: {known}. "
        "Try e.g. 'a web app with two nginx containers behind a load balancer and a postgres database'"
    )


async def generate(
    text: str, provider: str, drafter: Drafter, validate: Validator, attempts: int = DEFAULT_ATTEMPTS
) -> Generated:
    """Draft, validate, and feed the problems back to the drafter, at most ``attempts`` times.

    Raises ``BlueprintInvalidError`` with the last draft's problems when no draft validated.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    check_provider(provider)
    previous: Draft | None = None
    problems: list[Diagnostic] = []
    for attempt in range(1, attempts + 1):
        draft = await drafter.draft(text, provider, problems, previous)
        if previous is not None and draft.data == previous.data:
            break  # the drafter cannot do better: more rounds would only repeat the same problems
        problems = validate(draft.data)
        if not problems:
            return Generated(draft.data, draft.understood, draft.notes, attempt, drafter.name)
        previous = draft
    raise BlueprintInvalidError(problems)
