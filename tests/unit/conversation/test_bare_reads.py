"""Reads said in the fewest words are reads, not "outside what I do"."""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("status?", "status"),
        ("health check pls", "status"),
        ("hows everything looking", "status"),  # no apostrophe, as typed on a phone
        ("is my stuff ok?", "status"),
        ("are the nodes healthy?", "status"),
        ("any updates?", "status"),
        ("ll", "list"),
        ("what's live right now?", "list"),
        ("give me the whole list", "list"),
        ("containers please", "list"),
        ("any crashed boxes?", "list"),
        ("what did we get running", "list"),
        ("qm list", "list"),
    ],
)
def test_a_message_that_is_only_a_read_is_that_read(text: str, intent: str) -> None:
    assert IntentParser().parse(text).name == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("delete everything", "destroy"),  # an act on everything is the act
        ("show me how to write a haiku", "unknown"),  # more than the read: not infrastructure
        ("stop the boxes", "stop"),
    ],
)
def test_more_than_a_read_is_read_as_the_grammar_reads_it(text: str, intent: str) -> None:
    assert IntentParser().parse(text).name == intent
