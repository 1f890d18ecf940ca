"""The conversational layer in the request path: parse → focus → frustration → risk guard → persona.

``ConversationService.interpret`` reads one message in its session and returns the interpretation
(the ``alma intent`` contract) with the persona's reply. It changes no infrastructure; the session's
focus and messages are saved so the next message is read in context.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from alma.conversation.classifier import IntentClassifier, default_classifier
from alma.conversation.focus import Focus, Resolved
from alma.conversation.frustration import session_score
from alma.conversation.intent import Intent, is_destructive
from alma.conversation.parser import IntentParser
from alma.conversation.personas import Persona, persona_for, reply
from alma.conversation.reconcile import heard_cue, reconcile
from alma.conversation.risk import RiskDecision, decide
from alma.conversation.safety import judge, proposal_destructive

if TYPE_CHECKING:
    from alma.conversation.llm_fallback import LLMIntentFallback

log = logging.getLogger(__name__)
HISTORY = 20  # messages read back to score frustration


@dataclass(frozen=True, slots=True)
class Interpretation:
    reading: Resolved
    destructive: bool
    risk: RiskDecision
    persona: Persona
    reply: str

    def as_json(self) -> dict[str, Any]:
        """The stable contract of ``alma intent --json``."""
        return {
            "intent": self.reading.name,
            "destructive": self.destructive,
            "resources": [r.as_json() for r in self.reading.resources],
            "target": self.reading.target,
            "risk": self.risk.as_json(),
            "persona": self.persona,
            "confidence": round(self.reading.confidence, 2),
        }


class _Default:
    """The classifier trained from the repository's corpus (``classifier.default_classifier``)."""


DEFAULT_CLASSIFIER = _Default()


class SessionTurn(Protocol):
    """One message of a session as the reading uses it (``alma.services.sessions.Turn``)."""

    @property
    def role(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...


class SessionLog(Protocol):
    """Where a session's turns and state are kept (``alma.services.sessions.SessionService``). Named here as
    what the reading needs, so the language layer sits below the services and imports none of them."""

    async def state(self, session_id: str) -> dict[str, Any]: ...
    async def save_state(self, session_id: str, state: dict[str, Any]) -> None: ...
    async def add(self, session_id: str, role: str, text: str, data: dict[str, Any] | None = None) -> None: ...
    async def turns(self, session_id: str, limit: int = 50) -> Sequence[SessionTurn]: ...


# Messages longer than this are read in a worker thread (see ``interpret``); a sentence is read in place.
_READ_IN_THREAD_OVER = 500


class ConversationService:
    def __init__(
        self,
        sessions: SessionLog,
        parser: IntentParser | None = None,
        fallback: LLMIntentFallback | None = None,
        classifier: IntentClassifier | _Default | None = DEFAULT_CLASSIFIER,
    ) -> None:
        """``classifier``: the intent classifier reconciled with the grammar (None: the grammar alone)."""
        self._sessions = sessions
        self._parser = parser or IntentParser()
        self._fallback = fallback  # an LLM for what the grammar cannot read, when one is configured
        self._classifier = default_classifier() if isinstance(classifier, _Default) else classifier

    def _read(self, text: str) -> Intent:
        """The grammar's reading of ``text``, reconciled with the classifier and the destructive cues."""
        parsed = self._parser.parse(text)
        if self._classifier is not None:
            parsed = reconcile(parsed, self._classifier.predict(text), self._parser, text)
        return heard_cue(parsed, self._parser, text)

    async def interpret(self, text: str, session_id: str | None = None) -> Interpretation:
        """Read ``text`` in its session (none: no context, nothing saved)."""
        if len(text) > _READ_IN_THREAD_OVER:
            # A long message (up to 4,000 characters over HTTP) is read off the event loop: tens of
            # milliseconds of CPU that would otherwise hold every other request of the server.
            parsed = await asyncio.to_thread(self._read, text)
        else:
            parsed = self._read(text)
        consulted = None
        if self._fallback is not None:  # the model, when configured, reads what the grammar could not or doubts
            consulted = await self._fallback.consult(text, parsed)
            if consulted is not None and parsed.name == "unknown":
                parsed = consulted
        state: dict[str, Any] = {}
        earlier: list[str] = []
        failures = 0
        if session_id is not None:
            state = await self._sessions.state(session_id)
            turns = await self._sessions.turns(session_id, HISTORY)
            earlier = [t.text for t in turns if t.role == "user"]
            failures = sum(1 for t in turns if t.data.get("outcome") == "failed")
        focus = Focus.from_state(state.get("focus"))
        reading = focus.resolve(parsed)
        destructive = judge(reading, text).destructive
        if consulted is not None and not reading.cancelled and not reading.from_pending:
            # the stricter risk wins: a model that reads a removal makes the request a destructive one
            destructive = destructive or is_destructive(consulted.name, consulted.direction, consulted.scale_to)
        frustration = session_score([*earlier, text], failures)
        subject = {
            "intent": reading.name,
            "target": reading.target,
            "resources": [r.as_json() for r in reading.resources],
        }
        risk = decide(
            reading.name, destructive, frustration, session=session_id or "-", subject=subject, target=reading.target
        )
        persona = persona_for(reading.name, "from-scratch" in parsed.signals)
        result = Interpretation(reading, destructive, risk, persona, reply(persona, reading, risk))
        if "injection-ignored" in parsed.signals:
            log.warning("ignored instructions embedded in a message (session %s)", session_id)
        if session_id is not None:
            proposed = parsed.action is not None and proposal_destructive(
                parsed.action, reading.direction, reading.scale_to, text
            )
            focus.advance(parsed, reading, destructive, risk.token, proposed)
            await self._sessions.add(session_id, "user", text, result.as_json())
            await self._sessions.add(
                session_id, "assistant", result.reply, {"decision": risk.decision, "persona": persona}
            )
            await self._sessions.save_state(session_id, {**state, "focus": focus.to_state()})
        return result
