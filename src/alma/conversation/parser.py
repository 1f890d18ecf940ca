"""The deterministic intent parser: text → ``Intent``, offline, in well under a millisecond or two.

Reading order (see ``grammar.py`` for the frames): hypothetical → plan; withdrawal → cancel; the first
command verb, refined by its object; otherwise a follow-up, a status or list question, a symptom, a
request for an explanation or a design; otherwise unknown. Requests that name nothing of
infrastructure ("write me a poem", "make me a sandwich") are unknown whatever their verb.
"""

from __future__ import annotations

import re

from alma.conversation.grammar import (
    CANCEL,
    DESIGN,
    EXPLAIN,
    FOLLOW_UP,
    HYPOTHETICAL,
    INFRA_WORDS,
    LIST_QUESTION,
    PROCEED,
    STATUS_QUESTION,
    TROUBLE,
    WANT,
    Verb,
    find_verbs,
    refine,
    scale_direction,
)
from alma.conversation.intent import INTENTS, Direction, Intent, IntentName, Resource
from alma.conversation.lexicon import COUNT_WORDS, KIND_PHRASES, TEMPLATE_ALIASES, Lexicon
from alma.conversation.quantities import Tok
from alma.conversation.resources import extract, find_target, is_name, kind_at, template_of, with_target
from alma.conversation.text import tokenize

TOPIC_SWITCH = re.compile(
    r"\b(by the way|btw|unrelated|another (question|thing)|different (topic|question|subject)|"
    r"switching (gears|topics?)|on another note|change of subject|changing (the )?subject|new topic|"
    r"separate question|off topic|random question)\b"
)
_EXPLAIN_HOW = re.compile(r"\bhow (do|can|should|would|could|does) (i|we|you|one)\b|\bhow to\b|\btell me how\b")
_MARKERS = frozenset({"hypothetical", "proceed", "cancel", "plan", "show", "none"})
_OPERATIONS: frozenset[IntentName] = frozenset(
    {"deploy", "destroy", "start", "stop", "restart", "scale", "update", "rollback"}
)
_NEEDS_ANCHOR: frozenset[IntentName] = frozenset({"deploy", "design", "explain", "troubleshoot", "status", "list"})
_KIND_WORDS = frozenset(w for phrase in KIND_PHRASES for w in phrase)


def _joined(tokens: list[Tok]) -> str:
    out = ""
    for tok in tokens:
        out += tok.text if tok.punct or not out else " " + tok.text
    return out


class IntentParser:
    """Parses one sentence at a time; holds only its lexicon (and the lexicon's typo memory)."""

    def __init__(self) -> None:
        self._lexicon = Lexicon()

    def parse(self, text: str) -> Intent:
        tokens, injected = tokenize(text)
        joined = _joined(tokens)
        signals: list[str] = ["injection-ignored"] if injected else []
        switch = TOPIC_SWITCH.search(joined) is not None
        if DESIGN.search(joined):
            signals.append("from-scratch")
        verbs = find_verbs(tokens, self._lexicon)
        commands = [v for v in verbs if v.command]
        operations = [v for v in commands if v.action not in _MARKERS or v.action in {"plan", "show"}]

        if HYPOTHETICAL.search(joined) or (commands and commands[0].action == "plan"):
            return self._plan(tokens, verbs, switch, signals)
        if CANCEL.search(joined) and not [v for v in operations if v.action != "show"]:
            return self._intent("unknown", tokens, None, 0.8, switch, signals, cancel=True)
        for verb in commands:
            if verb.action == "proceed" and not [v for v in operations if v.start > verb.start]:
                if PROCEED.search(joined) or verb.start == 0 or verb.lemma in {"go ahead", "do it"}:
                    return self._intent("unknown", tokens, verb, 0.8, switch, signals, proceed=True)
                continue
            if verb.action == "cancel" and not [v for v in operations if v.start > verb.start]:
                return self._intent("unknown", tokens, verb, 0.8, switch, signals, cancel=True)
            if verb.action in {"proceed", "cancel", "hypothetical"}:
                continue
            action = refine(verb.action, tokens, verb)
            if action not in INTENTS:
                continue
            name: IntentName = action
            clause = _joined([t for k, t in enumerate(tokens) if k < verb.start])
            if _EXPLAIN_HOW.search(clause) and name != "troubleshoot":
                name = "explain"
            elif name in {"explain", "status"} and TROUBLE.search(joined) and self._named(tokens):
                name = "troubleshoot"
            confidence = 0.75 if verb.corrected else 0.9
            return self._intent(name, tokens, verb, confidence, switch, signals)

        if WANT.search(joined) and extract(tokens, 0, self._lexicon):
            return self._intent("deploy", tokens, None, 0.75, switch, signals)
        if FOLLOW_UP.search(joined):
            return self._intent("unknown", tokens, None, 0.7, switch, signals, follow_up=True)
        if [v for v in verbs if v.negated] and not TROUBLE.search(joined):
            return self._intent("unknown", tokens, None, 0.7, switch, signals, cancel=True)
        for frame, frame_name in (
            (STATUS_QUESTION, "status"),
            (LIST_QUESTION, "list"),
            (TROUBLE, "troubleshoot"),
            (EXPLAIN, "explain"),
            (DESIGN, "design"),
        ):
            if frame.search(joined):
                return self._intent(frame_name, tokens, None, 0.7, switch, signals)  # type: ignore[arg-type]
        if any(is_name(t.text) for t in tokens):
            return self._intent("status", tokens, None, 0.5, switch, signals)
        return Intent("unknown", confidence=0.6, topic_switch=switch, signals=tuple(signals))

    def _plan(self, tokens: list[Tok], verbs: list[Verb], switch: bool, signals: list[str]) -> Intent:
        inner = next((v for v in verbs if v.action not in _MARKERS and not v.negated), None)
        if inner is None:
            return self._intent("plan", tokens, None, 0.8, switch, signals)
        action = refine(inner.action, tokens, inner)
        planned = self._intent(action if action in INTENTS else "plan", tokens, inner, 0.85, switch, signals)
        return Intent(
            "plan",
            planned.resources,
            planned.target,
            0.85,
            planned.direction,
            planned.scale_to,
            planned.reference,
            topic_switch=switch,
            action=planned.name if planned.name in _OPERATIONS else None,
            signals=tuple(signals),
        )

    def _intent(
        self,
        name: IntentName,
        tokens: list[Tok],
        verb: Verb | None,
        confidence: float,
        switch: bool,
        signals: list[str],
        *,
        follow_up: bool = False,
        proceed: bool = False,
        cancel: bool = False,
    ) -> Intent:
        if name in _NEEDS_ANCHOR and not self._anchored(tokens):
            # "still slow. this is useless": a symptom about whatever the conversation is about, if anything.
            hint = (f"context:{name}",) if name in {"troubleshoot", "status"} else ()
            return Intent("unknown", confidence=0.6, topic_switch=switch, signals=(*signals, *hint))
        plain_words = name in _OPERATIONS or name in {"status", "troubleshoot"}
        target = find_target(tokens, verb, self._lexicon, plain_words)
        start = verb.end if verb is not None else 0
        resources: list[Resource] = []
        if name in {"deploy", "design"} or follow_up:
            resources = extract(tokens, start, self._lexicon)
            named = next((r.name for r in resources if r.name), None)
            target_name = named if name == "deploy" else target.name
            reference = None if name == "deploy" else target.reference
        elif name == "update":
            resources = with_target(extract(tokens, start, self._lexicon), target.name)
            target_name, reference = target.name, target.reference
        elif name in {"list", "explain", "unknown"} and not (proceed or cancel):
            target_name = next((t.text for t in tokens if is_name(t.text)), None)
            reference = None
        else:
            target_name, reference = target.name, target.reference
        direction: Direction | None = None
        scale_to: int | None = None
        if name == "scale" and verb is not None:
            found = scale_direction(tokens, verb)
            direction = "up" if found == "up" else "down" if found == "down" else None
            scale_to = _scale_to(tokens, verb.start)
        return Intent(
            name,
            tuple(resources),
            target_name,
            confidence,
            direction,
            scale_to,
            reference,
            follow_up=follow_up,
            proceed=proceed,
            cancel=cancel,
            topic_switch=switch,
            signals=tuple(signals),
        )

    def _named(self, tokens: list[Tok]) -> bool:
        return any(is_name(t.text) or t.text in {"it", "this", "that"} for t in tokens)

    def _anchored(self, tokens: list[Tok]) -> bool:
        words = [t.text for t in tokens]
        for k, tok in enumerate(tokens):
            word = tok.text
            if tok.size is not None or word in INFRA_WORDS or word in TEMPLATE_ALIASES or is_name(word):
                return True
            if word in _KIND_WORDS or word.rstrip("s") in _KIND_WORDS or word in {"it", "them"}:
                return True
            if (
                word.isalpha()
                and len(word) > 3
                and (template_of(word, self._lexicon) or kind_at(words, k, self._lexicon))
            ):
                return True
        return False


def _scale_to(tokens: list[Tok], start: int) -> int | None:
    for k in range(start, len(tokens)):
        value = tokens[k].integer
        if value is None:
            continue
        before = tokens[k - 1].text if k > 0 else ""
        after = tokens[k + 1].text if k + 1 < len(tokens) else ""
        if before == "to" or after in COUNT_WORDS:
            return value
    return None
