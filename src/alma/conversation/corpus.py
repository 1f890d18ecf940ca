"""Labelled conversations (the evaluation sets' JSON Lines): what the intent classifier learns from.

One case per line, ``{"id", "turns": [...], "expect": {...}}`` (``eval/`` and the public set use this
shape). A malformed line is refused with its file and line number; nothing is read half.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alma.errors import InvalidInputError


@dataclass(frozen=True, slots=True)
class Case:
    """One conversation: its turns in order, and what the last turn should be read as."""

    id: str
    turns: tuple[str, ...]
    expect: dict[str, Any]

    @property
    def intent(self) -> str | None:
        value = self.expect.get("intent")
        return value if isinstance(value, str) else None


def parse_cases(text: str, source: str) -> list[Case]:
    """The cases of a JSON Lines document; ``InvalidInputError`` naming the line of the first bad one."""
    cases: list[Case] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"{where}: not JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(raw, dict):
            raise InvalidInputError(f"{where}: a case is a JSON object with id, turns and expect")
        case_id, turns, expect = raw.get("id"), raw.get("turns"), raw.get("expect")
        if not isinstance(case_id, str) or not case_id or case_id in seen:
            raise InvalidInputError(f"{where}: 'id' must be a string not used before")
        if not isinstance(turns, list) or not turns or not all(isinstance(t, str) and t for t in turns):
            raise InvalidInputError(f"{where}: 'turns' must be a non-empty list of non-empty strings")
        if not isinstance(expect, dict):
            raise InvalidInputError(f"{where}: 'expect' must be an object")
        seen.add(case_id)
        cases.append(Case(case_id, tuple(turns), expect))
    return cases


def read_cases(path: Path) -> list[Case]:
    """The cases in ``path``; ``InvalidInputError`` when it cannot be read or a line is malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_cases(text, str(path))
