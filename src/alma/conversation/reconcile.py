"""The grammar's reading and the classifier's prediction, reconciled into one ``Intent``.

The grammar knows structure (which verb commands, what is negated, which word is the target); the
classifier knows which words go with which intent across the corpus, including phrasings no rule
names. The grammar's reading stands when it found a command or a frame it trusts; the classifier is
heard where the grammar could not read the sentence (``unknown``) or only guessed (a bare name read
as a status question), and its intent is then read through the grammar (``IntentParser.read_as``) so
targets, resources and counts come from the words, never from the classifier. Turns that only make
sense in the conversation — "go ahead", "wait, no", "and cache-01?", a symptom about the focus — are
the focus's to resolve, and are left alone. Whether anything is destructive is not decided here
(``safety``): a classifier's reading has confidence below the guard's trust in reads.
"""

from __future__ import annotations

from dataclasses import replace

from alma.conversation.classifier import Prediction
from alma.conversation.cues import live_cues
from alma.conversation.intent import INTENTS, Intent, IntentName
from alma.conversation.parser import IntentParser

_OPERATIONS = frozenset({"deploy", "destroy", "start", "stop", "restart", "scale", "update", "rollback"})
HEARD = 0.45  # the classifier's probability from which it is heard over "unknown"
OVERRIDES = 0.8  # ... and over a guess of the grammar's (confidence GUESS or less)
GUESS = 0.5
CLASSIFIED = 0.65  # the confidence of a reading the classifier chose


def _contextual(parsed: Intent) -> bool:
    handled = parsed.proceed or parsed.cancel or parsed.follow_up or parsed.correction
    handled = handled or "sarcasm" in parsed.signals or "closing" in parsed.signals  # "thanks, bye": said, not asked
    # "2 cores, 4GB", "name it grafana-02, debian, 2 cores": the focus's (a name said reads as a status too)
    handled = handled or ("amend" in parsed.signals and parsed.name in {"unknown", "status"})
    # "with a VPN on top" after a design, "what should I do?" after a symptom, "its called x", "the first one",
    # a pasted log: what they mean is the focus's to say
    said_of_focus = ("context:", "continues:", "names-focus", "bare-ordinal", "pasted")
    return handled or any(s.startswith(said_of_focus) for s in parsed.signals)


# What a live destructive cue most likely asks for, when neither the grammar nor the classifier could say.
_CUE_ACTS: dict[str, IntentName] = {
    "delete": "destroy",
    "stop": "stop",
    "restart": "restart",
    "rollback": "rollback",
}


def heard_cue(parsed: Intent, parser: IntentParser, text: str) -> Intent:
    """``parsed``, or, where it is only a guess ("i don't need reports-vm any more" read as a status of the
    name it saw), ``text`` read as the act its one live destructive cue asks for. The guard already
    confirms such a sentence; this makes the reading say why."""
    if _contextual(parsed) or parsed.name not in {"status", "unknown"} or parsed.confidence > GUESS + 0.1:
        return parsed
    live = live_cues(text)
    kinds = {c.kind for c in live if c.kind != "everything"}
    if len(kinds) != 1:
        return parsed
    act = _CUE_ACTS.get(next(iter(kinds)))
    if act is None:
        return parsed
    read = parser.read_as(text, act, GUESS + 0.1, "cue")
    said = {c.words for c in live}
    if read.target in said or (read.reference or "").split(":")[-1] in said:
        read = replace(read, target=None, reference=None)  # "evict everything from node-3": the act is no name
    aimed = read.target is not None or read.reference is not None or any(c.kind == "everything" for c in live)
    return read if aimed else parsed


def reconcile(parsed: Intent, prediction: Prediction, parser: IntentParser, text: str) -> Intent:
    """The reading to use: ``parsed``, or ``text`` read as the classifier's intent where it is heard."""
    if _contextual(parsed) or prediction.intent not in INTENTS or prediction.intent == parsed.name:
        return parsed
    predicted: IntentName = prediction.intent
    if "statement" in parsed.signals and predicted in _OPERATIONS:
        return parsed  # a sentence that says how things are asks for no change, whatever its words resemble
    if "unanchored" in parsed.signals and predicted not in _OPERATIONS:
        return parsed  # "what's a good pizza place?": a question about nothing of infrastructure explains none of it
    if parsed.name == "unknown" and predicted != "unknown" and prediction.probability >= HEARD:
        return parser.read_as(text, predicted, CLASSIFIED, "classifier")
    if parsed.confidence <= GUESS and prediction.probability >= OVERRIDES:
        if predicted == "unknown":
            return Intent("unknown", confidence=prediction.probability, signals=(*parsed.signals, "classifier"))
        return parser.read_as(text, predicted, CLASSIFIED, "classifier")
    return parsed
