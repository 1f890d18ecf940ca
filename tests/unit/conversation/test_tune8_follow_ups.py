"""Readings found by blind set 8 (eval/intents-tune-8.jsonl), each by a phrasing of its own: pasted output,
advice asked after a symptom, a design varied, a count said again, a command line to run, sizes for each."""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from alma.conversation.pasted import pasted
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


@pytest.mark.parametrize(
    ("first", "paste", "target"),
    [
        ("the gitea container keeps restarting", "journalctl says: 'Failed to start gitea.service: exit 1'", "gitea"),
        ("why is store-02 out of space?", "here is df -h: '/dev/sdb1  200G  200G  0 100% /srv'", "store-02"),
        (
            "the lxc mqtt-3 keeps dying",
            "dmesg: 'Out of memory: Killed process 4410 (mosquitto) total-vm:90000kB'",
            "mqtt-3",
        ),
    ],
)
def test_output_pasted_after_a_symptom_is_more_of_its_troubleshooting(first: str, paste: str, target: str) -> None:
    reading, destructive = converse(first, paste)
    assert (reading.name, reading.target, destructive) == ("troubleshoot", target, False)


def test_a_quoted_error_is_a_symptom_and_names_nothing(parser: IntentParser) -> None:
    read = parser.parse("pg-7 is throwing 'FATAL: remaining connection slots are reserved (pgbouncer-2)'")
    assert (read.name, read.target) == ("troubleshoot", "pg-7")


def test_a_quoted_phrase_a_person_says_is_not_output() -> None:
    assert pasted("marketing wants 'a computer in the cloud' with ubuntu") is None
    assert pasted("restart the vm 'shop'") is None


def test_a_quoted_command_is_what_to_run_not_output(parser: IntentParser) -> None:
    read = parser.parse("please run 'docker rm -f web-1'")
    assert (read.name, read.target) == ("destroy", "web-1")


@pytest.mark.parametrize(
    ("text", "name", "target"),
    [
        ("run `qm destroy 104`", "destroy", "104"),
        ("can you execute kubectl delete deploy api", "destroy", "api"),
        ("kubectl scale sts kafka --replicas=2", "scale", "kafka"),
        ("docker compose down -v for the analytics stack", "destroy", "analytics"),
    ],
)
def test_a_command_line_to_run_is_its_request(text: str, name: str, target: str) -> None:
    reading, destructive = converse(text)
    assert (reading.name, reading.target) == (name, target)
    assert destructive or name == "scale"  # to 2 from a count nobody said: not known to be down


@pytest.mark.parametrize("advice", ["what should I do?", "any ideas?", "ok, how do I fix it?", "now what"])
def test_advice_asked_after_a_symptom_troubleshoots_it(advice: str) -> None:
    reading, _ = converse("db-01 is throwing 'FATAL: too many connections for role app'", advice)
    assert (reading.name, reading.target) == ("troubleshoot", "db-01")


def test_advice_asked_after_a_deploy_is_not_troubleshooting() -> None:
    reading, _ = converse("deploy an alpine lxc named web-1", "what should I do?")
    assert reading.name != "troubleshoot"


@pytest.mark.parametrize(
    ("design", "more"),
    [
        ("design a home media server setup", "with a VPN on top pls"),
        ("design a setup for the brazil launch", "make it cheaper, we only have budget for two nodes"),
        ("give me a design for log shipping from all our lxcs", "which of those components could live on grafana-1?"),
    ],
)
def test_a_design_varied_is_still_the_design(design: str, more: str) -> None:
    reading, destructive = converse(design, more)
    assert (reading.name, destructive) == ("design", False)


def test_with_after_a_deploy_still_amends_the_deploy() -> None:
    reading, _ = converse("deploy an alpine lxc named web-1", "with 2GB")
    assert (reading.name, reading.resources[0].memory_mb) == ("deploy", 2048)


def test_a_count_said_again_then_sizes_for_each_amend_the_deploy() -> None:
    reading, _ = converse("deploy 2 redis containers", "no wait, 3", "and give each 256MB")
    [resource] = reading.resources
    assert (reading.name, resource.template, resource.count, resource.memory_mb) == ("deploy", "redis", 3, 256)


@pytest.mark.parametrize(
    "text", ["explain how ALMA decides whether to ask for confirmation", "please explain what a bind mount is"]
)
def test_explain_said_outright_is_an_explanation_of_anything(parser: IntentParser, text: str) -> None:
    assert parser.parse(text).name == "explain"


def test_a_role_a_service_is_named_by_is_its_name() -> None:
    reading, destructive = converse("scale the workers down to 1")
    assert (reading.name, reading.target, destructive) == ("scale", "workers", True)
    reading, destructive = converse("the worker is slow again", "roll back the worker to 3.2")
    assert (reading.name, reading.target, destructive) == ("rollback", "worker", True)


def test_what_a_change_would_do_is_its_plan_on_its_target() -> None:
    reading, destructive = converse("scale the workers down to 1", "wait, what would that do to the queue?")
    assert (reading.name, reading.target, destructive) == ("plan", "workers", False)
