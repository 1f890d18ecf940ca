"""Numbers and sizes as people write them: "two", "a dozen", "half a gig", "4 gigs", "512M", "1.5 TB".

``quantify`` turns a list of words into tokens where numbers carry their value and sizes their
canonical spelling ("1.5G"), which ``alma.units`` then reads as memory (MiB) or disk (GiB).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alma.conversation.lexicon import words as word_list
from alma.units import UnitError, disk_gib, memory_mib

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
_ONES += "sixteen seventeen eighteen nineteen"
NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_ONES.split())}
NUMBER_WORDS.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70})
NUMBER_WORDS.update({"eighty": 80, "ninety": 90, "single": 1, "dozen": 12, "pair": 2, "couple": 2})
NUMBER_WORDS.update({"dual": 2, "quad": 4, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5})
_ORDINALS = frozenset({"first", "second", "third", "fourth", "fifth"})
_SCALES = {"hundred": 100, "thousand": 1000}
# "that one", "the one", "each one": a pronoun, not a number.
_ONE_AS_PRONOUN = frozenset(
    word_list("that this the which each any every other new same another first second third fourth fifth last old")
)

UNIT_WORDS: dict[str, str] = {
    **dict.fromkeys(word_list("k kb kib kilobyte kilobytes"), "K"),
    **dict.fromkeys(word_list("m mb mib meg megs megabyte megabytes mebibyte mebibytes"), "M"),
    **dict.fromkeys(word_list("g gb gib gig gigs giga gigas gigabyte gigabytes gibibyte gibibytes"), "G"),
    **dict.fromkeys(word_list("t tb tib tera teras terabyte terabytes tebibyte tebibytes"), "T"),
}
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_GLUED_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([a-z]+)$")
_GLUED_CORES = re.compile(r"^(\d+)(vcpus?|cpus?|cores?|c)$")
_TIMES = re.compile(r"^(\d+)x$")
_TIMES_AFTER = re.compile(r"^x(\d+)$")  # "new lxc x4": four of what was just named


@dataclass(frozen=True, slots=True)
class Tok:
    """A word, a number (``number``), a size (``size`` such as "1.5G"), or punctuation."""

    text: str
    number: float | None = None
    size: str | None = None
    ordinal: bool = False

    @property
    def punct(self) -> bool:
        return self.text in {",", ";", ":", ".", "!", "?"}

    @property
    def integer(self) -> int | None:
        if self.number is None or self.number != int(self.number) or self.number < 0:
            return None
        return int(self.number)


def memory_of(size: str) -> int | None:
    """A size as memory in MiB, or None when it is not a usable memory size."""
    try:
        return memory_mib(size)
    except UnitError:
        return None


def disk_of(size: str) -> int | None:
    """A size as disk in GiB (rounded to a whole GiB, at least 1), or None when unusable."""
    try:
        return disk_gib(size)
    except UnitError:
        mib = memory_of(size)
        return None if mib is None else max(1, round(mib / 1024))


def _size(number: float, unit: str) -> str:
    text = f"{number:g}"
    return f"{text}{unit}"


def quantify(words: list[str]) -> list[Tok]:
    """Words → tokens with numbers and sizes read; everything else passes through unchanged."""
    out: list[Tok] = []
    i = 0
    n = len(words)
    while i < n:
        value, used = _number_at(words, i)
        if value is not None:
            unit = UNIT_WORDS.get(words[i + used]) if i + used < n else None
            if unit is None and i + used + 1 < n and words[i + used] == "of":
                unit = UNIT_WORDS.get(words[i + used + 1])
                used += 1 if unit else 0
            if unit is not None:
                out.append(Tok(_size(value, unit), size=_size(value, unit)))
                i += used + 1
            else:
                out.append(Tok(f"{value:g}", number=value, ordinal=words[i] in _ORDINALS))
                i += used
            continue
        word = words[i]
        glued = _GLUED_CORES.match(word)
        if glued:
            out += [Tok(glued.group(1), number=float(glued.group(1))), Tok("cores")]
            i += 1
            continue
        glued = _GLUED_SIZE.match(word)
        if glued and glued.group(2) in UNIT_WORDS:
            size = _size(float(glued.group(1)), UNIT_WORDS[glued.group(2)])
            out.append(Tok(size, size=size))
            i += 1
            continue
        times = _TIMES.match(word)
        if times:
            out.append(Tok(times.group(1), number=float(times.group(1))))
            i += 1
            continue
        times = _TIMES_AFTER.match(word)
        if times and out and not out[-1].punct:
            out += [Tok(times.group(1), number=float(times.group(1))), Tok("instances")]
            i += 1
            continue
        out.append(Tok(word))
        i += 1
    return out


def _number_at(words: list[str], i: int) -> tuple[float | None, int]:
    """The number starting at word ``i`` and how many words it spans, or (None, 0)."""
    word = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    after = words[i + 2] if i + 2 < len(words) else ""
    if _NUMBER.match(word):
        return float(word), 1
    if word in {"a", "an"}:
        if nxt == "dozen":
            return 12.0, 2
        if nxt in {"couple", "pair"}:
            return 2.0, 3 if after == "of" else 2
        if nxt == "few":
            return 3.0, 3 if after == "of" else 2
        if nxt in _SCALES:
            return float(_SCALES[nxt]), 2
        if nxt in UNIT_WORDS and (len(nxt) > 2 or nxt in {"tb", "gb"}):  # "a gig", "a TB" (not "a m", "a t")
            return 1.0, 1
        return None, 0
    if word == "half":
        if nxt in {"a", "an"} and after == "dozen":
            return 6.0, 3
        if nxt in {"a", "an"} and after in UNIT_WORDS:
            return 0.5, 2
        if nxt in UNIT_WORDS and (len(nxt) > 2 or nxt in {"tb", "gb"}):  # "half giga of ram", "half gb"
            return 0.5, 1
        return None, 0
    if word == "one" and (i > 0 and words[i - 1] in _ONE_AS_PRONOUN):
        return None, 0
    if word in {"pair", "couple"} or (word not in NUMBER_WORDS and "-" not in word):
        return None, 0
    if "-" in word:
        parts = word.split("-")
        if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
            return float(NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]]), 1
        return None, 0
    if word == "dozen":
        return 12.0, 1
    value = float(NUMBER_WORDS[word])
    used = 1
    if words[i + used : i + used + 1] and words[i + used] in _SCALES:
        value *= _SCALES[words[i + used]]
        used += 1
    if 20 <= value < 100 and i + used < len(words) and words[i + used] in NUMBER_WORDS:
        extra = NUMBER_WORDS[words[i + used]]
        if 0 < extra < 10:
            value += extra
            used += 1
    if words[i + used : i + used + 3] in (["and", "a", "half"], ["and", "an", "half"]):
        value += 0.5
        used += 3
    return value, used
