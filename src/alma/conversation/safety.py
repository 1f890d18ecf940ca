"""Whether a request is destructive: the reading's answer and the cues', and the stricter one wins.

The reading (grammar, classifier, focus) says destroy, stop, restart, rollback or scale down: that is
destructive. Otherwise the sentence's live destructive cues (``cues``) still make it destructive unless
the reading is a confident read — a question about destruction ("what happens if I delete db-01?") is a
plan, an explanation or a status question, and stays one. So a reading the parser could not make
(``unknown``), a low-confidence one, or a harmless intent next to a destructive clause ("deploy a new
vm and remove the old one") is confirmed, never allowed: a false positive costs one confirmation, a
false negative is the failure that matters. An operation aimed at everything ("update everything",
"restart all the vms") is destructive too. A withdrawn request ("wait, no, leave it") is not.
"""

from __future__ import annotations

from dataclasses import dataclass

from alma.conversation.cues import Cue, cues, live_cues, requested
from alma.conversation.focus import Resolved
from alma.conversation.intent import READ_INTENTS, Direction, IntentName, is_destructive

TRUSTED = 0.7  # a read intent at this confidence or more is believed over a cue
# Operations that, aimed at everything, reduce or interrupt something (a deploy or a start adds).
_WIDE_OPERATIONS: frozenset[IntentName] = frozenset({"update", "scale", "restart", "stop", "destroy", "rollback"})
# What a live cue most likely asks for, when the reading could not say.
CUE_INTENT: dict[str, IntentName] = {
    "delete": "destroy",
    "stop": "stop",
    "restart": "restart",
    "rollback": "rollback",
    "shrink": "scale",
}


@dataclass(frozen=True, slots=True)
class Judgement:
    destructive: bool
    why: str  # "reading", "cue:KIND" or "" when not destructive
    cues: tuple[Cue, ...] = ()


def judge(reading: Resolved, text: str) -> Judgement:
    """Destructive by the reading, or by the text's live cues unless the reading is a trusted read."""
    if reading.cancelled:
        return Judgement(False, "")
    live = tuple(live_cues(text)) if not reading.from_pending else ()
    if is_destructive(reading.name, reading.direction, reading.scale_to):
        return Judgement(True, "reading", live)
    if reading.shrinks:  # "set it to 2 cores" after it was said to have 8
        return Judgement(True, "shrink", live)
    if reading.pending_destructive and not reading.from_pending:  # "typo: 200GB" after a shrink was asked
        return Judgement(True, "corrected", live)
    if reading.from_pending:  # "go ahead": the action waiting decides
        return Judgement(reading.pending_destructive, "pending" if reading.pending_destructive else "")
    trusted_read = reading.name in READ_INTENTS and reading.name != "unknown" and reading.confidence >= TRUSTED
    if trusted_read:
        asked_for = [c for c in live if c.kind != "everything" and requested(text, c)]
        if asked_for:  # "can we lose a replica of web?": a request, however the grammar read it
            return Judgement(True, f"cue:{asked_for[0].kind}", live)
        return Judgement(False, "", live)
    acting = [c for c in live if c.kind != "everything"]
    if acting:
        return Judgement(True, f"cue:{acting[0].kind}", live)
    if reading.name in _WIDE_OPERATIONS and any(c.kind == "everything" for c in live):
        return Judgement(True, "cue:everything", live)
    return Judgement(False, "", live)


def proposal_destructive(action: IntentName, direction: Direction | None, scale_to: int | None, text: str) -> bool:
    """Whether the operation a plan or a question proposes ("should we downsize web-01?", "preview scaling
    checkout down to 2") would be destructive once carried out: by its intent, or by any destructive cue
    in the words, asked or not."""
    if is_destructive(action, direction, scale_to):
        return True
    return any(c.kind != "everything" for c in cues(text))
