"""The language model as the intent parser's fallback, for sentences the grammar reads as ``unknown``.

The model is asked for one JSON object shaped by ``ProposedIntent`` (constrained by the schema where the
backend's server can, see ``alma.llm.JsonMode``); the answer is validated with pydantic, and an invalid
one gets exactly one repair round that feeds the validation errors back. Still invalid: the sentence
stays ``unknown`` (signal ``llm-invalid``). The model never says whether anything is destructive — the
schema has no such field, and the caller derives it from the intent with ``is_destructive`` exactly as
for the grammar's readings (for real operations the plan has the last word).

The model is also consulted (``consult``) about readings made with little confidence (a classifier's,
a guess): the reading stays, and the stricter of the two risks wins — the caller treats the request
as destructive when the model's intent is (``ConversationService``). So the model can make a request
more careful, never less.

Not read through it: readings the grammar made confidently, confirmations, withdrawals,
follow-ups and symptoms about the focus (``unknown`` with a flag or a ``context:`` signal: the focus
resolves those). Text after a prompt injection is not sent: like the grammar, the model reads only what
came before it. A model that fails or times out (``ModelError``) leaves the sentence ``unknown`` (signal
``llm-failed``), as the grammar read it: the deterministic path keeps working. An unusable configuration
(``ConfigurationError``) propagates, so the operator hears of it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from alma.conversation.intent import Intent, IntentName, Resource
from alma.conversation.text import normalize
from alma.llm import LLMBackend, Message
from alma.llm.errors import ModelError

__all__ = ["LLM_CONFIDENCE", "LLMIntentFallback", "ProposedIntent", "ProposedResource", "read_proposal"]

log = logging.getLogger(__name__)

LLM_CONFIDENCE = 0.5  # below every reading of the grammar
DOUBTFUL = 0.7  # a reading with less confidence is also put to the model (for its risk)
MAX_TEXT = 2000  # characters of the sentence sent to the model
KindName = Literal[
    "lxc",
    "vm",
    "container",
    "deployment",
    "webserver",
    "database",
    "loadbalancer",
    "cache",
    "queue",
    "network",
    "storage",
]
_OPERATIONS = ("deploy", "destroy", "start", "stop", "restart", "scale", "update", "rollback")
_NAME = r"^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$"
_PRONOUNS = frozenset({"it", "this", "that", "them", "those"})
_FENCE = re.compile(r"^```[a-z]*\s*|\s*```$")


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


class ProposedResource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, pattern=_NAME)
    kind: KindName | None = None
    template: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9.-]{0,31}$")
    cores: int | None = Field(default=None, ge=1, le=512)
    memory_mb: int | None = Field(default=None, ge=16, le=4 * 1024 * 1024)
    disk_gb: int | None = Field(default=None, ge=1, le=1024 * 1024)
    count: int = Field(default=1, ge=1, le=1000)

    _lowered = field_validator("name", "kind", "template", mode="before")(_lower)


# What the model may say about a sentence (its JSON schema is sent, so no docstring here). No
# ``destructive`` and no confidence: those are ALMA's to decide.
class ProposedIntent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    intent: IntentName
    resources: list[ProposedResource] = Field(default_factory=list, max_length=20)
    target: str | None = Field(default=None, pattern=_NAME)
    direction: Literal["up", "down"] | None = None
    scale_to: int | None = Field(default=None, ge=0, le=10_000)
    action: IntentName | None = None

    _lowered = field_validator("target", "direction", mode="before")(_lower)

    @model_validator(mode="after")
    def _consistent(self) -> ProposedIntent:
        if self.intent == "scale" and self.direction is None and self.scale_to is None:
            raise ValueError("a scale intent needs direction (up or down) or scale_to (the new count)")
        if self.intent != "scale" and (self.direction is not None or self.scale_to is not None):
            raise ValueError("direction and scale_to belong to a scale intent only; use null")
        if self.action is not None and (self.intent != "plan" or self.action not in _OPERATIONS):
            raise ValueError(f"action belongs to a plan intent only and is one of {', '.join(_OPERATIONS)}")
        return self

    @model_validator(mode="after")
    def _names_from_the_request(self, info: ValidationInfo) -> ProposedIntent:
        """A name the request does not contain is made up: the model must not invent what to act on."""
        request = info.context.get("request") if isinstance(info.context, dict) else None
        if not isinstance(request, str):
            return self
        names = [r.name for r in self.resources if r.name]
        if self.target is not None and self.target not in _PRONOUNS:
            names.append(self.target)
        said = request.lower()
        invented = sorted({n for n in names if not re.search(rf"(?<![a-z0-9._-]){re.escape(n)}(?![a-z0-9_-])", said)})
        if invented:
            raise ValueError(f"the request does not name {', '.join(invented)}; use null for names it does not say")
        return self


def read_proposal(answer: str, request: str | None = None) -> ProposedIntent:
    """The model's answer validated (code fences and prose around the object tolerated), and, given the
    ``request``, its names checked against it; raises ``ValidationError``, whose errors the repair round
    feeds back."""
    text = _FENCE.sub("", answer.strip())
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        text = text[start : end + 1]
    return ProposedIntent.model_validate_json(text, context={"request": request})


def _errors(exc: ValidationError) -> str:
    shown = [f"{'.'.join(str(p) for p in e['loc']) or 'the answer'}: {e['msg']}" for e in exc.errors()[:8]]
    return "; ".join(shown)


_INSTRUCTIONS = """\
You read one request made to ALMA, an infrastructure tool, and answer with one JSON object only.
Keys: intent, resources, target, direction, scale_to, action. Use null where the request does not say.
intent is one of: deploy (create resources), destroy (delete), start, stop, restart, scale (change how
many; direction up or down, or scale_to the new count), update (change specs or tags), status, list,
plan (what would happen; action names the operation), rollback, design, troubleshoot, explain,
unknown (anything that is not about infrastructure).
resources: the resources the request describes, each {name, kind, template, cores, memory_mb, disk_gb,
count}; kind is one of lxc, vm, container, deployment (Kubernetes), webserver, database, loadbalancer, cache,
queue, network, storage; template is an image such as ubuntu, alpine, nginx, postgres, redis.
target: the name of the existing resource the request acts on, or null.
Names (target, resource names) are only ever names written in the request; otherwise null."""


class LLMIntentFallback:
    """Asks ``backend`` for an intent when the grammar found none. Made once, shared; holds no state."""

    def __init__(self, backend: LLMBackend, *, max_tokens: int = 200, temperature: float = 0.0) -> None:
        self._backend = backend
        self._max_tokens = max_tokens
        self._temperature = temperature
        self._schema = ProposedIntent.model_json_schema()
        # The schema itself goes with the request (``json_schema``), not into the prompt: a small model on a
        # CPU spends most of its time reading the prompt, and the prose above names every key and value.
        self._system = _INSTRUCTIONS

    @staticmethod
    def applies_to(parsed: Intent) -> bool:
        """Whether the model is asked about this reading of the grammar."""
        return (
            parsed.name == "unknown"
            and not (parsed.proceed or parsed.cancel or parsed.follow_up)
            and not any(s.startswith("context:") for s in parsed.signals)
        )

    @staticmethod
    def wants(parsed: Intent) -> bool:
        """Whether the model is asked at all: about ``unknown`` (``applies_to``), and about readings the
        grammar and classifier made with little confidence, whose risk the model's reading may raise."""
        contextual = parsed.proceed or parsed.cancel or parsed.follow_up or parsed.correction
        return LLMIntentFallback.applies_to(parsed) or (not contextual and parsed.confidence < DOUBTFUL)

    async def consult(self, text: str, parsed: Intent) -> Intent | None:
        """The model's own reading of ``text`` when it is asked (``wants``) and gives a valid one, else None."""
        if not self.wants(parsed):
            return None
        read = await self.parse(text, replace(parsed, name="unknown"), asked=True)
        return read if "llm" in read.signals and read.name != "unknown" else None

    async def parse(self, text: str, parsed: Intent, *, asked: bool = False) -> Intent:
        """``parsed`` (the grammar's reading of ``text``), or the model's reading when it is asked and valid."""
        if not asked and not self.applies_to(parsed):
            return parsed
        # After an injection only the text before it is read, as the grammar did.
        readable = normalize(text)[0] if "injection-ignored" in parsed.signals else text
        readable = readable.strip()[:MAX_TEXT]
        if not readable:
            return parsed
        messages: list[Message] = [
            {"role": "system", "content": self._system},
            {"role": "user", "content": readable},
        ]
        signals: tuple[str, ...] = ("llm",)
        for attempt in (1, 2):
            try:
                answer = await self._backend.complete(
                    messages, json_schema=self._schema, temperature=self._temperature, max_tokens=self._max_tokens
                )
            except ModelError as exc:
                log.warning("the model failed on a sentence (attempt %d); it stays unknown: %s", attempt, exc)
                return replace(parsed, signals=(*parsed.signals, "llm", "llm-failed"))
            try:
                proposal = read_proposal(answer, readable)
            except ValidationError as exc:
                problems = _errors(exc)
                log.info("the model's intent for a sentence is invalid (attempt %d): %s", attempt, problems)
                messages += [
                    {"role": "assistant", "content": answer[:2000]},
                    {
                        "role": "user",
                        "content": f"That answer is invalid: {problems}. Answer again with one corrected JSON "
                        "object only.",
                    },
                ]
                signals = ("llm", "llm-repaired")
                continue
            return _intent(proposal, parsed, signals)
        log.warning("the model gave no valid intent after a repair round; the sentence stays unknown")
        return replace(parsed, signals=(*parsed.signals, "llm", "llm-invalid"))


def _intent(proposal: ProposedIntent, parsed: Intent, signals: tuple[str, ...]) -> Intent:
    """The proposal as an ``Intent``, with the grammar's flags and signals kept and ``llm`` signals added."""
    if proposal.intent == "unknown":
        return replace(parsed, signals=(*parsed.signals, *signals))
    target, reference = proposal.target, None
    if target in _PRONOUNS:
        target, reference = None, "it"
    return Intent(
        proposal.intent,
        tuple(
            Resource(r.name, r.kind, r.template, r.cores, r.memory_mb, r.disk_gb, r.count) for r in proposal.resources
        ),
        target,
        LLM_CONFIDENCE,
        proposal.direction,
        proposal.scale_to,
        reference,
        topic_switch=parsed.topic_switch,
        action=proposal.action,
        signals=(*parsed.signals, *signals),
    )
