"""Generating blueprints from plain language, and convening the council on them.

Every blueprint this service hands out has passed the same validation as ``alma validate`` (the
``BlueprintService``: schema, names, dependencies, each provider's spec model, quotas). Drafts that do
not validate are fed back to the drafter a bounded number of times and then refused with every problem;
a description with nothing to compose is refused saying what was understood.

With a language model configured, the model drafts (``LLMDrafter``, adjusting the building blocks'
composition) and the building blocks are the fallback when its drafts never validate or it fails: the
result says which drafter made it and why. The council stays deterministic; the model only adds a prose
narrative of its decree. ``use_model=False`` takes the deterministic path even when a model is configured.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from alma.diagnostics import Diagnostic
from alma.errors import BlueprintInvalidError
from alma.generation import (
    DEFAULT_ATTEMPTS,
    DEFAULT_RATE_CARD,
    BuildingBlockDrafter,
    Council,
    Decree,
    Drafter,
    RateCard,
    ReviewContext,
    estimate,
    generate,
    reviewers,
)
from alma.generation.llm_drafting import LLMDrafter
from alma.generation.narrative import Narrator
from alma.llm import LLMBackend, ModelError
from alma.services.blueprints import BlueprintService, LoadedBlueprint
from alma.settings import Settings

log = logging.getLogger(__name__)
GENERATED_FILENAME = "<generated>"
NO_MODEL = "no language model is configured (ALMA_LLM_*): the decree has no narrative"
MODEL_NOT_ASKED = "the language model was not asked: the decree has no narrative"


@dataclass(frozen=True, slots=True)
class GeneratedBlueprint:
    """A generated blueprint that validated: its data, its YAML text, and how it came about."""

    data: dict[str, Any]
    text: str
    loaded: LoadedBlueprint
    understood: list[str]
    notes: list[str]
    attempts: int
    drafter: str

    def as_json(self) -> dict[str, Any]:
        return {
            "blueprint": self.data,
            "valid": True,
            "understood": self.understood,
            "notes": self.notes,
            "attempts": self.attempts,
            "drafter": self.drafter,
        }


@dataclass(frozen=True, slots=True)
class CouncilReport:
    """The council's decree on a blueprint, with the revised blueprint's YAML (validated again)."""

    decree: Decree
    text: str
    source: str  # "text" (generated from a description) or the blueprint file's name
    understood: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        body = self.decree.as_json()
        body["decree"] |= {"source": self.source, "understood": self.understood, "notes": self.notes}
        return body


class _Dumper(yaml.SafeDumper):
    """Writes a shared value out in full each time: a blueprint with anchors and aliases reads badly."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def blueprint_yaml(data: Mapping[str, Any]) -> str:
    """Blueprint data as a YAML file a person would write (keys in blueprint order, no aliases)."""
    return yaml.dump(
        dict(data), Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=110
    )


class GenerationService:
    def __init__(
        self,
        settings: Settings,
        blueprints: BlueprintService,
        *,
        drafter: Drafter | None = None,
        fallback: Drafter | None = None,
        llm: LLMBackend | None = None,
        rate_card: RateCard | None = None,
        attempts: int = DEFAULT_ATTEMPTS,
    ) -> None:
        """``llm``: the configured model, or None. Without a ``drafter`` it drafts (the building blocks
        are then the ``fallback``), and it writes the council's narrative."""
        self._settings = settings
        self._blueprints = blueprints
        if drafter is None and llm is not None:
            drafter, fallback = LLMDrafter(llm), fallback or BuildingBlockDrafter()
        self._drafter: Drafter = drafter or BuildingBlockDrafter()
        self._fallback = fallback
        self._narrator = Narrator(llm) if llm is not None else None
        self._rate_card = rate_card or DEFAULT_RATE_CARD
        self._attempts = attempts

    def problems(self, data: Mapping[str, Any]) -> list[Diagnostic]:
        """What ``alma validate`` would report as errors for ``data``; empty when it is valid."""
        try:
            self._blueprints.load(blueprint_yaml(data), GENERATED_FILENAME)
        except BlueprintInvalidError as exc:
            return [d for d in exc.diagnostics if d.severity == "error"]
        return []

    async def generate(self, text: str, provider: str = "fake", *, use_model: bool = True) -> GeneratedBlueprint:
        """A validated blueprint for ``text`` on ``provider``; raises ``InvalidInputError`` when the text
        asks for nothing that can be composed, ``BlueprintInvalidError`` when no draft validated.
        ``use_model=False``: the building blocks draft, whatever the service was made with."""
        if use_model:
            drafter, fallback = self._drafter, self._fallback
        else:
            drafter, fallback = BuildingBlockDrafter(), None
        generated = await generate(text, provider, drafter, self.problems, self._attempts, fallback)
        rendered = blueprint_yaml(generated.data)
        loaded = self._blueprints.load(rendered, GENERATED_FILENAME)
        return GeneratedBlueprint(
            generated.data,
            rendered,
            loaded,
            generated.understood,
            generated.notes,
            generated.attempts,
            generated.drafter,
        )

    async def convene(self, text: str, provider: str = "fake", *, use_model: bool = True) -> CouncilReport:
        """The council on the blueprint generated from ``text``; with a model (and ``use_model``), the
        model drafts and narrates the decree."""
        generated = await self.generate(text, provider, use_model=use_model)
        return await self._convened(generated.data, "text", generated.understood, generated.notes, use_model)

    async def convene_on_blueprint(self, text: str, filename: str, *, use_model: bool = True) -> CouncilReport:
        """The council on a blueprint file's text (which must validate first)."""
        loaded = self._blueprints.load(text, filename)
        data = loaded.blueprint.model_dump(mode="json")
        if not data.get("description"):
            data.pop("description", None)
        for key in ("metadata",):
            if not data.get(key):
                data.pop(key, None)
        for resource in data["resources"]:
            for key in ("metadata", "dependencies"):
                if not resource.get(key):
                    resource.pop(key, None)
        return await self._convened(data, filename, [], [], use_model)

    async def _convened(
        self, data: dict[str, Any], source: str, understood: list[str], notes: list[str], use_model: bool
    ) -> CouncilReport:
        council = Council(reviewers(), ReviewContext(self._settings.quotas, self._rate_card), self.problems)
        decree = council.convene(data, lambda blueprint: estimate(blueprint, self._rate_card))
        rendered = blueprint_yaml(decree.blueprint)
        self._blueprints.load(rendered, GENERATED_FILENAME)  # the decree's blueprint validates, or this raises
        narrative, said = await self._narrative(decree, use_model)
        return CouncilReport(replace(decree, narrative=narrative), rendered, source, understood, [*notes, *said])

    async def _narrative(self, decree: Decree, use_model: bool) -> tuple[str | None, list[str]]:
        """The model's prose for ``decree`` (asked after the decree is made: it changes nothing in it), or
        None and the note that says why there is none. A model that fails leaves the decree whole."""
        if self._narrator is None:
            return None, [NO_MODEL]
        if not use_model:
            return None, [MODEL_NOT_ASKED]
        try:
            narrative = await self._narrator.narrate(decree)
        except ModelError as failed:
            log.warning("the model wrote no narrative of the decree: %s", failed)
            return None, [f"the language model failed ({failed}): the decree has no narrative"]
        if narrative is None:
            return None, ["the language model answered nothing: the decree has no narrative"]
        return narrative, []
