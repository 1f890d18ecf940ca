"""How frustrated the user sounds, 0..1, from the session's messages (the newest weighs most).

Each message scores its own signals — shouting (words in capitals that are not acronyms), "!!",
profanity (masked or not), exasperation ("ridiculous", "useless", "ugh"), urgency ("right now"),
repetition of an earlier message, complaints that it happened before ("again", "third time") — and
the session's score carries the past forward with decay: ``s = 0.6·s_prev + m`` capped at 1.
Repeated failures (answers the session recorded with ``outcome: failed``) add to the newest message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from alma.conversation.lexicon import words as word_list

CARRY = 0.6
FRUSTRATED = 0.5  # from this score on, the user counts as frustrated

_ACRONYMS = frozenset(
    word_list(
        "LXC LXCS VM VMS RAM CPU CPUS VCPU VCPUS HA DB DBS OOM GB MB TB GIB MIB API IP DNS SSH HTTP HTTPS TLS SSL "
        "OK ID IDS PVE K8S CT SSD HDD NFS UI CLI URL JSON YAML AWS GCP LB CI CD IPR US EU UTC TCP UDP OS"
    )
)
_PROFANITY = re.compile(
    r"\b(f[u*@#]+c?k\w*|sh[i*!1]t\w*|s\*+t|damn\w*|crap\w*|wtf|ffs|bloody|hell|bullsh\w*|goddam\w*|"
    r"piss\w*|screw (this|it|you)|stfu|omfg|a[s*]{2}hole|b[i*]tch\w*)\b|[a-z]\*+[a-z]*"
)
_SIGNALS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(pattern), weight)
    for pattern, weight in (
        (r"\b(ugh+|argh+|grr+|sigh|omg|jeez|geez|come on|seriously)\b", 0.2),
        (r"\b(ridiculous|useless|stupid|pathetic|terrible|awful|garbage|hopeless|annoying|insane|absurd|joke)\b", 0.25),
        (r"\b(sick of|fed up|hate|tired of|had enough|enough of|give up|losing my mind)\b", 0.3),
        (r"\b(again|still|keeps?|every time|once more)\b", 0.15),
        (
            r"\b(already (told|said|asked)|told you|for the (last|third|hundredth) time|(second|third|fourth|fifth|"
            r"\d+(st|nd|rd|th)) time|how many times)\b",
            0.3,
        ),
        (r"\b(right now|asap|immediately|now!|hurry|just do it|do it now)\b", 0.2),
        (r"\b(do not|don't) have time\b|\bno time for\b", 0.2),
        (r"\bjust\b.*\balready\b", 0.15),
    )
)
_POLITE = re.compile(r"\b(please|thanks|thank you|could you|would you|when you get a chance)\b")


def message_score(text: str) -> float:
    """The frustration one message shows on its own, 0..1."""
    lowered = text.lower()
    score = 0.0
    words = re.findall(r"[A-Za-z][A-Za-z0-9'*-]*", text)
    shouted = [w for w in words if len(w) >= 2 and w.isupper() and w.upper().strip("'") not in _ACRONYMS]
    letters = [w for w in words if len(w) >= 2]
    if shouted:
        share = len(shouted) / max(1, len(letters))
        score += 0.35 if len(shouted) >= 2 or share >= 0.5 else 0.2
    bangs = text.count("!")
    score += 0.15 if "!!" in text or bangs >= 2 else 0.05 * bangs
    if _PROFANITY.search(lowered):
        score += 0.4
    for pattern, weight in _SIGNALS:
        if pattern.search(lowered):
            score += weight
    if _POLITE.search(lowered) and score < 0.3:
        score = max(0.0, score - 0.1)
    return min(1.0, score)


def session_score(messages: Sequence[str], failures: int = 0) -> float:
    """The session's frustration after ``messages`` (oldest first, the newest last), 0..1."""
    score = 0.0
    for index, text in enumerate(messages):
        own = message_score(text)
        if any(_similar(text, earlier) for earlier in messages[max(0, index - 5) : index]):
            own += 0.3  # saying the same thing again
        score = min(1.0, CARRY * score + own)
    if messages:
        score = min(1.0, score + 0.15 * min(failures, 4))
    return round(score, 2)


def _similar(a: str, b: str) -> bool:
    a, b = a.lower().strip(), b.lower().strip()
    return len(a) > 8 and SequenceMatcher(None, a, b).ratio() >= 0.85
