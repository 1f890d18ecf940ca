"""How a guest says "ALMA made me, as resource NAME of stack STACK".

Two marks, both on the guest itself so every ALMA process sees them:
- tags ``alma`` and ``alma-<hash of stack and name>``: ``/cluster/resources`` lists tags, so one call
  finds every owned guest and which resource each one is;
- description lines ``alma:stack=<stack>;name=<name>`` (the readable owner, checked against the hash)
  and ``alma:spec=<json>`` (the specs it was made with: what cannot be read back, such as the
  template it came from). Any other description text is the operator's and is kept.

A guest without these marks is not ALMA's: reads never return it and nothing ever changes it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from alma.engines.base import JSONDict, ResourceRef

OWNER_TAG = "alma"
_MARK = "alma:stack="
_SPEC = "alma:spec="
_MARK_LINE = re.compile(r"^alma:stack=(?P<stack>[^;\s]*);name=(?P<name>[^;\s]*)$")


def key_tag(ref: ResourceRef) -> str:
    """A tag PVE accepts (lower-case letters, digits, dashes) that names one resource of one stack."""
    return "alma-" + hashlib.sha256(f"{ref.stack}\0{ref.name}".encode()).hexdigest()[:16]


def split_tags(text: Any) -> set[str]:
    return {tag for tag in re.split(r"[;,\s]+", str(text or "").lower()) if tag}


def tags_for(ref: ResourceRef, existing: Any = None) -> str:
    """The guest's tags with the ownership tags added (PVE keeps them ';'-separated and sorted)."""
    return ";".join(sorted(split_tags(existing) | {OWNER_TAG, key_tag(ref)}))


def owns(tags: Any, ref: ResourceRef) -> bool:
    return key_tag(ref) in split_tags(tags)


@dataclass(frozen=True, slots=True)
class Marker:
    stack: str
    name: str
    specs: JSONDict | None
    rest: str  # the operator's own description text


def describe(ref: ResourceRef, specs: JSONDict, rest: str = "") -> str:
    lines = [
        f"{_MARK}{quote(ref.stack, safe='')};name={quote(ref.name, safe='')}",
        _SPEC + json.dumps(specs, sort_keys=True, separators=(",", ":")),
    ]
    if rest.strip():
        lines.append(rest.strip())
    return "\n".join(lines)


def parse(description: Any) -> Marker | None:
    """The marker in a guest's description, or None when it carries none."""
    owner: tuple[str, str] | None = None
    specs: JSONDict | None = None
    rest: list[str] = []
    for line in str(description or "").splitlines():
        mark = _MARK_LINE.match(line.strip())
        if mark is not None:
            owner = (unquote(mark["stack"]), unquote(mark["name"]))
        elif line.strip().startswith(_SPEC):
            try:
                loaded = json.loads(line.strip()[len(_SPEC) :])
            except ValueError:
                loaded = None  # edited by hand: what can be read back still is
            specs = loaded if isinstance(loaded, dict) else None
        else:
            rest.append(line)
    if owner is None:
        return None
    return Marker(owner[0], owner[1], specs, "\n".join(rest).strip())


def marks(description: Any, ref: ResourceRef) -> bool:
    marker = parse(description)
    return marker is not None and (marker.stack, marker.name) == (ref.stack, ref.name)
