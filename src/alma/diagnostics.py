"""Diagnostics: one problem found in user input, located by path, line and column.

Validation collects a list of these so the user sees every problem at once (as Terraform does).
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem. ``path`` is a dotted path such as ``resources[2].specs.memory``; line/column are
    1-based positions in the source file, or None where the problem has no single place."""

    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"

    def render(self) -> str:
        where = f"line {self.line}, column {self.column}: " if self.line is not None else ""
        at = f"{self.path}: " if self.path else ""
        return f"{where}{at}{self.message}"

    def as_json(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "column": self.column, "message": self.message}

    def located(self, line: int | None, column: int | None) -> Diagnostic:
        return Diagnostic(self.message, self.path, line, column, self.severity)

    def under(self, prefix: str) -> Diagnostic:
        """The same diagnostic with ``prefix`` put in front of its path."""
        path = f"{prefix}.{self.path}" if self.path and not self.path.startswith("[") else prefix + self.path
        return Diagnostic(self.message, path, self.line, self.column, self.severity)


def did_you_mean(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    """A ``; did you mean 'x'?`` suffix when a close match exists, else a list of the choices."""
    close = get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if choices and len(choices) <= 12:
        return "; expected one of: " + ", ".join(sorted(choices))
    return ""


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)
