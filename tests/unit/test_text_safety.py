"""Text shown to reviewers holds no terminal controls or direction overrides (``alma.text_safety``)."""

from __future__ import annotations

import pytest

from alma.text_safety import describe, first_unsafe, unsafe_text_problem


@pytest.mark.parametrize(
    ("text", "index", "char"),
    [
        ("fix\x1b[2Jnow", 3, "\x1b"),  # clears a reviewer's screen
        ("ok\rAPPROVED", 2, "\r"),  # overwrites the line
        ("a\x9bb", 1, "\x9b"),  # the one-byte CSI of C1
        ("run evil\u202ehs.sh", 8, "\u202e"),  # right-to-left override
        ("x\u2066y", 1, "\u2066"),  # a direction isolate
        ("beep\x07", 4, "\x07"),
    ],
)
def test_controls_and_overrides_are_found_where_they_are(text: str, index: int, char: str) -> None:
    assert first_unsafe(text) == (index, char)


def test_tabs_always_and_line_feeds_in_multiline_text_are_fine() -> None:
    assert first_unsafe("a\tb") is None
    assert first_unsafe("first line\nsecond", multiline=True) is None
    assert first_unsafe("first line\nsecond") == (10, "\n")  # a title is one line
    assert first_unsafe("naïve — 日本語 ✓ émoji 🚀") is None


def test_the_problem_names_the_field_the_character_and_where() -> None:
    problem = unsafe_text_problem("title", "fix\x1b[31m")
    assert problem is not None
    assert problem.startswith("title holds the control character U+001B (ESC) at character 4")
    assert describe("\u202e") == "U+202E (RIGHT-TO-LEFT OVERRIDE)"
    assert unsafe_text_problem("title", "Grow the database") is None


def test_visible_writes_what_a_terminal_would_act_on_as_its_escape() -> None:
    from alma.text_safety import visible

    assert visible("web-01\x1b[2J\r\u202eok") == "web-01\\x1b[2J\\r\\u202eok"
    assert visible("plain text, naïve") == "plain text, naïve"
