"""Readings of blind set 7 (eval/intents-tune-7.jsonl) left over from its first round, each by a phrasing of
its own: guests known by their numbers, helm's commands, the thing a pronoun means rather than its node,
comparisons and consequences asked, English compounds that look like names."""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


@pytest.mark.parametrize(
    ("turns", "name", "target"),
    [
        (("uptime on 104?",), "status", "104"),
        (("status of 104",), "status", "104"),
        (("pct list", "what's 212?", "ok destroy it"), "destroy", "212"),
        (("we're seeing packet loss on vm 118", "the network config looks fine, what else could it be?"),
         "troubleshoot", "118"),
    ],
)  # fmt: skip
def test_a_guest_known_by_its_number(turns: tuple[str, ...], name: str, target: str) -> None:
    reading, _ = converse(*turns)
    assert (reading.name, reading.target) == (name, target)


@pytest.mark.parametrize(
    "turns",
    [
        ("deploy an alpine lxc named cache-03 with 512MB", "can you give it 2GB now instead of 512?"),
        ("i think rate-limit is broken", "it returns connection refused on 6379"),
    ],
)
def test_a_number_said_of_it_is_no_guest(turns: tuple[str, ...]) -> None:
    reading, _ = converse(*turns)
    assert reading.target in {"cache-03", "rate-limit"}


@pytest.mark.parametrize(
    ("text", "name", "target"),
    [
        ("helm rollback monitoring to the previous revision", "rollback", "monitoring"),
        ("helm uninstall grafana", "destroy", "grafana"),
        ("wtf is ghost-vm-9 even doing on pve1, delete it", "destroy", "ghost-vm-9"),
    ],
)
def test_the_thing_an_act_is_on(parser: IntentParser, text: str, name: str, target: str) -> None:
    read = parser.parse(text)
    assert (read.name, read.target) == (name, target)


@pytest.mark.parametrize(
    "text",
    [
        "what's the difference between a stop and a shutdown in proxmox, and which one can corrupt data?",
        "from a business point of view, what's the risk if we don't restart the billing servers after patching?",
        "does rolling back a deployment lose the data in its volumes?",
    ],
)
def test_comparisons_and_consequences_asked_are_explained(text: str) -> None:
    reading, destructive = converse(text)
    assert (reading.name, destructive) == ("explain", False)


def test_an_english_compound_is_no_name(parser: IntentParser) -> None:
    read = parser.parse("can you order pizza for the on-call team")
    assert (read.name, read.target) == ("unknown", None)


def test_a_stretch_of_time_is_not_everything() -> None:
    text = "Our reports time out and I spent the whole morning on it. Please give pg-analytics another 16GB of memory."
    reading, destructive = converse(text)
    assert (reading.name, reading.target, destructive) == ("update", "pg-analytics", False)


def test_the_purpose_of_a_thing_is_no_request() -> None:
    text = "We have a demo on Thursday and I'll need somewhere to run it. Could I get an ubuntu vm named demo-thu?"
    reading, _ = converse(text)
    assert (reading.name, reading.target) == ("deploy", "demo-thu")


def test_a_way_to_do_it_asked_is_still_explained(parser: IntentParser) -> None:
    assert parser.parse("is there a way to delete a VM but keep its disks?").name == "explain"


@pytest.mark.parametrize("text", ["WTF is down", "health of everything?"])
def test_the_state_of_it_all_in_few_words(parser: IntentParser, text: str) -> None:
    assert parser.parse(text).name == "status"


def test_which_things_have_what_they_want_is_a_list(parser: IntentParser) -> None:
    assert parser.parse("which deployments have less ready replicas than they want?").name == "list"


def test_a_name_beats_a_word_said_of_things(parser: IntentParser) -> None:
    read = parser.parse("this is f***ing ridiculous, why won't grafana-mon load any dashboards")
    assert (read.name, read.target) == ("troubleshoot", "grafana-mon")


def test_helm_history_then_roll_it_back() -> None:
    reading, destructive = converse("helm history pricing", "roll it back to revision 14")
    assert (reading.name, reading.target, destructive) == ("rollback", "pricing", True)


def test_a_software_one_after_a_deploy_is_of_its_kind() -> None:
    reading, _ = converse("deploy a grafana container called ops-dash", "now a prometheus one called ops-prom with 2GB")
    [resource] = reading.resources
    assert (reading.name, resource.name, resource.kind, resource.template, resource.memory_mb) == (
        "deploy",
        "ops-prom",
        "container",
        "prometheus",
        2048,
    )
    alone, _ = converse("deploy a redis one")
    assert alone.resources[0].kind == "cache"


@pytest.mark.parametrize(
    ("turns", "name", "target"),
    [
        (("we pushed v2.4 to checkout an hour ago", "error rate is through the roof, customers can't pay!!!",
          "put the old version back NOW"), "rollback", "checkout"),
        (("rolling out v3 of orders", "hold on, errors. undo!!!"), "rollback", "orders"),
        (("what's the status of the orders rollout?", "it's taking forever", "cancel it and roll back"),
         "rollback", "orders"),
        (("scale worker down to 2", "and cache too"), "scale", "cache"),
    ],
)  # fmt: skip
def test_what_a_release_went_to_is_what_the_talk_is_about(turns: tuple[str, ...], name: str, target: str) -> None:
    reading, destructive = converse(*turns)
    assert (reading.name, reading.target, destructive) == (name, target, True)


def test_what_a_tag_comes_off_is_the_target(parser: IntentParser) -> None:
    read = parser.parse("remove the 'deprecated' tag from web-01")
    assert (read.name, read.target) == ("update", "web-01")


def test_recreate_as_a_new_kind_builds_it(parser: IntentParser) -> None:
    read = parser.parse("recreate cache-7 as a redis container with 512MB NOW")
    assert (read.name, read.resources[0].kind, read.resources[0].memory_mb) == ("deploy", "container", 512)
    assert parser.parse("recreate web-1").name == "update"


def test_a_requirement_said_is_no_question(parser: IntentParser) -> None:
    text = (
        "I would like to request a new virtual machine for the finance team. It should run Windows Server 2022 "
        "with four processors and 16 GB of memory. Please name it fin-app-01."
    )
    read = parser.parse(text)
    [resource] = read.resources
    assert (read.name, resource.name, resource.cores, resource.memory_mb) == ("deploy", "fin-app-01", 4, 16384)


@pytest.mark.parametrize(
    ("turns", "name", "target"),
    [
        (("deploy nginx container promo-2023", "deploy nginx container promo-2024", "get rid of the 2023 one"),
         "destroy", "promo-2023"),
        (("deploy a 3-node k3s cluster on lxcs", "wait, don't do it yet, just show me the plan"), "plan", None),
    ],
)  # fmt: skip
def test_which_one_and_only_the_plan(turns: tuple[str, ...], name: str, target: str | None) -> None:
    reading, _ = converse(*turns)
    assert reading.name == name and (target is None or reading.target == target)
    assert not reading.cancelled


@pytest.mark.parametrize(
    "turns",
    [
        ("what templates do I have on pve2?", "ok use the ubuntu one. make a vm called ci-box, 4 cores 8gb 100gb disk"),
        ("the old build box died and I deleted it yesterday", "so I need a replacement: ubuntu vm, ci-box, 4 cores"),
    ],
)
def test_software_said_around_the_order(turns: tuple[str, ...]) -> None:
    reading, _ = converse(*turns)
    [resource] = reading.resources
    assert (reading.name, resource.name, resource.template) == ("deploy", "ci-box", "ubuntu")


def test_a_bare_number_after_a_size_asked_is_that_size() -> None:
    reading, destructive = converse("how much ram does db-02 have?", "32? that's way too much, cut it to 8")
    assert (reading.name, reading.target, reading.resources[0].memory_mb, destructive) == (
        "update",
        "db-02",
        8192,
        True,
    )
    counted, _ = converse("how many replicas does checkout have?", "cut it to 2")
    assert (counted.name, counted.scale_to) == ("scale", 2)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("what does kubectl rollout restart actually do?", "explain"),
        ("which containers did I delete last week?", "list"),
        ("yeah right, like I'd ever stop the router vm. list what's running on pve1 instead", "list"),
        ("what would removing nginx-lb do to traffic?", "plan"),
    ],
)
def test_what_is_asked_not_done(parser: IntentParser, text: str, name: str) -> None:
    assert parser.parse(text).name == name


def test_a_quoted_stack_trace_is_a_symptom_of_what_it_names() -> None:
    text = "kubectl logs shows `java.lang.OutOfMemoryError: Java heap space` for the reporting deployment, what now"
    reading, _ = converse(text)
    assert (reading.name, reading.target) == ("troubleshoot", "reporting")


def test_the_pod_thing_is_the_kubernetes_deployment() -> None:
    turns = ("deploy a kubernetes deployment called shop-frontend", "and an ubuntu vm called ci-runner")
    reading, _ = converse(*turns, "is the pod thing up?")
    assert (reading.name, reading.target) == ("status", "shop-frontend")


@pytest.mark.parametrize(
    ("text", "name", "template"),
    [
        ("docker run -d --name uptime-kuma -p 3001:3001 louislam/uptime-kuma", "uptime-kuma", "uptime-kuma"),
        ("docker run -d --name web -e TZ=UTC -v data:/data nginx", "web", "nginx"),
        ("docker run -d --name cache-7 -m 512m redis:7", "cache-7", "redis"),
    ],
)
def test_docker_run_wiring_says_nothing_of_what_runs(parser: IntentParser, text: str, name: str, template: str) -> None:
    read = parser.parse(text)
    [resource] = read.resources
    assert (read.name, resource.name, resource.kind, resource.template) == ("deploy", name, "container", template)


def test_the_new_value_of_a_setting_is_no_target() -> None:
    reading, _ = converse("update the restart policy of grafana to unless-stopped")
    assert (reading.name, reading.target) == ("update", "grafana")
