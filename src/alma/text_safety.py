"""Text that is safe to show a reviewer: no terminal control characters, no bidirectional overrides.

A title, a comment or a blueprint value is written by one person and read by another — often in a
terminal, where ``ESC [ 2 A ESC [ K`` moves up and erases lines of a plan under review, ``ESC ] 0 ;`` sets
the window title, a carriage return overwrites what came before, and U+202E (right-to-left override) makes
``evil.sh`` read as ``hs.live``. ALMA refuses such characters where text comes in (blueprints, IPR titles,
descriptions and review comments), with where they are, so no surface has to remember to escape them on the
way out. Tab and line feed stay allowed where text may span lines.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls but tab and line feed, DEL, the C1 controls, and the invisible direction marks, embeddings,
# overrides and isolates (the "Trojan Source" characters).
_UNSAFE_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Only those that survive a YAML or JSON reader's own check of the raw text (it refuses raw C0 and C1).
UNSAFE_RAW = re.compile("[\x85\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_NAMES = {"\x1b": "ESC", "\r": "carriage return", "\n": "line feed", "\x07": "bell", "\x08": "backspace", "\x00": "NUL"}


def describe(char: str) -> str:
    """``U+001B (ESC)``, ``U+202E (RIGHT-TO-LEFT OVERRIDE)``."""
    name = _NAMES.get(char) or unicodedata.name(char, "a control character")
    return f"U+{ord(char):04X} ({name})"


def first_unsafe(text: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The index and character of the first character ``text`` may not hold, or None."""
    found = (_UNSAFE_MULTILINE if multiline else _UNSAFE_LINE).search(text)
    return None if found is None else (found.start(), found.group())


def visible(text: str) -> str:
    """``text`` for a terminal, any character it may not hold written as its escape (``\\x1b``, ``\\u202e``)."""
    return _UNSAFE_LINE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def unsafe_text_problem(field: str, text: str, *, multiline: bool = False) -> str | None:
    """What is wrong with ``text`` as ``field`` ("title"), for an error message, or None when it is fine."""
    found = first_unsafe(text, multiline=multiline)
    if found is None:
        return None
    index, char = found
    return (
        f"{field} holds the control character {describe(char)} at character {index + 1}: terminal controls "
        "and direction overrides could hide or disguise text from a reviewer; remove it"
    )
