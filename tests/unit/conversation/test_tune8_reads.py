"""Reads added in the session of the eighth blind set (issue 13). Each sentence is a new phrasing written for
the test, not one of a set's, so that what passes is the mechanism and not a memorised sentence.
"""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


@pytest.mark.parametrize(
    ("text", "intent", "target"),
    [
        ("update: rolling back billing-ui to 2.3", "rollback", "billing-ui"),
        ("INC-22: checkout slow since the deploy. reverting checkout-svc to 7.1", "rollback", "checkout-svc"),
        ("status: deleting tmp-builder-4 now", "destroy", "tmp-builder-4"),
    ],
)
def test_an_act_announced_as_ing_is_that_act(parser: IntentParser, text: str, intent: str, target: str) -> None:
    read = parser.parse(text)
    assert (read.name, read.target) == (intent, target)


@pytest.mark.parametrize("text", ["rebooting mail-03 fixed it", "restarting queue-7 did not help at all"])
def test_an_ing_act_that_is_the_subject_of_a_report_is_no_request(parser: IntentParser, text: str) -> None:
    assert parser.parse(text).name not in {"restart", "destroy", "rollback", "stop"}


@pytest.mark.parametrize(
    "text",
    [
        "how long does a reboot of hv-07 normally take?",
        "remind me why we removed the legacy ftp box",
        "do you recall why we stopped the old mailer?",
    ],
)
def test_how_long_an_act_takes_and_why_it_was_done_are_explained(parser: IntentParser, text: str) -> None:
    assert parser.parse(text).name == "explain"


@pytest.mark.parametrize(
    ("text", "disk_gb"),
    [
        ("qm create 301 --name etl-7 --memory 2048 --cores 2 --virtio0 ceph-pool:120", 120),
        ("pct create 410 local:vztmpl/debian-12-standard.tar.zst --hostname dns-9 --rootfs local-zfs:12", 12),
    ],
)
def test_a_disk_given_as_storage_and_size_on_a_command_line(parser: IntentParser, text: str, disk_gb: int) -> None:
    read = parser.parse(text)
    assert read.name == "deploy"
    assert [r.disk_gb for r in read.resources] == [disk_gb]


@pytest.mark.parametrize(
    "text",
    [
        "what happens if I stop a container that has an open volume?",
        "what happens if I remove it next week, will its backups be kept?",
    ],
)
def test_what_an_act_does_to_some_thing_is_explained_and_changes_nothing(parser: IntentParser, text: str) -> None:
    read = parser.parse(text)
    assert read.name == "explain"
    assert read.action in {"stop", "destroy"}  # remembered, so that "ok, do it" can carry it out


def test_what_happens_to_a_named_thing_is_still_its_plan(parser: IntentParser) -> None:
    read = parser.parse("what happens if I stop ledger-db?")
    assert (read.name, read.target, read.action) == ("plan", "ledger-db", "stop")


def test_the_act_supposed_is_the_conditions_not_the_questions_own_verb(parser: IntentParser) -> None:
    read = parser.parse("what would change if I scaled search-api down to 2?")
    assert (read.name, read.target) == ("plan", "search-api")


def test_more_copies_like_the_last_deploy_carry_its_spec_and_no_name() -> None:
    reading, destructive = converse("create a debian lxc called mq-1 with 2 cores and 1GB", "add 3 more just like that")
    assert reading.name == "deploy" and not destructive
    [copied] = reading.resources
    assert (copied.name, copied.kind, copied.template, copied.cores, copied.memory_mb, copied.count) == (
        None,
        "lxc",
        "debian",
        2,
        1024,
        3,
    )


def test_a_correction_of_the_kind_rebuilds_the_same_request() -> None:
    reading, _ = converse("deploy an ubuntu vm named gw-2 with 4 cores", "sorry, I meant a container, not a vm")
    [resource] = reading.resources
    assert (reading.name, resource.name, resource.kind, resource.template, resource.cores) == (
        "deploy",
        "gw-2",
        "container",
        "ubuntu",
        4,
    )


def test_a_correction_that_picks_one_of_those_named_is_still_a_target() -> None:
    reading, _ = converse("stop report-app and report-db", "no wait, leave the db running, only the app")
    assert (reading.name, reading.target) == ("stop", "report-app")


def test_a_yes_with_sizes_sizes_what_waits() -> None:
    reading, _ = converse("show me the plan for deploying two alpine lxcs", "nice, go ahead, 512MB each")
    [resource] = reading.resources
    assert (reading.name, reading.target, resource.count, resource.memory_mb) == ("deploy", None, 2, 512)


@pytest.mark.parametrize(
    ("text", "target"), [("start vm media-srv", "media-srv"), ("start lxc dns-01 and tell me when it's up", "dns-01")]
)
def test_start_with_a_kind_then_a_name_starts_that_guest(parser: IntentParser, text: str, target: str) -> None:
    read = parser.parse(text)
    assert (read.name, read.target) == ("start", target)


def test_start_of_a_new_one_said_with_an_article_or_a_size_is_a_deploy(parser: IntentParser) -> None:
    assert parser.parse("start a vm media-srv").name == "deploy"
    assert parser.parse("start vm web-9 with 2 cores").name == "deploy"


def test_a_noun_verb_command_keeps_its_kind(parser: IntentParser) -> None:
    read = parser.parse("lxc create web-07 --template alpine --cores 2 --memory 1024")
    [resource] = read.resources
    assert (read.name, resource.kind, resource.template, resource.cores) == ("deploy", "lxc", "alpine", 2)


@pytest.mark.parametrize("second", ["no wait, the other one — web-02", "no, the other one, web-02"])
def test_the_other_one_named_redirects_the_request(second: str) -> None:
    reading, _ = converse("restart web-01", second)
    assert (reading.name, reading.target, reading.cancelled) == ("restart", "web-02", False)


def test_the_other_one_of_two_deployed_is_the_one_not_named() -> None:
    reading, destructive = converse(
        "deploy an ubuntu vm named app-05 and a debian lxc named proxy-05", "stop app-05", "no wait, the other one"
    )
    assert (reading.name, reading.target, destructive) == ("stop", "proxy-05", True)


def test_and_that_one_too_is_the_one_said_not_the_focus() -> None:
    reading, destructive = converse("stop the frontend container", "and the backend container too")
    assert (reading.name, reading.target, destructive) == ("stop", "backend", True)


def test_a_statement_that_follows_names_nothing_to_act_on() -> None:
    reading, _ = converse("wiki-01 shows bad gateway", "and now the whole intranet is down", "RESTART IT. NOW.")
    assert (reading.name, reading.target) == ("restart", "wiki-01")


@pytest.mark.parametrize(
    ("text", "name", "target"),
    [
        ("delete web-01??? no no no I meant restart. restart web-01", "restart", "web-01"),
        ("stop web-1, no sorry, restart it", "restart", "web-1"),
        ("restart web-01 and web-02, no wait, just web-02", "restart", "web-02"),
        ("stop web-01, no sorry, web-02", "stop", "web-02"),
    ],
)
def test_what_a_message_takes_back_is_not_asked(parser: IntentParser, text: str, name: str, target: str) -> None:
    read = parser.parse(text)
    assert (read.name, read.target) == (name, target)


def test_a_spec_taken_back_is_replaced_by_the_one_after() -> None:
    reading, _ = converse("new vm: name=win-test? no, sorry, linux — debian, name=deb-test, 2 cores, 20GB disk")
    [resource] = reading.resources
    assert (reading.name, resource.name, resource.template, resource.cores, resource.disk_gb) == (
        "deploy",
        "deb-test",
        "debian",
        2,
        20,
    )


def test_no_taken_back_at_the_start_of_a_message_is_left_to_the_correction(parser: IntentParser) -> None:
    assert parser.parse("no, no downtime please").name != "destroy"


@pytest.mark.parametrize(
    "text",
    [
        "don't stop anything, I just want to know: is queue-01 healthy?",
        "not asking you to delete it, just curious: is queue-01 up?",
    ],
)
def test_a_question_said_to_be_only_a_question_is_read(parser: IntentParser, text: str) -> None:
    read = parser.parse(text)
    assert (read.name, read.target) == ("status", "queue-01")
