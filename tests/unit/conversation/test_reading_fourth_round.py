"""Mechanisms added after a fourth blind set (issue 13): each sentence here is a new phrasing written for
the test, not one of the set's, so that what passes is the mechanism and not a memorised sentence.
"""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from alma.conversation.cues import live_cues, sarcastic
from alma.conversation.resources import is_name
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


@pytest.mark.parametrize("sentence", ["could you reboot her please", "power him off", "stop her now"])
def test_a_machine_called_him_or_her_is_it(sentence: str) -> None:
    reading, destructive = converse("the vm tax-calc is crawling", sentence)
    assert reading.target == "tax-calc"
    assert destructive


@pytest.mark.parametrize("word", ["p99", "p95", "p50", "p999"])
def test_a_percentile_is_a_figure_not_a_name(word: str) -> None:
    assert not is_name(word)


@pytest.mark.parametrize("opening", ["hmm", "uh", "meh", "ugh"])
def test_an_interjection_opening_a_symptom_names_nothing(parser: IntentParser, opening: str) -> None:
    read = parser.parse(f"{opening} lots of 500s. what changed since yesterday?")
    assert read.target is None


@pytest.mark.parametrize(
    "sentence",
    [
        "great idea, let us just drop the prod database on a friday /s",
        "yeah sure, restart everything during the demo /s",
        "oh absolutely, shut the whole cluster down, what could go wrong /S",
    ],
)
def test_a_message_tagged_as_sarcasm_asks_for_nothing(parser: IntentParser, sentence: str) -> None:
    assert sarcastic(sentence)
    assert not live_cues(sentence)
    reading, destructive = converse(sentence)
    assert reading.name == "unknown"
    assert not destructive


def test_a_slash_s_inside_a_path_is_no_sarcasm() -> None:
    assert not sarcastic("delete /srv/s3-cache on files-2")
    assert live_cues("delete /srv/s3-cache on files-2")


@pytest.mark.parametrize(
    ("first", "then", "intent", "target"),
    [
        ("status of billing-db", "ok, what about its cpu", "status", "billing-db"),
        (
            "deploy a mysql container named cart-db and a redis container named cart-cache",
            "how much ram is the cache eating?",
            "status",
            "cart-cache",
        ),
        ("reboot api-gw", "how long before it is reachable again?", "status", "api-gw"),
        ("search-ui will not render", "what does the log say?", "troubleshoot", "search-ui"),
    ],
)
def test_a_question_about_the_focus_is_a_read_of_it(first: str, then: str, intent: str, target: str) -> None:
    reading, destructive = converse(first, then)
    assert (reading.name, reading.target) == (intent, target)
    assert not destructive


def test_which_has_been_up_longest_is_a_status_question(parser: IntentParser) -> None:
    assert parser.parse("which of the guests has been up the longest?").name == "status"


@pytest.mark.parametrize("sentence", ["put the nas-2 box to sleep", "can you put backup-vm to sleep until monday"])
def test_putting_a_machine_to_sleep_stops_it(sentence: str) -> None:
    reading, destructive = converse(sentence)
    assert reading.name == "stop"
    assert destructive


@pytest.mark.parametrize("again", ["fire it up again", "bring it back up", "spin them back up please"])
def test_bringing_up_what_was_stopped_starts_it(again: str) -> None:
    reading, destructive = converse("shut down lab-7", again)
    assert (reading.name, reading.target) == ("start", "lab-7")
    assert not destructive


@pytest.mark.parametrize(
    "sentence", ["cut render-3 from 16 cores to 8", "drop cache-9 from 32G to 16", "trim solr-1 from 8 gigs to 4"]
)
def test_a_removal_verb_with_from_a_size_to_another_is_a_resize(parser: IntentParser, sentence: str) -> None:
    read = parser.parse(sentence)
    assert read.name == "update"
    _, destructive = converse(sentence)
    assert destructive  # a shrink, confirmed


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        ("create a redis lxc named sess-1", "1 core, 512MB ram, 8GB disk", ("sess-1", "lxc", "redis", 1, 512, 8, 1)),
        ("set up a debian vm, 2c/4g", "oh and call it bastion-2", ("bastion-2", "vm", "debian", 2, 4096, None, 1)),
        ("launch 4 alpine containers", "give them 128MB each", (None, "container", "alpine", None, 128, None, 4)),
        (
            "make a mariadb lxc called wiki-db",
            "actually name it wiki-db-1",
            ("wiki-db-1", "lxc", "mariadb", None, None, None, 1),
        ),
    ],
)
def test_what_is_added_after_a_deploy_amends_that_deploy(first: str, then: str, expected: tuple[object, ...]) -> None:
    reading, destructive = converse(first, then)
    assert reading.name == "deploy"
    (res,) = reading.resources
    assert (res.name, res.kind, res.template, res.cores, res.memory_mb, res.disk_gb, res.count) == expected
    assert not destructive


def test_an_order_built_over_several_short_messages_is_one_deploy() -> None:
    reading, _ = converse("i want an lxc", "debian", "2 cores 2 gigs, name it mirror-3")
    (res,) = reading.resources
    assert (reading.name, res.name, res.kind, res.template, res.cores, res.memory_mb) == (
        "deploy", "mirror-3", "lxc", "debian", 2, 2048,
    )  # fmt: skip


def test_sizes_said_about_a_named_thing_or_with_a_kind_are_no_amendment(parser: IntentParser) -> None:
    assert "amend" not in parser.parse("the loki container is using 6 gigs").signals
    assert "amend" not in parser.parse("2x debian lxc, 1 core / 1G").signals
    reading, _ = converse("deploy an nginx container named edge-5", "status of ci-9")
    assert (reading.name, reading.target) == ("status", "ci-9")


@pytest.mark.parametrize(
    ("sentence", "target"),
    [("health check on ledgerx", "ledgerx"), ("how is smtprelay doing?", "smtprelay"), ("check invsvc", "invsvc")],
)
def test_a_read_of_a_word_no_list_knows_is_a_read_of_that_name(
    parser: IntentParser, sentence: str, target: str
) -> None:
    read = parser.parse(sentence)
    assert (read.name, read.target) == ("status", target)


@pytest.mark.parametrize("remark", ["still broken. this is hopeless", "it is still crawling, this is a joke"])
def test_a_remark_names_nothing(remark: str) -> None:
    reading, _ = converse("why is mq-3 so slow", remark)
    assert reading.target == "mq-3"


@pytest.mark.parametrize("word", ["pre-upgrade", "post-migration", "self-signed", "start-on-boot", "out-of-memory"])
def test_english_compounds_are_not_names(word: str) -> None:
    assert not is_name(word)


@pytest.mark.parametrize("word", ["pre-prod-2", "web-01", "db-pre-1", "auth-svc"])
def test_hyphenated_names_stay_names(word: str) -> None:
    assert is_name(word)


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("roll back to the nightly-3 snapshot of inv-db", "inv-db"),
        ("put the label 'tier-gold' on pay-gw", "pay-gw"),
        ("set the tag 'keep-forever' on mailarchive", "mailarchive"),
        ("turn on auto-restart for cron-2", "cron-2"),
    ],
)
def test_a_tag_value_or_a_described_part_is_not_the_target(parser: IntentParser, sentence: str, target: str) -> None:
    assert parser.parse(sentence).target == target


def test_restoring_the_snapshot_is_of_the_focus() -> None:
    reading, destructive = converse("snapshot hr-app before the patch", "the patch broke it, restore the snapshot")
    assert (reading.name, reading.target) == ("rollback", "hr-app")
    assert destructive


@pytest.mark.parametrize(
    "sentence",
    [
        "how would we divide the workloads across our three hosts?",
        "we want a staging env with 2 app servers and a db. how would you lay that out?",
        "what should we put where: a mail server, a vpn and a git forge on two boxes",
        "what would our whole platform look like on nomad instead?",
    ],
)
def test_asking_how_to_shape_a_system_is_design(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "design"


@pytest.mark.parametrize(
    "sentence",
    [
        "eli5 overlay networks",
        "what does ImagePullBackOff mean?",
        "how does a statefulset differ from a deployment",
        "what does OOMKilled mean in general",
    ],
)
def test_asking_what_a_word_means_is_explain(parser: IntentParser, sentence: str) -> None:
    read = parser.parse(sentence)
    assert (read.name, read.target) == ("explain", None)


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("smtp-2 will not accept mail since the cert change", "smtp-2"),
        ("my vm jump-1 has no internet after the host upgrade", "jump-1"),
        ("ctr-9 has no dns after the router restart", "ctr-9"),
    ],
)
def test_what_a_thing_refuses_or_lacks_is_a_symptom_not_a_request(sentence: str, target: str) -> None:
    reading, destructive = converse(sentence)
    assert (reading.name, reading.target) == ("troubleshoot", target)
    assert not destructive


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("any guest offline?", "status"),
        ("any of those still stuck?", "status"),
        ("wtf is even deployed right now", "list"),
        ("fantastic. just great. status?", "status"),
        ("sigh. long day. what's running?", "list"),
    ],
)
def test_short_reads_at_the_end_of_remarks_or_as_yes_no_questions(
    parser: IntentParser, sentence: str, intent: str
) -> None:
    assert parser.parse(sentence).name == intent


def test_a_read_after_a_command_does_not_hide_the_command(parser: IntentParser) -> None:
    assert parser.parse("stop relay-4. status?").name == "stop"


@pytest.mark.parametrize("question", ["wait, what would that knock out?", "what would it disrupt?"])
def test_what_the_waiting_act_would_reach_is_a_plan_of_it(question: str) -> None:
    reading, destructive = converse("reboot mq-7", question)
    assert (reading.name, reading.target) == ("plan", "mq-7")
    assert not destructive


@pytest.mark.parametrize(
    ("sentence", "count"), [("cap it at 5 pods", 5), ("pin gateway at 12 replicas", 12), ("hold it at 3 instances", 3)]
)
def test_holding_a_thing_at_a_count_is_a_scale_to_it(parser: IntentParser, sentence: str, count: int) -> None:
    read = parser.parse(sentence)
    assert (read.name, read.scale_to) == ("scale", count)


@pytest.mark.parametrize(
    ("sentence", "target"),
    [("how does the disk usage on files-3 look", "files-3"), ("swap pressure on cache-2 today?", "cache-2")],
)
def test_the_usage_of_a_resource_on_a_name_is_its_status(parser: IntentParser, sentence: str, target: str) -> None:
    read = parser.parse(sentence)
    assert (read.name, read.target) == ("status", target)


def test_the_not_of_a_why_question_is_no_correction(parser: IntentParser) -> None:
    read = parser.parse("why does not mail-3 deliver anything")
    assert read.name == "troubleshoot"
    assert not read.correction
    assert parser.parse("not mail-3, only mail-4").correction


@pytest.mark.parametrize("question", ["what should we look at on the kafka side?", "might it be the dns?"])
def test_where_to_look_and_guessed_causes_are_troubleshooting(question: str) -> None:
    reading, _ = converse("billing-api is slow", question)
    assert (reading.name, reading.target) == ("troubleshoot", "billing-api")


def test_a_ranking_question_lists_and_its_follow_up_keeps_listing() -> None:
    reading, _ = converse("what are our oldest containers", "and the newest?")
    assert reading.name == "list"


@pytest.mark.parametrize(
    ("sentence", "template"),
    [("new vm: ubuntu22, 2c/4g, name tools-1", "ubuntu"), ("lxc rocky9 1c/1g named ldap-2", "rocky")],
)
def test_a_distribution_with_its_release_glued_on_is_a_template(
    parser: IntentParser, sentence: str, template: str
) -> None:
    read = parser.parse(sentence)
    (res,) = read.resources
    assert (read.name, res.template) == ("deploy", template)
    assert res.name in {"tools-1", "ldap-2"}
    assert not is_name("deb12")


def test_things_wanted_before_a_verb_used_as_a_noun_are_still_the_deploy(parser: IntentParser) -> None:
    read = parser.parse("we need three debian vms with 2 cores for the build cluster")
    assert read.name == "deploy"
    (res,) = read.resources
    assert (res.kind, res.template, res.cores, res.count) == ("vm", "debian", 2, 3)


@pytest.mark.parametrize(
    ("sentence", "memory_mb", "disk_gb"),
    [("lxc name=dns-9 mem=1024 disk=12 cores=1", 1024, 12), ("vm name=ci-4 cores=2 ram=4 disk=40", 4096, 40)],
)
def test_unitless_memory_and_disk_in_a_compact_spec(
    parser: IntentParser, sentence: str, memory_mb: int, disk_gb: int
) -> None:
    (res,) = parser.parse(sentence).resources
    assert (res.memory_mb, res.disk_gb) == (memory_mb, disk_gb)
