"""Output pasted into a message: log lines, an error, a command's output, quoted.

What a program printed is evidence about a problem, not words of the request: "Killed process 882
(redis-server)" names no target and asks for no kill. The parser reads the message without it, with the
quote standing as "errors" where it reads like one ("db-01 is throwing 'FATAL: …'" is a symptom), and a
message that is only a paste under a label ("logs say: '…'", "here's df: '…'") continues the
troubleshooting of what the conversation is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A quoted span: '…' not inside a word (so not "don't … it's"), "…", `…` or ```…```.
_QUOTED = re.compile(r"```.+?```|`[^`\n]+`|\"[^\"\n]{3,}\"|(?<![\w'])'[^'\n]{3,}?'(?![\w'])", re.DOTALL)
# What a program prints, not what a person says ("wants 'a computer in the cloud'"): a log's punctuation or
# numbers (an error's words are looked for apart).
_OUTPUT_LIKE = re.compile(r"[:()\[\]/=%<>{}|]|\d")
_ERROR_LIKE = re.compile(
    r"(error|exception|fault)s?\b|"  # "java.lang.OutOfMemoryError", "NullPointerException", "SegmentationFault"
    r"\b(error|errors|err|fatal|fail(ed|ure)?|exception|refused|denied|timed? ?out|timeout|killed|oom\w*|panic|"
    r"emerg|crit(ical)?|warn(ing)?|unable|cannot|can't|could not|no space|not found|unhealthy|crash\w*|"
    r"segfault|abort(ed)?|[45]\d\d)\b",
    re.IGNORECASE,
)
# A command line quoted: what to run, said exactly.
_COMMAND = re.compile(
    r"(sudo )?(qm|pct|pvesh|pvecm|docker|docker-compose|podman|kubectl|k|helm|systemctl|service|alma|terraform)\s",
    re.IGNORECASE,
)
# The label a paste comes under, all that is said besides it: "logs say:", "here's df:", "dmesg:".
_LABEL = re.compile(
    r"^\W*((and|also|ok|so|fwiw)[, ]+)?("
    r"(the |my |its |his )?(\w+ )?(logs?|output|error|errors|dmesg|journal(ctl)?|syslog|stack ?trace|traceback|"
    r"trace|events?|df|top|free|htop|status|describe|kubectl( \w+){0,3}|docker( \w+){0,3}|systemctl( \w+){0,2})"
    r"( -{1,2}[\w-]+)*( (says?|shows?|output|prints?|reads?|gives?|returns?|spits out))?|"
    r"here('s| is| are)( the| my| some)?( [\w./-]+){0,3}|"
    r"(it|this|that) (says|shows|prints|gives|returns|spits out)|"
    r"(getting|seeing|got|see) (this|these)( \w+)?"
    r")\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Pasted:
    text: str  # the message with each paste replaced ("errors") or taken out
    only: bool  # nothing but pasted output under a label


def pasted(text: str) -> Pasted | None:
    """The message read without what it pastes, or None when it pastes nothing."""
    found = False
    errors = False

    def take(match: re.Match[str]) -> str:
        nonlocal found, errors
        inner = match.group(0).strip("`'\"").strip()
        if not (_OUTPUT_LIKE.search(inner) or _ERROR_LIKE.search(inner)) or " " not in inner:
            return match.group(0)  # "the vm 'shop'": a quoted name stays
        if _COMMAND.match(inner):
            return match.group(0)  # "run `qm destroy 104`": a command to carry out, not its output
        found = True
        if _ERROR_LIKE.search(inner):
            errors = True
            return " errors "
        return " "

    rest = _QUOTED.sub(take, text)
    if not found:
        return None
    said = re.sub(r"\s*\berrors\b\s*", " ", rest) if errors else rest
    only = not said.strip(" \t\n:;,.-—") or _LABEL.match(said) is not None
    return Pasted(re.sub(r"\s+", " ", rest).strip(), only)
