"""Reads added after a fifth blind set (issue 13): intent vocabulary for questions, scaling, closings. Each
sentence here is a new phrasing written for the test, not one of the set's, so that what passes is the
mechanism and not a memorised sentence.
"""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from alma.conversation.classifier import Prediction
from alma.conversation.cues import live_cues
from alma.conversation.reconcile import reconcile
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


@pytest.mark.parametrize("said", ["half giga of ram", "half gb memory", "half a gig"])
def test_half_before_a_unit_is_half_of_it(parser: IntentParser, said: str) -> None:
    read = parser.parse(f"new debian vm called relay-2 with 2 cores and {said}")
    assert read.name == "deploy"
    assert read.resources[0].memory_mb == 512


@pytest.mark.parametrize("sentence", ["wat does OOMKilled mean?", "wut does ImagePullBackOff mean"])
def test_what_typed_fast_still_asks_what_a_word_means(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "explain"


@pytest.mark.parametrize(
    "closing",
    [
        "the reboot did the trick, thank you",
        "perfect, that was all for now. bye",
        "ok cool, I'm done for the day",
        "that worked, cheers",
    ],
)
def test_a_closing_line_asks_for_nothing_after_an_operation(closing: str) -> None:
    reading, destructive = converse("reboot cache-4", closing)
    assert reading.name == "unknown"
    assert not destructive


def test_a_closing_line_is_not_overruled_by_the_classifier(parser: IntentParser) -> None:
    text = "the restart sorted it, thanks a lot"
    read = reconcile(parser.parse(text), Prediction("restart", 0.95, "unknown", 0.01), parser, text)
    assert read.name == "unknown"


def test_thanks_then_a_command_is_the_command() -> None:
    reading, destructive = converse("reboot cache-4", "thanks. now stop queue-2")
    assert (reading.name, reading.target) == ("stop", "queue-2")
    assert destructive


def test_thanks_then_go_ahead_still_carries_out_what_waits() -> None:
    reading, destructive = converse("reboot cache-4", "thanks, go ahead")
    assert (reading.name, reading.target) == ("restart", "cache-4")
    assert destructive


@pytest.mark.parametrize(
    "sentence",
    [
        "is ldap-2 still answering after the reboot?",
        "grafana-1 is slow since the restart",
        "logs look odd after a rollback",
    ],
)
def test_an_act_named_as_a_moment_is_no_request(sentence: str) -> None:
    assert not live_cues(sentence)


def test_an_act_before_a_moment_is_still_a_request() -> None:
    assert [c.kind for c in live_cues("reboot ldap-2 after the backup")] == ["restart"]


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [("vm ci-3 has no netwokr since monday", "troubleshoot"), ("cut search to a single replcia", "scale")],
)
def test_a_misspelt_frame_noun_still_frames_the_sentence(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("fyi: is the ceph pool in sync?", None),
        ("one thing. is ldap-2 reachable?", "ldap-2"),
        ("how many cores does ledgerd have?", "ledgerd"),
        ("what release is ledgerd on?", "ledgerd"),
    ],
)
def test_questions_about_a_state_or_what_a_thing_has_are_status(
    parser: IntentParser, sentence: str, target: str | None
) -> None:
    read = parser.parse(sentence)
    assert (read.name, read.target) == ("status", target)


@pytest.mark.parametrize(
    ("act", "question"),
    [
        ("shut down ldap-2", "has it shut down yet?"),
        ("reboot ldap-2", "did it actually come back up?"),
        ("reboot ldap-2", "so what is its cpu load now?"),
    ],
)
def test_whether_an_act_took_effect_is_a_status_of_its_target(act: str, question: str) -> None:
    reading, destructive = converse(act, question)
    assert (reading.name, reading.target) == ("status", "ldap-2")
    assert not destructive


def test_how_many_things_we_have_stays_a_list(parser: IntentParser) -> None:
    assert parser.parse("how many vms do we have?").name == "list"


@pytest.mark.parametrize(("verb", "way", "destructive"), [("triple", "up", False), ("halve", "down", True)])
def test_multiplying_the_copies_just_asked_about_is_a_scale(verb: str, way: str, destructive: bool) -> None:
    reading, judged = converse("how many instances does ledgerd have?", f"ok, {verb} it")
    assert (reading.name, reading.target, reading.direction) == ("scale", "ledgerd", way)
    assert judged == destructive


def test_multiplying_after_a_question_about_a_size_resizes() -> None:
    reading, destructive = converse("how much ram does ledger-2 have?", "halve it")
    assert (reading.name, reading.target) == ("update", "ledger-2")
    assert destructive


@pytest.mark.parametrize(
    ("sentence", "intent"), [("triple the replicas of ledgerd", "scale"), ("double its ram", "update")]
)
def test_a_multiplier_scales_copies_and_resizes_sizes(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


@pytest.mark.parametrize("sentence", ["add more ram to ledger-2", "give ledger-2 extra cores, 8 total"])
def test_more_of_a_size_is_a_resize_not_more_copies(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "update"


def test_back_up_to_a_count_is_a_scale_up_not_a_rollback() -> None:
    reading, destructive = converse("scale ledgerd down to 2", "no, put it back up to 5")
    assert (reading.name, reading.target, reading.direction) == ("scale", "ledgerd", "up")
    assert not destructive
    assert not live_cues("no, put it back up to 5")


def test_putting_an_old_version_back_is_still_a_rollback(parser: IntentParser) -> None:
    assert parser.parse("put last week's build back on ledgerd").name == "rollback"


@pytest.mark.parametrize("correction", ["no, seven", "actually 7", "sorry, 7 replicas"])
def test_a_bare_count_correcting_a_deploy_recounts_it(correction: str) -> None:
    reading, destructive = converse("deploy four memcached containers", correction)
    assert reading.name == "deploy"
    assert reading.resources[0].count == 7
    assert not destructive


def test_make_that_n_instead_recounts_the_scale_just_asked(parser: IntentParser) -> None:
    read = parser.parse("hmm, make that 6 instead")
    assert (read.name, read.scale_to) == ("scale", 6)


def test_a_bare_count_correcting_a_scale_up_to_fewer_is_destructive() -> None:
    reading, destructive = converse("scale ledgerd to 8", "no, three")
    assert (reading.name, reading.target, reading.scale_to) == ("scale", "ledgerd", 3)
    assert destructive


@pytest.mark.parametrize(
    "sentence",
    [
        "what is the cleanest way to separate dev and prod on one cluster?",
        "we need failover for the mqtt broker, how should we structure it?",
        "a reference architecture for a small saas on k8s, please",
    ],
)
def test_asking_how_to_shape_a_system_is_design(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "design"


@pytest.mark.parametrize("follow_up", ["and make it fault tolerant", "now drop the queue from the layout"])
def test_a_requirement_or_change_to_a_design_stays_a_design(follow_up: str) -> None:
    reading, _ = converse("design a home lab for media and backups", follow_up)
    assert reading.name == "design"


@pytest.mark.parametrize(
    "sentence",
    [
        "something keeps evicting the workers on node-4",
        "the gateway is throwing 503s on every call",
        "ram pegged at 97 on cache-3",
        "what is in the journal of cache-3?",
    ],
)
def test_symptoms_said_in_other_words_are_troubleshooting(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "troubleshoot"


def test_a_symptom_without_a_name_is_about_the_thing_at_hand() -> None:
    reading, _ = converse("cache-3 is sluggish", "load is at 99 and nothing runs there")
    assert (reading.name, reading.target) == ("troubleshoot", "cache-3")


@pytest.mark.parametrize(
    "sentence",
    [
        "what are all the lxcs on pve2?",
        "get me a rundown of the vms",
        "we would like to see our databases",
    ],
)
def test_asking_for_the_things_themselves_is_a_list(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "list"


def test_narrowing_with_a_state_keeps_the_list() -> None:
    reading, _ = converse("list my vms", "just the paused ones")
    assert reading.name == "list"


def test_comparing_two_acts_is_an_explanation(parser: IntentParser) -> None:
    assert parser.parse("is draining a node the same as cordoning it?").name == "explain"


@pytest.mark.parametrize("question", ["is it wise to stop ldap-2 now?", "could we safley stop ldap-2?"])
def test_whether_an_act_is_safe_is_explained_and_then_can_be_carried_out(question: str) -> None:
    reading, destructive = converse(question)
    assert (reading.name, reading.target, destructive) == ("explain", "ldap-2", False)
    reading, destructive = converse(question, "ok, go ahead")
    assert (reading.name, reading.target, destructive) == ("stop", "ldap-2", True)


@pytest.mark.parametrize("sentence", ["remove the env=staging label from ldap-2", "delete the 'old' tags on ldap-2"])
def test_removing_metadata_only_is_no_destructive_cue(sentence: str) -> None:
    assert not live_cues(sentence)


def test_removing_metadata_and_a_resource_is_still_destructive() -> None:
    assert live_cues("remove the tag and the vm ldap-2")


def test_asking_whether_the_act_at_hand_is_safe_is_about_its_target() -> None:
    reading, destructive = converse("wipe ldap-9", "wait: could we safely do that?")
    assert (reading.name, reading.target, destructive) == ("explain", "ldap-9", False)
