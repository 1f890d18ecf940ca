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
        lines = _aligned([(_key(k), value(v, depth + 1)) for k, v in item.items() if v is not None], pad)
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
    run: list[tuple[str, str]] = []  # attributes since the last nested block
    for item in block.body:
        if isinstance(item, Block):
            lines += _aligned(run, pad + INDENT)
            run = []
            lines.append(_block(item, depth + 1))
        elif item[1] is not None:
            run.append((item[0], value(item[1], depth + 1)))
    lines += _aligned(run, pad + INDENT)
    lines.append(f"{pad}}}")
    return "\n".join(lines)


def _aligned(entries: list[tuple[str, str]], pad: str) -> list[str]:
    """``name = value`` lines with their ``=`` aligned as ``terraform fmt`` aligns them: over a run of
    consecutive one-line attributes. A nested block ends a run (the caller starts a new one), and an attribute
    whose value spans lines stands alone between two runs. Exported files pass ``terraform fmt -check``."""
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(name) for name, _ in run), default=0)
        lines.extend(f"{pad}{name.ljust(width)} = {text}" for name, text in run)
        run.clear()

    for name, text in entries:
        if "\n" in text:
            flush()
            lines.append(f"{pad}{name} = {text}")
        else:
            run.append((name, text))
    flush()
    return lines
