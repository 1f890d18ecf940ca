"""The guard fails closed: whatever the reading, a live destructive cue is confirmed, never allowed."""

from __future__ import annotations

import pytest

from alma.conversation import Focus, IntentParser
from alma.conversation.safety import judge


def destructive(text: str, parser: IntentParser | None = None) -> bool:
    return judge(Focus().resolve((parser or IntentParser()).parse(text)), text).destructive


@pytest.mark.parametrize(
    "text",
    [
        "zap the legacy box",  # a verb the grammar does not know
        "deploy a new vm and remove the old one",  # a harmless first clause
        "it won't boot. ffs. rebuild it from the template",  # a symptom, then a command
        "update everything to the latest image",  # aimed at everything
    ],
)
def test_a_reading_that_misses_the_cue_is_overruled(text: str) -> None:
    assert destructive(text)


@pytest.mark.parametrize(
    "text",
    ["what would happen if I deleted db-01?", "how do I remove a container?", "would shrinking db-01 hurt?"],
)
def test_questions_about_destruction_stay_reads(text: str) -> None:
    assert not destructive(text)


def test_a_withdrawn_request_is_not_destructive() -> None:
    parser = IntentParser()
    focus = Focus()
    first = parser.parse("stop web-01")
    focus.advance(first, focus.resolve(first), True, None)
    withdrawn = focus.resolve(parser.parse("wait, no, leave it running"))
    assert not judge(withdrawn, "wait, no, leave it running").destructive


@pytest.mark.parametrize(
    "text",
    [
        "when the nightly backup finishes, power off nas-2",
        "as soon as traffic drops, scale web down to 1",
        "if nobody uses it by friday, delete wiki-old",
        "once the copy is done, wipe the source disk of files-1",
    ],
)
def test_a_command_that_waits_for_a_condition_is_still_a_command(text: str) -> None:
    assert destructive(text)


def test_a_condition_on_my_own_act_followed_by_a_question_stays_a_question() -> None:
    assert not destructive("if I power off nas-2, will the backups fail?")


def test_a_polite_request_right_before_the_act_outweighs_reading_it_as_a_question() -> None:
    assert destructive("can we lose a replica of web-2?")
    assert destructive("could you please drop one instance of the api?")


def test_a_polite_request_for_something_else_leaves_a_question_about_the_act_a_read() -> None:
    assert not destructive("can you show me what a rollback of web-4 would change?")
    assert not destructive("would you recommend deleting unused images?")
