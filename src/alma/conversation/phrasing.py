"""The persona's reply with the language model's words, streamed: voice only, never a decision.

By the time a reply is said, the turn is decided: the reading, the plan, the risk decision, the
confirmation token, what ran. The model is handed those facts and ALMA's reply and asked for a sentence
or two in the persona's voice on what they mean for the person; its words are streamed as it writes
them. Then ALMA's reply follows, verbatim: the facts (the plan's summary, the IPR, what ran, why
something was refused, how to confirm and the token) are never reworded, so no model can misstate them
— a small model's words may be poor, the facts after them are exact. The token is not shown to the
model at all. A model that fails, or says nothing, leaves ALMA's reply alone. ``ConfigurationError``
(an endpoint that cannot be used) propagates.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing

from alma.conversation.personas import Persona
from alma.llm import LLMBackend, Message, ModelError

__all__ = ["VOICES", "ReplyPhraser"]

log = logging.getLogger(__name__)

VOICES: dict[Persona, str] = {
    "architect": "an architect: explanatory, and you name the good practice behind a choice",
    "operator": "an operator: concise, you say what will happen and what the risk is",
    "medic": "an on-call engineer: calm and systematic, you ask the questions that find the cause",
}

_INSTRUCTIONS = """\
You are ALMA, an infrastructure assistant, speaking as {voice}. In one or two short sentences, tell the
person what the facts below mean for them. ALMA's reply is said right after your words, so do not
repeat it. Use only the facts given: add no names, numbers, commands or promises, and never say that
something was done unless the facts say it was. Plain text only."""


class ReplyPhraser:
    """Streams ``backend``'s words before a decided reply. Made once, shared; holds no state."""

    def __init__(self, backend: LLMBackend, *, max_tokens: int = 60, temperature: float | None = None) -> None:
        self._backend = backend
        self._max_tokens = max_tokens
        self._temperature = temperature

    async def say(
        self, persona: Persona, facts: Sequence[str], reply: str, secret: str | None = None
    ) -> AsyncGenerator[str, None]:
        """The model's words in pieces (whitespace runs said as one space), then a line break and ``reply``
        verbatim; ``reply`` alone when the model says nothing or fails. ``secret`` (a confirmation token)
        is not shown to the model."""
        listed = "\n".join(f"- {fact}" for fact in facts)
        told = reply.replace(secret, "(token)") if secret else reply
        messages: list[Message] = [
            {"role": "system", "content": _INSTRUCTIONS.format(voice=VOICES[persona])},
            {"role": "user", "content": f"Facts:\n{listed}\n\nALMA's reply:\n{told}"},
        ]
        said, space = False, False  # space: whitespace was read after the last word said
        try:
            async with aclosing(
                self._backend.stream(messages, temperature=self._temperature, max_tokens=self._max_tokens)
            ) as pieces:
                async for piece in pieces:
                    words = " ".join(piece.split())
                    if not words:
                        space = space or said
                        continue
                    if said and (space or piece[0].isspace()):
                        words = " " + words
                    space = piece[-1].isspace()
                    said = True
                    yield words
        except ModelError as failed:
            log.warning("the model stopped while speaking (%s); ALMA's reply is said as written", failed)
        yield ("\n" if said else "") + reply
