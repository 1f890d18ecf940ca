"""Writing HCL (Terraform's language): blocks, attributes and values, nothing more.

Strings are escaped so that what was data stays data: quotes and backslashes, and ``${`` / ``%{`` (which
Terraform would read as interpolation and directives) become ``$${`` / ``%%{``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
INDENT = "  "


class Expr(str):
    """An expression written as is: a reference such as ``docker_network.backend.name``."""

    __slots__ = ()


@dataclass(slots=True)
class Block:
    """``kind "label" … { body }``; the body holds (name, value) attributes and nested blocks, in order.
    An attribute whose value is None is left out."""

    kind: str
    labels: tuple[str, ...] = ()
    body: list[tuple[str, Any] | Block] = field(default_factory=list)
    comment: str = ""

    def set(self, name: str, value: Any) -> Block:
        self.body.append((name, value))
        return self

    def add(self, block: Block) -> Block:
        self.body.append(block)
        return block


def string(text: str) -> str:
    escaped = json.dumps(text, ensure_ascii=False)  # quotes, backslashes, control characters
    return escaped.replace("${", "$${").replace("%{", "%%{")


def value(item: Any, depth: int = 0) -> str:
    if isinstance(item, Expr):
        return str(item)
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return repr(item)
    if isinstance(item, str):
        return string(item)
    if isinstance(item, Mapping):
        if not item:
            return "{}"
        pad = INDENT * (depth + 1)
        lines = [f"{pad}{_key(k)} = {value(v, depth + 1)}" for k, v in item.items() if v is not None]
        return "{\n" + "\n".join(lines) + "\n" + INDENT * depth + "}"
    if isinstance(item, Sequence):
        return "[" + ", ".join(value(v, depth) for v in item) + "]"
    raise TypeError(f"no HCL for {type(item).__name__}")


def _key(key: Any) -> str:
    text = str(key)
    return text if _IDENTIFIER.match(text) else string(text)


def render(blocks: Sequence[Block], depth: int = 0) -> str:
    return "\n".join(_block(block, depth) for block in blocks)


def _block(block: Block, depth: int) -> str:
    pad = INDENT * depth
    lines: list[str] = []
    if block.comment:
        lines += [f"{pad}# {line}".rstrip() for line in block.comment.splitlines()]
    head = " ".join([block.kind, *(string(label) for label in block.labels)])
    lines.append(f"{pad}{head} {{")
    attributes = [(n, v) for n, v in (i for i in block.body if isinstance(i, tuple)) if v is not None]
    width = max((len(n) for n, _ in attributes), default=0)
    for item in block.body:
        if isinstance(item, Block):
            lines.append(_block(item, depth + 1))
        elif item[1] is not None:
            lines.append(f"{pad}{INDENT}{item[0].ljust(width)} = {value(item[1], depth + 1)}")
    lines.append(f"{pad}}}")
    return "\n".join(lines)
