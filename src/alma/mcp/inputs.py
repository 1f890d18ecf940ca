"""What the tools accept, bounded to what the store and the event loop can take, so that no argument
reaches the database only to fail there as "Error executing tool NAME", and none keeps the server busy.

The same bounds as the HTTP API's (``alma.api.inputs``; surfaces do not import each other):

- ids and revisions are integers PostgreSQL can compare (its ids are 32-bit), not any JSON number;
- text refuses NUL characters (PostgreSQL cannot store them), with a message that says so;
- an IPR's title and a reviewer's name fit their columns (``MAX_LABEL``; a longer title failed in
  PostgreSQL's insert);
- a message or a description is a sentence, not a document (``MAX_TEXT``, as ``POST /api/v1/intent``):
  the grammar reads it on the event loop, so one 100,000-character message would stall every session.

The bounds are in each tool's input schema too (``maximum``, ``maxLength``), so agents can see them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from alma.text_safety import unsafe_text_problem

MAX_ID = 2**31 - 1  # PostgreSQL's integer: what an IPR id or a revision can be
MAX_TEXT = 4000
MAX_LABEL = 255  # the store's column for an IPR's title and for people's names


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("holds a NUL character (U+0000), which ALMA cannot store or show; remove it")
    return value


# A validator rather than a ``pattern``: the error then says what is wrong, not which regex failed. Length
# constraints come before it (a 100,000-character message is refused before it is scanned).
NO_NUL = AfterValidator(_no_nul)
Text = Annotated[str, NO_NUL]
Sentence = Annotated[str, StringConstraints(max_length=MAX_TEXT), NO_NUL]
Label = Annotated[str, StringConstraints(max_length=MAX_LABEL), NO_NUL]


def _shown_safely(value: str) -> str:
    if (problem := unsafe_text_problem("it", value, multiline=True)) is not None:
        raise ValueError(problem)
    return value


# Text that ends up in a blueprint a person reviews (a description to generate from): no terminal controls
# or direction overrides, refused here by position in what the agent sent, not in a blueprint it never saw.
Reviewed = Annotated[Sentence, AfterValidator(_shown_safely)]
Utterance = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT), NO_NUL]


__all__ = ["MAX_ID", "MAX_LABEL", "MAX_TEXT", "NO_NUL", "Label", "Reviewed", "Sentence", "Text", "Utterance"]
