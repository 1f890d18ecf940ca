"""Corrections, new counts and stated counts: frames that span a sentence."""

from __future__ import annotations

from alma.conversation import Focus, IntentParser
from alma.conversation.frames import correction, new_count, stated_count
from alma.conversation.text import tokenize


def test_a_correction_names_what_is_now_meant_and_what_is_left_out() -> None:
    found = correction(tokenize("wait, not web-a — only web-b")[0])
    assert found is not None
    assert (found.target, found.excluded) == ("web-b", ("web-a",))
    assert correction(tokenize("web-01 won't start, why?")[0]) is None


def test_a_new_count_is_a_count_and_not_a_size() -> None:
    assert new_count(tokenize("take it to 10")[0]) is not None
    arrow = new_count(tokenize("redis-cache: 2 → 1")[0])
    assert arrow is not None and (arrow.previous, arrow.to) == (2, 1)
    assert new_count(tokenize("drop it to 2 cores")[0]) is None
    assert new_count(tokenize("reduce the cores on render-01 to 2, it's at 16")[0]) is None


def test_a_stated_count_is_remembered_and_decides_the_direction_of_a_later_scale() -> None:
    assert stated_count(tokenize("frontend has 12 replicas and traffic is low")[0]) == ("frontend", 12)
    parser, focus = IntentParser(), Focus()
    for text in ["frontend has 12 replicas and traffic is low tonight", "take it to 10"]:
        parsed = parser.parse(text)
        reading = focus.resolve(parsed)
        focus.advance(parsed, reading, False, None)
    assert (reading.name, reading.target, reading.direction) == ("scale", "frontend", "down")


def turns(*texts: str) -> tuple[str, str | None]:
    parser, focus = IntentParser(), Focus()
    reading = None
    for text in texts:
        parsed = parser.parse(text)
        reading = focus.resolve(parsed)
        focus.advance(parsed, reading, False, None)
    assert reading is not None
    return reading.name, reading.target


def test_corrections_keep_the_request_and_change_its_target() -> None:
    assert turns("restart pg-main", "sorry, I meant pg-replica, not pg-main") == ("restart", "pg-replica")
    assert turns("restart billing-app and billing-db", "wait, leave the database alone, only the app") == (
        "restart",
        "billing-app",
    )
    assert turns("delete test-1, test-2 and test-3", "actually keep test-2")[0] == "destroy"


def test_positions_kinds_and_words_resolve_to_names_said_before() -> None:
    assert turns("deploy three alpine containers called a1, a2 and a3", "stop the second one") == ("stop", "a2")
    assert turns("create vms web-1, web-2 and db-1", "don't touch the web ones, stop the db") == ("stop", "db-1")
    assert turns("deploy a node container called shop-app and a postgres called shop-db", "restart the app") == (
        "restart",
        "shop-app",
    )
