"""Corrections, withdrawals and undo across turns: the last request, changed, keeps its risk (issue 13)."""

from __future__ import annotations

from tests.unit.conversation.conversing import converse


def test_a_new_name_for_the_last_request_keeps_the_request() -> None:
    reading, destructive = converse("reboot cache-east", "actually make it cache-west")
    assert (reading.name, reading.target, destructive) == ("restart", "cache-west", True)


def test_a_corrected_count_said_with_down_stays_a_scale_down() -> None:
    reading, destructive = converse("scale checkout down to 1", "my mistake: down to 3, not 1")
    assert (reading.name, reading.target, reading.scale_to, destructive) == ("scale", "checkout", 3, True)


def test_a_corrected_size_keeps_a_shrink_destructive() -> None:
    reading, destructive = converse("shrink the disk of files-2 to 300GB", "typo, 350GB")
    assert (reading.name, reading.target, destructive) == ("update", "files-2", True)


def test_a_corrected_template_keeps_the_name_of_the_deploy() -> None:
    reading, destructive = converse("create an ubuntu vm called gitlab-runner-3", "oops, make that a rocky vm")
    assert reading.name == "deploy" and not destructive
    assert [(r.name, r.kind, r.template) for r in reading.resources] == [("gitlab-runner-3", "vm", "rocky")]


def test_cancelling_a_deploy_already_carried_out_undoes_it() -> None:
    reading, destructive = converse("deploy a redis container named sess-cache", "abort that deployment, wrong node")
    assert (reading.name, reading.target, destructive) == ("rollback", "sess-cache", True)


def test_cancelling_a_removal_that_waits_is_a_withdrawal() -> None:
    reading, destructive = converse("delete sess-cache", "cancel that")
    assert reading.cancelled and not destructive


def test_the_only_copy_is_no_narrowing_and_leave_it_withdraws() -> None:
    reading, destructive = converse("purge build-cache", "no no, that holds the only copy of the artifacts, leave it")
    assert reading.cancelled and not destructive


def test_after_withdrawing_a_question_still_stands() -> None:
    reading, destructive = converse("STOP IT", "no, wait. never mind. just tell me how much memory api-3 is using")
    assert (reading.name, reading.target, destructive) == ("status", "api-3", False)


def test_doing_what_was_asked_about_for_a_named_thing_is_that_act() -> None:
    reading, destructive = converse("how do I remove an lxc?", "ok, do that for the lxc tmp-builder")
    assert (reading.name, reading.target, destructive) == ("destroy", "tmp-builder", True)


def test_reverting_what_was_just_done_targets_it() -> None:
    reading, destructive = converse("create a debian vm called scratch-9", "revert what you just did")
    assert (reading.name, reading.target, destructive) == ("rollback", "scratch-9", True)


def test_keeping_one_of_many_is_an_exception_and_the_rest_still_goes() -> None:
    reading, destructive = converse("stop qa-1, qa-2 and qa-db", "hold on, keep qa-db running")
    assert (reading.name, set(reading.targets), destructive) == ("stop", {"qa-1", "qa-2"}, True)


def test_keeping_the_one_thing_asked_about_withdraws_the_request() -> None:
    reading, destructive = converse("stop qa-db", "hold on, keep qa-db running")
    assert reading.cancelled and not destructive


def test_another_one_is_of_the_kind_just_deployed() -> None:
    reading, _ = converse("deploy a debian lxc called relay-1", "and another one called relay-2 with 1 core")
    assert [(r.name, r.kind, r.template) for r in reading.resources] == [("relay-2", "lxc", "debian")]


def test_a_thing_named_right_before_its_symptom_is_what_the_question_is_about() -> None:
    reading, _ = converse("restart the monitoring stack", "no, don't. just tell me why loki is so slow")
    assert reading.target == "loki"


def test_just_the_second_one_narrows_to_that_position() -> None:
    reading, destructive = converse("stop api-1 and api-2", "just the second one")
    assert (reading.name, reading.target, destructive) == ("stop", "api-2", True)


def test_whats_up_with_a_name_is_about_it_so_it_means_that_name() -> None:
    reading, destructive = converse("what's up with relay-4?", "ugh, just reboot it")
    assert (reading.name, reading.target, destructive) == ("restart", "relay-4", True)


def test_a_label_and_a_smaller_count_is_a_scale_down() -> None:
    reading, destructive = converse("worker: 5 replicas", "worker: 2")
    assert (reading.name, reading.scale_to, destructive) == ("scale", 2, True)


def test_an_unlabelled_size_below_the_disk_said_before_is_a_shrink() -> None:
    reading, destructive = converse("the disk of nas-4 is 4TB", "make it 1TB")
    assert (reading.name, reading.target, destructive) == ("update", "nas-4", True)
