"""The council's narrative: a language model says the decree in a few sentences of prose.

The decree is decided before the model is asked, by the reviewers and validation alone: the model reads
the verdict, the findings and the fixes, and writes a summary for a person. It changes nothing: the
findings, the revised blueprint and the verdict are the council's. Its words are shown as the model's,
next to the decree they summarize, trimmed and bounded; an empty answer is no narrative.
"""

from __future__ import annotations

from alma.generation.council import Decree
from alma.llm import LLMBackend, Message

__all__ = ["MAX_NARRATIVE", "Narrator"]

MAX_FINDINGS = 24  # findings read to the model; the rest are counted
MAX_NARRATIVE = 1200  # characters kept of the model's prose

_INSTRUCTIONS = """\
You are the secretary of a design council that reviewed an infrastructure blueprint. Summarize its
decree for the person who asked, in three to five plain sentences: the verdict, what was fixed, and
what is still open, most serious first. Use only the facts given; invent no findings, names or
numbers. Plain prose only: no lists, no headings, no JSON."""


class Narrator:
    """Asks ``backend`` for the prose of a decree. Made once, shared; holds no state."""

    def __init__(self, backend: LLMBackend, *, max_tokens: int = 200, temperature: float = 0.0) -> None:
        self._backend = backend
        self._max_tokens = max_tokens
        self._temperature = temperature

    async def narrate(self, decree: Decree) -> str | None:
        """The model's summary of ``decree``, or None when it answered nothing. Backend failures propagate."""
        messages: list[Message] = [
            {"role": "system", "content": _INSTRUCTIONS},
            {"role": "user", "content": facts(decree)},
        ]
        answer = await self._backend.complete(messages, temperature=self._temperature, max_tokens=self._max_tokens)
        prose = " ".join(answer.split())
        if len(prose) > MAX_NARRATIVE:
            prose = prose[: MAX_NARRATIVE - 1].rsplit(" ", 1)[0] + "…"
        return prose or None


def facts(decree: Decree) -> str:
    """The decree as the lines the model reads."""
    cost = decree.cost
    lines = [
        f"Stack: {decree.blueprint.get('name')}",
        f"Reviewers: {', '.join(decree.reviewers)}",
        f"Verdict: {decree.verdict.replace('_', ' ')}",
        f"Fixes applied: {len(decree.fixes)}; findings still open: {len(decree.open_findings)}",
        f"Estimated cost: {cost.get('total', 0):.2f} {cost.get('currency', '')} a month",
        "Findings:",
    ]
    for finding in decree.findings[:MAX_FINDINGS]:
        where = finding.resource or "the stack"
        done = f" Fixed: {finding.fix}." if finding.fix else "" if finding.severity == "info" else " Still open."
        lines.append(f"- [{finding.severity}] {finding.reviewer} on {where}: {finding.message.rstrip('.')}.{done}")
    if len(decree.findings) > MAX_FINDINGS:
        lines.append(f"- and {len(decree.findings) - MAX_FINDINGS} more")
    if not decree.findings:
        lines.append("- none")
    return "\n".join(lines)
