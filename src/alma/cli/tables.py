"""Tables for the terminal that never split a value in the middle (issue 11 item 15).

A cell is folded only where its text has a space (after ``cores=4,`` in ``cores=4, disk=40``; between the
words of a message), so ``image=postgres:16`` or a timestamp stays whole on one line. When even the longest
unbreakable value of every column cannot fit the width, values are elided with ``…`` rather than cut
across lines: the whole value is in ``--json``. The width is the terminal's, ``COLUMNS`` when set, and 80
when the output is not a terminal.

Rendering is plain text plus a style per cell (the header is bold); ``write_table`` writes it with ANSI
codes on a colour terminal (``NO_COLOR``, ``FORCE_COLOR`` and ``TERM=dumb`` are honoured as Rich does) and
needs no Rich, so ``alma state list`` starts without it.
"""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from typing import TextIO

GAP = 2  # spaces between columns
ELLIPSIS = "…"
ANSI = {"bold": "1", "red": "31", "green": "32", "yellow": "33", "magenta": "35", "dim": "2"}

Cell = str | tuple[str, str]  # text, or (text, style): a style of ANSI above
Segment = tuple[str, str | None]


def cell_len(text: str) -> int:
    """Columns ``text`` takes on a terminal (East Asian wide characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def _tokens(text: str) -> list[str]:
    """The unbreakable pieces of a cell: its words (a value and the comma after it stay together)."""
    return [token for line in text.splitlines() for token in line.split(" ") if token] or [""]


def _elide(token: str, width: int) -> str:
    if cell_len(token) <= width:
        return token
    kept = ""
    for char in token:
        if cell_len(kept + char) > width - 1:
            break
        kept += char
    return kept + ELLIPSIS


def fold(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken only at spaces (a value too long is elided)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for token in _tokens(paragraph):
            token = _elide(token, max(width, 1))
            if not current:
                current = token
            elif cell_len(current) + 1 + cell_len(token) <= width:
                current = f"{current} {token}"
            else:
                lines.append(current)
                current = token
        lines.append(current)
    return lines


def _fit(natural: list[int], floor: list[int], available: int) -> list[int]:
    """The widest cap such that every column at min(natural, max(floor, cap)) fits ``available``."""
    low, high = 0, max(natural, default=0)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(min(n, max(f, cap)) for n, f in zip(natural, floor, strict=True)) <= available:
            low = cap
        else:
            high = cap - 1
    return [min(n, max(f, low)) for n, f in zip(natural, floor, strict=True)]


def widths(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Column widths within ``width``: natural when they fit; else the widest columns fold at spaces down to
    their longest value; else (a narrow terminal) values are elided, longest first."""
    cells = [[columns[i], *(row[i] for row in rows)] for i in range(len(columns))]
    natural = [max(cell_len(line) for text in column for line in (text.splitlines() or [""])) for column in cells]
    longest = [max(cell_len(token) for text in column for token in _tokens(text)) for column in cells]
    available = max(width - GAP * (len(columns) - 1), len(columns))
    if sum(natural) <= available:
        return natural
    fitted = _fit(natural, longest, available)
    if sum(fitted) <= available:
        return fitted
    words = [max(cell_len(word) for word in _tokens(header)) for header in columns]
    return _fit(natural, [min(long, max(word, 8)) for long, word in zip(longest, words, strict=True)], available)


def render(columns: Sequence[str], rows: Sequence[Sequence[Cell]], width: int) -> list[list[Segment]]:
    """The table's lines, each a list of (text, style) segments; no line ends in spaces."""
    texts = [[cell if isinstance(cell, str) else cell[0] for cell in row] for row in rows]
    styles: list[list[str | None]] = [[None if isinstance(cell, str) else cell[1] for cell in row] for row in rows]
    sizes = widths(columns, texts, width)
    out: list[list[Segment]] = []
    header: list[str | None] = ["bold"] * len(columns)
    for cells, cell_styles in [(list(columns), header), *zip(texts, styles, strict=True)]:
        folded = [fold(text, size) for text, size in zip(cells, sizes, strict=True)]
        for index in range(max(len(lines) for lines in folded)):
            segments: list[Segment] = []
            for column, lines in enumerate(folded):
                text = lines[index] if index < len(lines) else ""
                pad = " " * (sizes[column] - cell_len(text)) if column < len(folded) - 1 else ""
                segments.append((text, cell_styles[column] if text else None))
                segments.append((pad + (" " * GAP if column < len(folded) - 1 else ""), None))
            while segments and not segments[-1][0].strip():
                segments.pop()
            if segments:
                last_text, last_style = segments[-1]
                segments[-1] = (last_text.rstrip(), last_style)
            out.append(segments)
    return out


def terminal_width(stream: TextIO) -> int:
    """``COLUMNS`` when set, the terminal's width when ``stream`` is one, else 80."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if stream.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return 80


def colours(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def write_table(columns: Sequence[str], rows: Sequence[Sequence[Cell]], stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    styled = colours(out)
    lines = []
    for segments in render(columns, rows, terminal_width(out)):
        parts = [
            f"\x1b[{ANSI[style]}m{text}\x1b[0m" if styled and style in ANSI and text else text
            for text, style in segments
        ]
        lines.append("".join(parts) + "\n")
    out.write("".join(lines))
    out.flush()
