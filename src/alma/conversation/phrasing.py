"""The persona's reply with the language model's words, streamed: voice only, never a decision.

By the time a reply is said, the turn is decided: the reading, the plan, the risk decision, the
confirmation token, what ran. The model is handed those facts and ALMA's reply and asked for a sentence
or two in the persona's voice on what they mean for the person; its words are streamed as it writes
them. Then ALMA's reply follows, verbatim: the facts (the plan's summary, the IPR, what ran, why
something was refused, how to confirm and the token) are never reworded, so no model can misstate them
— a small model's words may be poor, the facts after them are exact. The token is not shown to the
model at all. Each of the model's sentences is checked against the turn before it is said (``fits``):
one that is not about the request, claims what did not happen, names what the facts do not, or speaks
of an act the plan does not do is dropped — said sentence by sentence, so the checked words still
stream. A model that fails, or says nothing, leaves ALMA's reply alone. ``ConfigurationError``
(an endpoint that cannot be used) propagates.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing

from alma.conversation.cues import cues
from alma.conversation.personas import Persona
from alma.conversation.resources import is_name
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
        held: list[str] = []  # the pieces of the sentence being written, said once it is checked
        said, space = False, False  # space: whitespace was read after the last word said or held
        context = " ".join([*facts, told]).lower()
        try:
            async with aclosing(
                self._backend.stream(messages, temperature=self._temperature, max_tokens=self._max_tokens)
            ) as pieces:
                async for piece in pieces:
                    words = " ".join(piece.split())
                    if not words:
                        space = space or said or bool(held)
                        continue
                    if (said or held) and (space or piece[0].isspace()):
                        words = " " + words
                    space = piece[-1].isspace()
                    held.append(words)
                    if _ENDS.search(words):
                        for kept in _checked(held, said, context):
                            said = True
                            yield kept
                        held = []
        except ModelError as failed:
            log.warning("the model stopped while speaking (%s); ALMA's reply is said as written", failed)
            held = []  # a sentence cut off is not said
        for kept in _checked(held, said, context):
            said = True
            yield kept
        yield ("\n" if said else "") + reply


_ENDS = re.compile(r"[.!?][\"')]*$")
# What a model says when it is not talking about the request at all.
_OFF_TOPIC = re.compile(
    r"\b(as an ai|language model|i can ?not|i can't|i cannot|you can ?not|you can't|i am unable|i'm unable|"
    r"i do not have|i don't have|i'm sorry|i am sorry|question about|as a chatbot|i am just|i'm just)\b"
)
_DONE = re.compile(
    r"\b(applied|done|completed|finished|deleted|destroyed|removed|created|deployed|restarted|stopped|started|"
    r"scaled|rolled back|has been|have been|is now|are now)\b"
)
_NUMBER = re.compile(r"\b\d+(?:\.\d+)?\b")
_TOKEN = re.compile(r"\bcfm-|\btoken\b")


def fits(sentence: str, context: str) -> bool:
    """Whether the model's ``sentence`` is about this turn and agrees with it (``context``: the facts and
    ALMA's reply, lower case): not a refusal or a remark about itself, no claim that something was done
    when nothing ran, no name or number the facts do not hold, no mention of the token, and no act the
    turn is not about ("I'll delete it" when the plan deletes nothing)."""
    lowered = sentence.lower()
    if _OFF_TOPIC.search(lowered) or _TOKEN.search(lowered):
        return False
    ran = "was applied" in context or "the apply " in context
    if _DONE.search(lowered) and not ran:
        return False
    words = re.findall(r"[a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9]", lowered)
    if any(is_name(w) and w not in context for w in words):
        return False
    if any(n not in context for n in _NUMBER.findall(lowered)):
        return False
    acts = {c.kind for c in cues(sentence) if c.kind != "everything"}
    return all(_ACT_WORDS[kind].search(context) for kind in acts)


_ACT_WORDS: dict[str, re.Pattern[str]] = {
    "delete": re.compile(r"\b(destroy|delete|deletes|to delete)\b"),
    "stop": re.compile(r"\b(stop|start|power|shut)"),
    "restart": re.compile(r"\b(restart|reboot|start)"),
    "rollback": re.compile(r"\b(rollback|roll back|revision|revert|undo)"),
    "shrink": re.compile(r"\b(scale|shrink|replicas|resiz|update|fewer|less|reduc)"),
    "data-loss": re.compile(r"\b(replace|rebuild|reinstall|recreat|destroy|delete)"),
}


def _checked(held: list[str], said: bool, context: str) -> list[str]:
    """The pieces of one sentence if it fits the turn, else none (and the log says it was dropped)."""
    sentence = "".join(held).strip()
    if not sentence:
        return []
    if not fits(sentence, context):
        log.info("the model's sentence does not fit the turn and was not said: %r", sentence[:200])
        return []
    if not said and held[0].startswith(" "):
        return [held[0].lstrip(), *held[1:]]
    return held
