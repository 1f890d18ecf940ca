"""Reads added after a sixth blind set (issue 13): questions that ask for a cause, a list or a state in words
the grammar had not met, corrections named in apposition, questions that compare rather than correct. Each
sentence here is a new phrasing written for the test, not one of the set's, so that what passes is the
mechanism and not a memorised sentence.
"""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from alma.conversation.classifier import Prediction
from alma.conversation.reconcile import reconcile
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


def test_the_other_one_named_in_apposition_is_that_name() -> None:
    reading, destructive = converse("restart cache-a", "nope, the other one, cache-b")
    assert (reading.name, reading.target) == ("restart", "cache-b")
    assert destructive


@pytest.mark.parametrize(
    "question",
    ["why would a team pick lxc containers instead of vms?", "how come people use k3s rather than k8s?"],
)
def test_a_question_comparing_two_things_is_no_correction(parser: IntentParser, question: str) -> None:
    read = parser.parse(question)
    assert not read.correction
    assert read.name in {"explain", "troubleshoot"}


@pytest.mark.parametrize("question", ["what's behind it?", "any clue what caused this", "what could be triggering it"])
def test_asking_for_a_cause_is_troubleshooting(question: str) -> None:
    reading, _ = converse("the wiki keeps timing out", question)
    assert reading.name == "troubleshoot"
    assert reading.target != "triggering"


def test_why_we_use_something_is_explained(parser: IntentParser) -> None:
    assert parser.parse("what is a bridge in proxmox, and why do people use them?").name == "explain"


@pytest.mark.parametrize(
    "question",
    ["which vms are currently switched off?", "which of them are still running?", "which ones were powered down?"],
)
def test_which_ones_are_in_a_state_lists_them(question: str) -> None:
    reading, destructive = converse("list the lxcs on node-4", question)
    assert reading.name == "list"
    assert not destructive


def test_is_it_gone_asks_the_state_of_what_was_removed() -> None:
    reading, destructive = converse("destroy scratch-9", "is it gone now?")
    assert (reading.name, reading.target) == ("status", "scratch-9")
    assert not destructive


@pytest.mark.parametrize("greeting", ["hey alma is grafana-2 up", "hi, is grafana-2 up?", "alma, is grafana-2 up"])
def test_a_greeting_before_a_state_question_keeps_it_a_status(parser: IntentParser, greeting: str) -> None:
    read = parser.parse(greeting)
    assert (read.name, read.target) == ("status", "grafana-2")


@pytest.mark.parametrize(
    "question",
    ["what would get removed if I purged the old snapshots? don't do it yet", "ok but first, what exactly would go?"],
)
def test_what_an_act_would_take_away_is_a_plan(question: str) -> None:
    reading, destructive = converse("I want to clear out the build vms", question)
    assert reading.name == "plan"
    assert not destructive


@pytest.mark.parametrize(
    "question",
    [
        "how would you lay out the storage and the backups for our 40 vms?",
        "how should we restructure the cache layer so a dead node is no outage?",
        "we want high availability for our wiki on 2 nodes, what do you suggest?",
    ],
)
def test_asking_how_to_shape_a_system_is_design(parser: IntentParser, question: str) -> None:
    assert parser.parse(question).name == "design"


def test_a_what_if_after_a_design_varies_the_design() -> None:
    reading, destructive = converse("design a metrics stack for 30 vms", "what if we used victoriametrics instead?")
    assert reading.name == "design"
    assert not destructive


def test_doubling_what_was_deployed_in_several_copies_doubles_the_count() -> None:
    reading, destructive = converse("deploy 4 redis containers named kv", "double it")
    assert (reading.name, reading.direction, reading.target) == ("scale", "up", "kv")
    assert not destructive


@pytest.mark.parametrize(
    "sentence",
    ["the nodes show high iowait, where should I begin digging?", "pods in ImagePullBackOff on staging, pls help"],
)
def test_where_to_look_or_a_plea_for_help_is_troubleshooting(parser: IntentParser, sentence: str) -> None:
    read = parser.parse(sentence)
    assert read.name == "troubleshoot"


def test_beginning_an_activity_starts_no_resource(parser: IntentParser) -> None:
    assert parser.parse("ok, I'll start reading the logs of cache-2").name != "start"


def test_a_read_asked_so_as_to_decide_later_is_only_the_read() -> None:
    reading, destructive = converse("show every container so we can pick which to remove next week")
    assert reading.name == "list"
    assert not destructive


def test_a_read_and_then_an_act_is_still_the_act(parser: IntentParser) -> None:
    assert parser.parse("check db-4, then reboot it").name == "restart"


def test_a_relative_clause_with_its_own_subject_asks_nothing(parser: IntentParser) -> None:
    assert parser.parse("give me a rundown of everything we run on pve3").name == "list"


def test_now_and_other_things_repeats_the_last_read() -> None:
    reading, destructive = converse("list my vms", "now the containers")
    assert reading.name == "list"
    assert not destructive


def test_a_state_question_after_and_is_its_own_question() -> None:
    reading, destructive = converse("reboot mq-1", "and how is mq-2 doing?")
    assert (reading.name, reading.target) == ("status", "mq-2")
    assert not destructive


def test_and_the_next_one_too_still_repeats_the_act() -> None:
    reading, destructive = converse("reboot mq-1", "and mq-2 as well")
    assert (reading.name, reading.target) == ("restart", "mq-2")
    assert destructive


def test_an_operation_named_as_a_noun_is_about_infrastructure(parser: IntentParser) -> None:
    assert parser.parse("hmm, what does a reboot do to open connections?").name == "explain"


def test_a_question_about_nothing_of_infrastructure_is_not_explained(parser: IntentParser) -> None:
    text = "what is a nice restaurant near the station?"
    read = reconcile(parser.parse(text), Prediction("explain", 0.9, "unknown", 0.05), parser, text)
    assert read.name == "unknown"


def test_a_key_value_setting_names_nothing(parser: IntentParser) -> None:
    read = parser.parse("set MAX_CONNS=200 on the billing app")
    assert read.name == "update"
    assert read.target == "billing"


def test_a_compose_scale_flag_is_still_a_count_not_a_setting(parser: IntentParser) -> None:
    read = parser.parse("docker compose up -d --scale consumer=7")
    assert (read.name, read.target) == ("scale", "consumer")


def test_a_go_template_argument_is_no_name(parser: IntentParser) -> None:
    read = parser.parse("docker inspect --format '{{.NetworkSettings.IPAddress}}' vault-2")
    assert (read.name, read.target) == ("status", "vault-2")


def test_applying_a_manifest_deploys_it(parser: IntentParser) -> None:
    read = parser.parse("kubectl apply -f deploy/queue-workers.yml")
    assert read.name == "deploy"
    assert read.target is None


def test_that_whole_namespace_is_the_one_just_listed() -> None:
    reading, destructive = converse("kubectl get deploy -n scratchpad", "tear down that entire namespace")
    assert (reading.name, reading.target) == ("destroy", "scratchpad")
    assert destructive


def test_a_new_value_after_to_is_not_what_is_changed(parser: IntentParser) -> None:
    read = parser.parse("set the log driver of the relay container to json-file")
    assert read.name == "update"
    assert read.target != "json-file"


def test_a_part_of_a_thing_gives_way_to_the_thing(parser: IntentParser) -> None:
    read = parser.parse("grow the data volume of ledger by 20 gigs")
    assert read.name == "update"
    assert (read.target, read.reference) in {("ledger", None), (None, "word:ledger")}


@pytest.mark.parametrize(("said", "way"), [("ramp it down to 2", "down"), ("crank it up to 9", "up")])
def test_ramping_a_count_scales_it(said: str, way: str) -> None:
    reading, destructive = converse("how many replicas of the indexer are there?", said)
    assert (reading.name, reading.direction, reading.target) == ("scale", way, "indexer")
    assert destructive == (way == "down")


@pytest.mark.parametrize("question", ["what is the pod count for ingest?", "how many instances of ingest run now?"])
def test_a_count_of_a_named_thing_is_its_status(parser: IntentParser, question: str) -> None:
    read = parser.parse(question)
    assert read.name == "status"
    assert "ingest" in {read.target, (read.reference or "").removeprefix("word:")}


def test_a_wanted_thing_sized_through_it_in_the_same_message_is_deployed(parser: IntentParser) -> None:
    read = parser.parse("we need a mariadb lxc, name it stock-db, make it 4GB")
    assert read.name == "deploy"
    assert (read.resources[0].name, read.resources[0].kind, read.resources[0].memory_mb) == ("stock-db", "lxc", 4096)


def test_a_change_after_saying_the_deploy_runs_is_a_resize() -> None:
    reading, destructive = converse("deploy a debian lxc named relay-4 with 1GB", "great, it is up now. give it 4GB")
    assert (reading.name, reading.target) == ("update", "relay-4")
    assert not destructive


def test_a_smaller_size_after_saying_the_deploy_runs_is_a_shrink() -> None:
    reading, destructive = converse("deploy a debian lxc named relay-4 with 1GB", "ok it's running. give it 256MB")
    assert reading.name == "update"
    assert destructive
