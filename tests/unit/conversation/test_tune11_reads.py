"""Readings found by blind set 11 (eval/intents-tune-11.jsonl), each by a phrasing of its own."""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


@pytest.mark.parametrize(
    ("first", "second", "name", "template"),
    [
        ("Hi! I need a VM for my onboarding tasks, could you help?",
         "Sure: Ubuntu, 2 vCPUs, 4 GB of RAM, a 40 GB disk, and please call it dev-tom. Thank you!", "dev-tom",
         "ubuntu"),
        ("I need a new VM for the mail relay.",
         "It should have Debian, the name is mail-relay, with 2 cores and 4 Gigabyte RAM.", "mail-relay", "debian"),
    ],
)  # fmt: skip
def test_a_long_polite_answer_with_the_spec_completes_the_deploy(
    first: str, second: str, name: str, template: str
) -> None:
    reading, _ = converse(first, second)
    [resource] = reading.resources
    assert (reading.name, resource.name, resource.kind, resource.template, resource.cores) == (
        "deploy",
        name,
        "vm",
        template,
        2,
    )


@pytest.mark.parametrize(
    ("first", "again", "name", "memory_mb"),
    [
        ("deploy redis container cache-prod 2gb", "ty. now same thing but call it cache-stg", "cache-stg", 2048),
        ("deploy a redis docker container called rq-cache with 256MB", "same again but call it rq-cache-2",
         "rq-cache-2", 256),
    ],
)  # fmt: skip
def test_the_same_again_named_anew(first: str, again: str, name: str, memory_mb: int) -> None:
    reading, _ = converse(first, again)
    [resource] = reading.resources
    assert (reading.name, resource.name, resource.template, resource.kind, resource.memory_mb) == (
        "deploy",
        name,
        "redis",
        "container",
        memory_mb,
    )


def test_another_one_of_some_software_is_of_the_kind_just_asked_for() -> None:
    reading, _ = converse("deploy a postgres container called course-db", "and a redis one called course-cache")
    [resource] = reading.resources
    assert (resource.name, resource.kind, resource.template) == ("course-cache", "container", "redis")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("what's the best way to lay out a homelab with a NAS, media server and home automation? viewers keep asking",
         "design"),
        ("Is the demo environment up for the client meeting at 3?", "status"),
        ("what even is a hypervisor lol", "explain"),
        ("How do I revoke an API token?", "explain"),
        ("Hypothetically, if an attacker got root on pve1, what could they do to the guests?", "explain"),
    ],
)  # fmt: skip
def test_questions_in_other_words(parser: IntentParser, text: str, name: str) -> None:
    assert parser.parse(text).name == name


def test_what_a_pending_change_would_do_is_still_its_plan() -> None:
    reading, _ = converse("scale the workers down to 1", "wait, what would that do to the queue?")
    assert reading.name == "plan"


def test_a_name_given_afterwards_is_what_the_question_was_about() -> None:
    reading, _ = converse("why is my docker container exiting immediately after start", "its called flask-app btw")
    assert (reading.name, reading.target) == ("troubleshoot", "flask-app")


def test_with_the_name_names_it(parser: IntentParser) -> None:
    read = parser.parse("Can you please stop the Container with the name printserver? We have maintenance.")
    assert (read.name, read.target) == ("stop", "printserver")


def test_software_said_not_to_be_needed_is_not_ordered() -> None:
    text = (
        "Can we get a new VM for the new designer? Call it design-ws-01. Windows isn't needed, Ubuntu is fine, 4 cores"
    )
    reading, _ = converse(text)
    [resource] = reading.resources
    assert (resource.name, resource.template, resource.cores) == ("design-ws-01", "ubuntu", 4)


@pytest.mark.parametrize(
    "text",
    [
        "Shut down test-ftp immediately, it's running an anonymous FTP server",
        "eh forget it, stop mc-server, the kids should be asleep anyway",
    ],
)
def test_an_acronym_or_letting_go_is_no_anger(text: str) -> None:
    from alma.conversation.frustration import FRUSTRATED, message_score

    assert message_score(text) < FRUSTRATED


@pytest.mark.parametrize("text", ["STOP IT", "scale payments DOWN to 1!!", "WHY IS IT DOWN", "DELETE IT NOW"])
def test_short_words_shouted_are_still_shouting(text: str) -> None:
    from alma.conversation.frustration import message_score

    assert message_score(text) >= 0.5


def test_as_many_names_as_copies_name_each(parser: IntentParser) -> None:
    read = parser.parse("deploy 2 debian VMs named k8s-cp and k8s-worker, 2 cores 4GB each")
    assert [(r.name, r.count, r.cores, r.memory_mb) for r in read.resources] == [
        ("k8s-cp", 1, 2, 4096),
        ("k8s-worker", 1, 2, 4096),
    ]
    assert [r.name for r in parser.parse("create 3 alpine lxcs called node-a, node-b and node-c").resources] == [
        "node-a",
        "node-b",
        "node-c",
    ]
    assert parser.parse("deploy 2 nginx containers named web-1").resources[0].count == 2  # one name, two copies


def test_names_for_the_copies_just_asked_for() -> None:
    reading, _ = converse("can you spin up 3 alpine containers for my assignment", "call them node1 node2 node3")
    assert reading.name == "deploy"
    assert [(r.name, r.template, r.count) for r in reading.resources] == [
        ("node1", "alpine", 1),
        ("node2", "alpine", 1),
        ("node3", "alpine", 1),
    ]
