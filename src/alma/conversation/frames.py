"""Frames that span a sentence rather than hang on one verb: corrections, new counts, stated counts.

- A **correction** changes the target of the request just made, without repeating it: "wait, not
  web-a — only web-b", "sorry, I meant pg-replica, not pg-main", "actually keep test-2", "except the
  registry, keep that running", "leave the database alone, only the app". It names what is now meant
  (a name, or a word to match against what the session knows: "the app") and what is excluded.
- A **new count** ("take it to 10", "bring checkout-svc down to 1 replica", "web: 3 → 9", "make it 4",
  "go to 6") is a scale to that count; the number must be a count, not a size or cores ("drop it to 2
  cores" is an update).
- A **stated count** ("frontend has 12 replicas", "web01 is on 2 replicas", "it's at five") tells the
  session how many there are now, so that a later "take it to 10" knows whether that is up or down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from alma.conversation.lexicon import CORE_WORDS, COUNT_WORDS, DISK_WORDS, MEMORY_WORDS, PRONOUNS
from alma.conversation.quantities import Tok
from alma.conversation.resources import is_name

_EXCLUDERS = frozenset({"not", "except", "excluding", "keep", "leave", "spare", "skip", "without"})
_INCLUDERS = frozenset({"only", "just", "meant", "mean", "rather"})
_SETTER_WORDS = (
    "take bring go set put move get make knock dial push drop cut scale reduce increase grow shrink downsize "
    "upsize bump raise lower change resize adjust pin cap peg hold keep lock fix"
)
_SETTERS = frozenset(_SETTER_WORDS.split())
_SPEC_WORDS = CORE_WORDS | MEMORY_WORDS | DISK_WORDS
_HAS = frozenset({"has", "have", "is", "are", "sits", "sit", "runs", "run", "running", "at", "on", "currently"})
_STATES = frozenset({"alone", "running", "up", "on", "alive", "be", "is", "as", "where", "it", "now", "for", "too"})
_FILLER = frozenset({"the", "a", "an", "that", "this", "one", "ones", "wait", "oh", "sorry", "hmm", "actually", "no"})


@dataclass(frozen=True, slots=True)
class Correction:
    target: str | None  # the name now meant
    reference: str | None  # or a word to resolve ("word:app", "it")
    excluded: tuple[str, ...]  # names (or "word:…") no longer meant


_OOPS = frozenset({"no", "nope", "sorry", "oops", "actually", "i", "err", "uh", "nah", "wait", "wrong"})
_INCLUDE_WORDS = frozenset({"only", "meant", "instead", "except", "excluding", "rather"})
_TARGET_START = frozenset({"the", "that", "this"})


_AUXILIARIES = frozenset({"will", "would", "does", "do", "did", "can", "could", "is", "are", "should", "was"})


def _asked_negation(words: list[str], k: int) -> bool:
    """ "why will not grafana-mon load?": the "not" of a question's auxiliary, before its subject, negates the
    verb that follows (a symptom asked about), not the name (a correction)."""
    return words[k] == "not" and k > 0 and words[k - 1] in _AUXILIARIES and "why" in words[: k - 1]


def correction(tokens: list[Tok]) -> Correction | None:
    """The correction ``tokens`` make, if they make one (the caller checks there is no new command):
    an includer ("only", "meant", "instead", "except"), or a name or "the …" after "not", "keep", "leave"."""
    words = [t.text for t in tokens]
    other = [k for k, w in enumerate(words) if w == "other"]
    pointing = [k for k in other if k + 1 >= len(words) or words[k + 1] in {"one", "ones"} or tokens[k + 1].punct]
    if pointing and not any(w in {"every", "all", "each"} for w in words):
        after = [w for w in words[pointing[0] :] if is_name(w)]
        if len(after) == 1:  # "no, the other one, web-02": the other one, named in apposition
            return Correction(after[0], None, tuple(w for w in words if is_name(w) and w != after[0]))
        return Correction(None, "other", ())  # "not that one, the other one" (not "the other brokers")
    names = [w for k, w in enumerate(words) if is_name(w) and (k == 0 or words[k - 1] != "not")]
    said = [t.text for t in tokens if not t.punct]
    if len(said) <= 6 and said and said[0] in _OOPS and len(names) == 1:
        return Correction(names[0], None, tuple(w for w in words if is_name(w) and w != names[0]))  # "no — web-2"
    pointed = any(
        w in {"not", "keep", "leave", "spare", "skip"}
        and k + 1 < len(words)
        and (is_name(words[k + 1]) or words[k + 1] in _TARGET_START)
        and not _asked_negation(words, k)
        for k, w in enumerate(words)
    )
    position = next((t.integer for t in tokens if t.ordinal and t.integer is not None), None)
    if position is not None and any(w in {"only", "just"} for w in words) and not names:
        return Correction(None, f"ordinal:{position}", ())  # "just the first one"
    if not pointed and not any(w in _INCLUDE_WORDS for w in words):
        return None
    positive: str | None = None
    reference: str | None = None
    excluded: list[str] = []
    mode: str | None = None  # "in" after only/meant, "out" after not/except/keep
    for k, word in enumerate(words):
        if tokens[k].punct or word in {"but", "and", "-"}:
            mode = None if word != "and" else mode
            continue
        if word in _EXCLUDERS:
            mode = "out"
            continue
        if word in _INCLUDERS or word == "instead":
            mode = "in"
            continue
        if word in _FILLER or tokens[k].number is not None:
            continue
        what = word if is_name(word) else None
        plain = word.isalpha() and len(word) > 2 and word not in PRONOUNS and not word.endswith(("ing", "ed"))
        if what is None and plain and mode is not None and word not in _STATES:
            what = f"word:{word}"
        if what is None:
            continue
        if mode == "out":
            excluded.append(what)
        elif positive is None and reference is None and (mode == "in" or is_name(word)):
            if what.startswith("word:"):
                reference = what
            else:
                positive = what
        mode = None if mode == "in" else mode
    if positive is None and reference is None and not excluded:
        return None
    return Correction(positive, reference, tuple(excluded))


@dataclass(frozen=True, slots=True)
class NewCount:
    to: int
    previous: int | None = None  # "3 → 9", "from 4 to 2"
    direction: Literal["up", "down"] | None = None  # "down to 2", "up to 6": said outright
    enough: bool = False  # "3 is enough": a count said to suffice, so probably fewer than now
    restated: bool = False  # "make that 5": the count of what was just asked for, said again


_TOO_MANY = frozenset({"many", "much", "overkill", "fewer", "less", "excessive", "overprovisioned"})
# Words that may follow a new count without saying what it counts: "make that 4 instead", "to 6 please".
_AFTER_COUNT = frozenset({"for", "please", "now", "pls"})
# ... and after "make that N", which restates the count just asked for ("set it to 6 then" may be a size).
_RESTATING = frozenset({"instead", "then", "rather", "actually", "total"})
# What may stand around a count that corrects the one just asked for: "no, five", "actually 4", "sorry, 3 replicas".
_CORRECTING_WORDS = frozenset(
    {"no", "nope", "nah", "actually", "sorry", "wait", "oops", "hmm", "i", "meant", "mean", "rather", "instead", "make"}
    | {"it", "that", "err", "uh", "typo", "not", "but"}
    | {"please", "pls", "plz", "of", "them", "those", "these", "total", "thanks", "thx"}  # "4 please", "3 of them"
)


def new_count(tokens: list[Tok]) -> NewCount | None:
    """The count ``tokens`` ask for ("take it to 10", "web: 3 → 9", "make it 4"), if they ask for one."""
    words = [t.text for t in tokens]
    for k, tok in enumerate(tokens):
        value = tok.integer
        if value is None or tok.ordinal:
            continue
        others = [w for j, w in enumerate(words) if j != k and not tokens[j].punct]
        if k == 0 and not (others and all(w in _AFTER_COUNT or w in _CORRECTING_WORDS for w in others)):
            continue  # but "4 please", after "how many?" or a deploy of some: the count
        if k == 0:
            return NewCount(value, restated=True)
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if nxt in _SPEC_WORDS or (k + 1 < len(tokens) and tokens[k + 1].size is not None):
            continue
        if words[k - 1] in {"do", "try"} and nxt in {"instead", "then", "please", ""}:
            return NewCount(value, restated=True)  # "hmm, do 3 instead": the count just asked for, said again
        restating = words[k - 1] in {"it", "that"} and k >= 2 and words[k - 2] == "make"  # "make that 4 instead"
        followers = _AFTER_COUNT | _RESTATING if restating else _AFTER_COUNT
        if words[k + 2 : k + 3] in (["them"], ["those"], ["these"]):
            followers = followers | {"of"}  # "actually 3 of them", "make that 2 of them"
        if nxt and nxt not in COUNT_WORDS and not tokens[k + 1].punct and nxt not in followers:
            continue
        before = words[k - 1]
        if any(w in _SPEC_WORDS for w in words[max(0, k - 6) : k]):
            continue  # "reduce the cores on render-01 to 2": a size, not a count
        if before == "to":
            j = k - 2
            if j >= 0 and tokens[j].integer is not None:
                return NewCount(value, tokens[j].integer)  # "3 to 9"
            window = words[max(0, k - 7) : k - 1]
            said: Literal["up", "down"] | None = None
            if j >= 0 and words[j] in {"down", "up"}:
                said = "down" if words[j] == "down" else "up"
            if (
                any(w in _SETTERS for w in window)
                or said
                or (j >= 0 and (is_name(words[j]) or words[j] in {":", "it"}))
            ):
                return NewCount(value, direction=said)
        if before == "at" and any(w in _SETTERS for w in words[max(0, k - 5) : k - 1]) and nxt in COUNT_WORDS:
            return NewCount(value)  # "pin it at 10 replicas", "hold checkout at 6 pods"
        if before == ":" and k == 2 and len(words) == 3:
            return NewCount(value)  # "api: 2"
        if before in {"it", "them", "that", "those"} and k >= 2 and words[k - 2] in {"make", "set", "keep"}:
            return NewCount(value, restated=words[k - 2] == "make")  # "make it 4", "make that five"
        if before in {"need", "needs", "want"} and nxt in COUNT_WORDS and "only" in words[max(0, k - 3) : k]:
            return NewCount(value)  # "we only need one replica of api now"
        rest = [w for j, w in enumerate(words) if j != k and not tokens[j].punct and w not in COUNT_WORDS]
        if rest and rest[0] in _CORRECTING_WORDS and all(w in _CORRECTING_WORDS for w in rest):
            return NewCount(value, restated=True)  # "no, five", "actually 4 replicas": the count just asked for, again
    for k, tok in enumerate(tokens):  # "3 is enough", "2 replicas will do"
        value = tok.integer
        if value is None or tok.ordinal or tok.size is not None:
            continue
        rest = words[k + 1 : k + 4]
        if rest and rest[0] in COUNT_WORDS:
            rest = rest[1:]
        enough = (["is", "enough"], ["are", "enough"], ["is", "plenty"], ["will", "do"], ["should", "do"])
        if (
            rest[:2] in enough
            or rest[:2] in (["is", "fine"], ["are", "fine"], ["is", "ok"], ["is", "okay"])
            or rest[:3]
            in (
                ["should", "be", "enough"],
                ["would", "be", "enough"],
                ["should", "be", "fine"],
                ["would", "be", "fine"],
            )
        ):
            # "3 is plenty": enough means fewer than there are, unless the session knows there are fewer
            return NewCount(value, direction="down" if _TOO_MANY.intersection(words) else None, enough=True)
    return None


def stated_count(tokens: list[Tok]) -> tuple[str | None, int] | None:
    """(who, how many) when ``tokens`` say how many there are now: "frontend has 12 replicas"."""
    words = [t.text for t in tokens]
    for k, tok in enumerate(tokens):
        value = tok.integer
        if value is None or tok.ordinal or k == 0:
            continue
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if nxt not in COUNT_WORDS and not (words[k - 1] == "at" and nxt in {"", "and", ",", "."}):
            continue
        if words[k - 1] not in _HAS and words[k - 1] != ":" and not (k >= 2 and words[k - 2] in _HAS):
            continue
        subject = next((w for w in words[:k] if is_name(w)), None)
        if subject is None and k >= 2 and words[0] not in PRONOUNS and words[0].isalpha():
            subject = words[1] if words[0] in {"the", "my", "our"} and len(words) > 1 else words[0]
        return subject, value
    return None
