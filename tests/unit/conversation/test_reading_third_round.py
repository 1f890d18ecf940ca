"""Mechanisms added after a third blind set (issue 13): each sentence here is a new phrasing written for
the test, not one of the set's, so that what passes is the mechanism and not a memorised sentence.
"""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser
from alma.conversation.cues import live_cues
from alma.conversation.frustration import FRUSTRATED, session_score
from alma.conversation.reconcile import heard_cue
from alma.conversation.text import normalize
from tests.unit.conversation.conversing import converse


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


@pytest.mark.parametrize(
    "sentence",
    [
        "what on earth is up with pay-gw, just remove the stupid thing",
        "wth happened to cron-box: please nuke it",
        "why is mailer-2 acting up, now kill it",
    ],
)
def test_a_command_after_a_remark_is_a_command_and_its_cue_is_live(parser: IntentParser, sentence: str) -> None:
    read = parser.parse(sentence)
    assert read.name in {"destroy", "stop"}
    assert any(c.live for c in live_cues(sentence))


def test_a_question_about_the_act_after_a_comma_stays_a_question() -> None:
    assert not live_cues("if it is that bad, what would happen if I deleted ops-3?")


@pytest.mark.parametrize(
    ("sentence", "kind", "name", "template"),
    [
        ("create a k8s deployment named pay-api with the nginx image", "deployment", "pay-api", "nginx"),
        ("kubectl create deployment feed-svc --image=docker.io/library/redis:7", "deployment", "feed-svc", "redis"),
        ("run caddy on kubernetes as a deployment called edge-proxy", "deployment", "edge-proxy", "caddy"),
        ("spin up a redis:7-alpine container named q-cache", "container", "q-cache", "redis"),
    ],
)
def test_kubernetes_workloads_and_image_tags(
    parser: IntentParser, sentence: str, kind: str, name: str, template: str
) -> None:
    read = parser.parse(sentence)
    assert read.name == "deploy"
    assert [(r.kind, r.name, r.template) for r in read.resources] == [(kind, name, template)]


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("kubectl get po --all-namespaces", "list"),
        ("kubectl get svc -n billing", "list"),
        ("podman ps", "list"),
        ("docker container ls -a", "list"),
        ("pct list", "list"),
    ],
)
def test_listing_commands_typed_as_on_a_shell(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


@pytest.mark.parametrize(
    ("sentence", "intent", "target"),
    [
        ("boot 231", "start", "231"),
        ("please shut down 117 tonight", "stop", "117"),
        ("qm reboot 340 hangs forever, ideas?", "troubleshoot", "340"),
        ("restart api-4 crashes with exit code 137", "troubleshoot", "api-4"),
    ],
)
def test_guest_numbers_and_failed_commands(parser: IntentParser, sentence: str, intent: str, target: str) -> None:
    read = parser.parse(sentence)
    assert (read.name, read.target) == (intent, target)


def test_an_amount_after_the_verb_is_not_a_guest_number(parser: IntentParser) -> None:
    read = parser.parse("add 120 replicas to web")
    assert read.name == "scale" and read.target != "120"


@pytest.mark.parametrize(
    ("sentence", "intent", "target"),
    [
        ("add 4 more gigs of ram to etl-7", "update", "etl-7"),
        ("add 2 cores to build-3", "update", "build-3"),
        ("trim search-api to just 2 instances", "scale", "search-api"),
        ("drop worker-q down to 1 replica", "scale", "worker-q"),
        ("roll out the new inventory service", "deploy", None),
    ],
)
def test_verbs_refined_by_their_object(parser: IntentParser, sentence: str, intent: str, target: str | None) -> None:
    read = parser.parse(sentence)
    assert read.name == intent
    if target is not None:
        assert read.target == target


def test_rolling_out_a_new_version_of_something_updates_it(parser: IntentParser) -> None:
    assert parser.parse("roll out the new version of shop-ui").name == "update"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("ct debian x2 2c/1g", ("lxc", "debian", 2, 1024, None, 2)),
        ("vm rocky 4c/8g/80g name db-mig", ("vm", "rocky", 4, 8192, 80, 1)),
        ("make a vm web-9 ubuntu 6 cores 12gb ram", ("vm", "ubuntu", 6, 12288, None, 1)),
        ("we need a debian vm with 2 core and 6 giga of memory", ("vm", "debian", 2, 6144, None, 1)),
    ],
)
def test_compact_specifications(parser: IntentParser, sentence: str, expected: tuple[object, ...]) -> None:
    read = parser.parse(sentence)
    assert read.name == "deploy"
    (res,) = read.resources
    assert (res.kind, res.template, res.cores, res.memory_mb, res.disk_gb, res.count) == expected


def test_a_spec_line_that_states_something_is_not_an_order(parser: IntentParser) -> None:
    assert parser.parse("vm ubuntu 2c/4g is what web-3 has").name != "deploy"


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("new container: alpine, 'tmp-runner', 256m", "tmp-runner"),
        ("I would like to request a debian lxc, the name should be mirror-1, 2 cores", "mirror-1"),
        ("please build an lxc for that: proxy-3, 1 core, 512MB", "proxy-3"),
    ],
)
def test_names_given_in_a_list_or_as_the_name_should_be(parser: IntentParser, sentence: str, name: str) -> None:
    read = parser.parse(sentence)
    assert read.name == "deploy"
    assert read.resources[0].name == name


def test_a_version_is_not_a_name(parser: IntentParser) -> None:
    read = parser.parse("v3 is broken, bring v2 back on pay-ui")
    assert "v2" not in read.names and "v3" not in read.names


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("the grafana panels on mon-2 are blank", "troubleshoot"),
        ("auth-svc returns empty responses since noon", "troubleshoot"),
        ("var on files-2 is almost full, what is using it?", "troubleshoot"),
        ("something seems off with queue-9", "troubleshoot"),
        ("can not ssh to bastion-2", "troubleshoot"),
        ("CrashLoopBackOff on cart-api", "troubleshoot"),
        ("what the heck is wrong with sync-job", "troubleshoot"),
        ("why do people put nginx in front of node?", "explain"),
        ("explain to me in plain words what a sidecar is", "explain"),
        ("what is a liveness probe", "explain"),
        ("how should our staging setup look?", "design"),
        ("what is a sensible layout for a three-node proxmox cluster?", "design"),
        ("how do I structure a homelab for backups and media", "design"),
        ("which of those are paused?", "list"),
        ("what services are in the monitoring namespace?", "list"),
        ("what relies on cache-7 if we were to drop it?", "plan"),
        ("I kindly request two alpine containers", "deploy"),
        ("the qa team needs a postgres container for tests", "deploy"),
        ("let us go with two caddy containers", "deploy"),
        ("please wake up build-agent-2", "start"),
    ],
)
def test_intent_vocabulary(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


def test_an_expletive_inside_a_question_is_dropped_by_the_reader_only() -> None:
    assert normalize("why the hell is it down")[0] == "why is it down"


# ---------------------------------------------------------------- across turns (the focus)


def test_more_for_what_was_just_deployed_amends_the_deploy() -> None:
    reading, _ = converse("create a debian lxc called proxy-4 with 1 core", "oh, and make it 2 cores and 2G ram")
    assert reading.name == "deploy"
    (res,) = reading.resources
    assert (res.name, res.kind, res.template, res.cores, res.memory_mb) == ("proxy-4", "lxc", "debian", 2, 2048)


def test_less_for_what_was_just_deployed_stays_a_resize_the_guard_sees() -> None:
    reading, destructive = converse("create a debian lxc called proxy-4 with 4 cores", "make it 1 cores")
    assert reading.name == "update" and destructive


def test_a_bare_number_after_a_size_is_of_that_size() -> None:
    reading, destructive = converse("how much memory does cache-9 have?", "32G? reduce it to 16")
    assert (reading.name, reading.target, destructive) == ("update", "cache-9", True)


def test_a_plan_of_a_deploy_is_carried_out_with_its_resources() -> None:
    reading, destructive = converse("preview: 2 debian lxcs with 1GB each", "fine, do it")
    assert (reading.name, destructive) == ("deploy", False)
    assert [(r.kind, r.template, r.memory_mb, r.count) for r in reading.resources] == [("lxc", "debian", 1024, 2)]


def test_a_proposed_act_in_a_follow_up_of_a_plan_is_planned_and_go_ahead_carries_it_out() -> None:
    planned, destructive = converse("what would stopping mq-1 break?", "ok. and what about deleting mq-2?")
    assert (planned.name, planned.target, destructive) == ("plan", "mq-2", False)
    done, destructive = converse("what would stopping mq-1 break?", "ok. and what about deleting mq-2?", "go ahead")
    assert (done.name, done.target, destructive) == ("destroy", "mq-2", True)


def test_a_question_about_what_was_just_designed_is_more_design() -> None:
    reading, _ = converse("design a logging stack for our cluster", "how would that cope with 5TB a day?")
    assert reading.name == "design"


def test_a_question_after_an_operation_is_not_the_operation_again() -> None:
    reading, destructive = converse("restart edge-3", "how would that work with the sessions?")
    assert reading.name == "explain" and not destructive


def test_narrowing_a_list_keeps_listing() -> None:
    reading, _ = converse("show all vms on pve2", "just the ones with more than 8 cores")
    assert reading.name == "list"


def test_the_ordinal_of_names_listed_in_a_statement() -> None:
    reading, _ = converse("our db nodes are pg-x, pg-y and pg-z", "restart the second one")
    assert (reading.name, reading.target) == ("restart", "pg-y")


def test_cancelling_then_asking_keeps_the_question() -> None:
    reading, destructive = converse("stop ledger-2", "no, cancel that, just show me its uptime")
    assert (reading.name, reading.target, destructive) == ("status", "ledger-2", False)


def test_a_plan_question_about_that_is_about_what_waits() -> None:
    reading, _ = converse("roll back pay-svc", "wait, what would that change for the queue?")
    assert (reading.name, reading.target) == ("plan", "pay-svc")


def test_a_kind_word_for_a_focus_of_unknown_kind_means_the_focus() -> None:
    reading, destructive = converse("scale feed-api to 5", "forget it, remove the whole deployment")
    assert (reading.name, reading.target, destructive) == ("destroy", "feed-api", True)


def test_the_target_of_a_list_becomes_the_focus_when_there_is_none() -> None:
    reading, _ = converse("list the backups of crm-db", "restore the one from friday")
    assert (reading.name, reading.target) == ("rollback", "crm-db")


def test_similar_requests_about_different_names_are_not_a_repeat() -> None:
    calm = session_score(["stop build-a", "stop build-b", "stop build-c"])
    same = session_score(["stop build-a", "stop build-a", "stop build-a"])
    assert calm < FRUSTRATED and same > calm


def test_a_question_about_what_waits_keeps_it_waiting_and_go_ahead_is_still_the_removal() -> None:
    reading, destructive = converse("tear down lab-7", "hmm, what would that break?", "ok go ahead")
    assert (reading.name, reading.target, destructive) == ("destroy", "lab-7", True)


# ---------------------------------------------------------------- failing closed on what was left vague


def test_an_impatient_cant_you_is_a_request_not_a_negation(parser: IntentParser) -> None:
    assert parser.parse("can't you just reboot gw-2").name == "restart"
    assert any(c.kind == "delete" for c in live_cues("couldn't you just bin the-old-one"))


def test_saying_a_count_is_enough_without_knowing_the_current_one_is_a_scale_down() -> None:
    reading, destructive = converse("scale feed-api to 9", "that's too much, 4 will do")
    assert (reading.name, reading.target, reading.direction, destructive) == ("scale", "feed-api", "down", True)


def test_a_bare_number_below_a_size_said_before_is_a_shrink() -> None:
    reading, destructive = converse("media-1 has 12 cores", "set it to 6 then")
    assert reading.target == "media-1" and destructive


def test_the_name_given_after_a_removal_that_named_nothing_is_its_target() -> None:
    reading, destructive = converse("just delete it", "the container called tmp-42")
    assert (reading.name, reading.target, destructive) == ("destroy", "tmp-42", True)


def test_a_filler_word_is_never_a_subject(parser: IntentParser) -> None:
    assert parser.parse("this damn thing will not start").target is None


def test_a_vague_group_and_the_same_kind_described_are_one_resource(parser: IntentParser) -> None:
    read = parser.parse("the team wants some servers, so two debian vms with 4GB each")
    assert [(r.kind, r.template, r.memory_mb, r.count) for r in read.resources] == [("vm", "debian", 4096, 2)]


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("we won't need crm-old any longer", "destroy"),
        ("dev-box-3 can go now", "destroy"),
    ],
)
def test_a_guess_with_one_live_cue_reads_as_that_act(sentence: str, intent: str) -> None:
    parser = IntentParser()
    read = heard_cue(parser.parse(sentence), parser, sentence)
    assert read.name == intent


def test_a_guess_with_a_described_cue_stays_a_guess() -> None:
    parser = IntentParser()
    sentence = "old-ci was deleted last week"
    assert heard_cue(parser.parse(sentence), parser, sentence).name != "destroy"


def test_how_to_build_something_highly_available_is_design(parser: IntentParser) -> None:
    assert parser.parse("how do we build failover for the mysql cluster?").name == "design"


@pytest.mark.parametrize(
    "sentence", ["search-3 keeps timing out on big queries", "the wiki is crawling today", "indexer-2 keeps OOMing"]
)
def test_more_symptoms(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "troubleshoot"


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("please make 3 debian lxcs 512m each", "deploy"),
        ("let's get a 2 node redis setup going on lxcs", "deploy"),
        ("mq-4 is lagging behind the other nodes", "troubleshoot"),
        ("the reboot of edge-2 did not fix it", "troubleshoot"),
        ("is anything offline at the moment?", "list"),
        ("which containers use more than 2GB?", "list"),
        ("how many vms run on pve-7?", "list"),
        ("what is a service mesh and do we need one?", "explain"),
        ("reset cache-4 to the snapshot from friday", "rollback"),
        ("bring the old config back on gw-3", "rollback"),
    ],
)
def test_more_vocabulary(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


def test_the_other_of_a_plural_is_not_a_correction(parser: IntentParser) -> None:
    read = parser.parse("db-3 is slower than the other replicas")
    assert read.name == "troubleshoot" and not read.correction


def test_a_namespace_named_after_its_kind_word(parser: IntentParser) -> None:
    read = parser.parse("kubectl delete namespace staging-7")
    assert (read.name, read.target) == ("destroy", "staging-7")


def test_the_act_a_cue_names_is_never_its_target() -> None:
    parser = IntentParser()
    sentence = "evict everything from node-9"
    read = heard_cue(parser.parse(sentence), parser, sentence)
    assert read.name == "destroy" and read.target is None


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("we are needing a debian machine with 2 processor and 4 gb ram", "deploy"),
        ("is it possible for you to create three container redis?", "deploy"),
        ("how much would we save by stopping lab-9?", "plan"),
    ],
)
def test_non_native_and_hedged_phrasings(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


def test_an_image_right_after_a_container_is_its_image(parser: IntentParser) -> None:
    read = parser.parse("create 3 container redis")
    assert [(r.kind, r.template, r.count) for r in read.resources] == [("container", "redis", 3)]


def test_a_prohibition_with_words_in_between_is_no_request(parser: IntentParser) -> None:
    sentence = "do not even think about stopping pay-db"
    assert parser.parse(sentence).name != "stop"
    assert not live_cues(sentence)


def test_a_proposal_by_gerund_is_still_a_request() -> None:
    assert live_cues("maybe we should think about removing cache-9")


def test_an_insult_at_the_tool_said_as_a_sentence_frustrates_like_the_short_one() -> None:
    assert session_score(["your assistant is completely useless", "remove kv-3"]) >= FRUSTRATED


def test_a_symptom_word_is_never_a_target() -> None:
    reading, destructive = converse("backup failed again", "wipe it all")
    assert reading.target is None and destructive


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("docker run -d --rm --name log-ship -m 256m grafana/promtail:2.9", ("log-ship", "container", None, 256)),
        ("pct create 411 local:vztmpl/alpine-3.19.tar.xz --cores 1 --memory 512", (None, "lxc", "alpine", 512)),
    ],
)
def test_command_lines_with_flags(parser: IntentParser, sentence: str, expected: tuple[object, ...]) -> None:
    read = parser.parse(sentence)
    assert read.name == "deploy"
    (res,) = read.resources
    assert (res.name, res.kind, res.memory_mb) == (expected[0], expected[1], expected[3])
    if expected[2] is not None:
        assert res.template == expected[2]


def test_specs_said_for_both_go_to_each(parser: IntentParser) -> None:
    read = parser.parse("deploy a redis container and a nats container, each 2 cores 2GB")
    assert [(r.template, r.cores, r.memory_mb) for r in read.resources] == [("redis", 2, 2048), ("nats", 2, 2048)]


def test_the_whole_before_a_colon_is_not_one_of_its_parts(parser: IntentParser) -> None:
    read = parser.parse("build a tiny web app: one caddy and one mariadb")
    assert [r.template for r in read.resources] == ["caddy", "mariadb"]


def test_interjections_and_one_name_correct_the_target() -> None:
    reading, destructive = converse("stop cron-1", "no no, cron-2!")
    assert (reading.name, reading.target, destructive) == ("stop", "cron-2", True)


def test_keeping_one_running_is_still_a_withdrawal() -> None:
    reading, destructive = converse("stop cron-1", "no wait, keep cron-1 running")
    assert not destructive and reading.name != "stop"


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("upgrade forge-2 to the newest release", "update"),
        ("set forge-2 back to the previous version", "rollback"),
    ],
)
def test_forward_and_back(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


def test_make_that_n_after_a_deploy_is_its_count() -> None:
    reading, _ = converse("deploy 2 caddy containers", "hmm, make that 4")
    assert reading.name == "deploy"
    assert [(r.kind, r.template, r.count) for r in reading.resources] == [("container", "caddy", 4)]


def test_make_it_zero_after_a_deploy_is_no_deploy() -> None:
    reading, destructive = converse("deploy 2 caddy containers", "make it 0")
    assert reading.name == "scale" and destructive


def test_scale_it_after_a_deploy_stays_a_scale() -> None:
    reading, _ = converse("deploy 2 caddy containers named edge", "scale it to 4")
    assert reading.name == "scale"


def test_building_from_it_after_naming_a_template_uses_that_template() -> None:
    reading, _ = converse("do we still have the rocky template on pve3?", "ok, make an lxc from that: ci-9, 2 cores")
    assert reading.name == "deploy"
    assert [(r.name, r.kind, r.template, r.cores) for r in reading.resources] == [("ci-9", "lxc", "rocky", 2)]


def test_building_from_it_without_a_template_said_guesses_none() -> None:
    reading, _ = converse("is pve3 up?", "ok, create a vm from it: ci-9")
    assert all(r.template is None for r in reading.resources)


def test_software_set_off_by_commas_after_a_kind_names_the_guest(parser: IntentParser) -> None:
    read = parser.parse("restart the firewall vm, pfsense, right now")
    assert (read.name, read.target) == ("restart", "pfsense")


@pytest.mark.parametrize(
    "sentence", ["we should probably... no: we should reboot gw-4 tonight", "probably should restart gw-4, no rush"]
)
def test_a_proposal_in_statement_order_is_a_request(sentence: str) -> None:
    assert any(c.kind == "restart" for c in live_cues(sentence))


def test_a_proposal_in_question_order_stays_a_question() -> None:
    assert not live_cues("should we restart gw-4 tonight?")


def test_worth_doing_is_proposed(parser: IntentParser) -> None:
    assert any(c.kind == "stop" for c in live_cues("probably worth stopping lab-3 over the weekend"))


def test_function_words_typed_fast(parser: IntentParser) -> None:
    assert parser.parse("waht is teh status of mx-2").name == "status"


def test_a_url_path_is_not_a_name(parser: IntentParser) -> None:
    read = parser.parse("the gateway returns 502 for /billing/v2")
    assert read.name == "troubleshoot" and read.target is None


def test_a_helm_release_is_named_by_its_first_word(parser: IntentParser) -> None:
    read = parser.parse("helm install metrics-db bitnami/postgresql")
    assert [(r.name, r.template) for r in read.resources] == [("metrics-db", "postgres")]


def test_both_is_every_one_just_named_never_a_name() -> None:
    reading, destructive = converse("create a mysql container named my-a and a nats container named nt-a", "stop both")
    assert reading.target is None and set(reading.targets) == {"my-a", "nt-a"} and destructive


def test_a_plain_service_named_after_a_removal_that_named_nothing_is_its_target() -> None:
    reading, destructive = converse("scale it down to one instance", "the billing service")
    assert (reading.name, reading.target, destructive) == ("scale", "billing", True)


def test_a_short_remark_is_no_answer() -> None:
    reading, _ = converse("stop it", "ugh, still")
    assert reading.target is None


def test_overkill_and_fine_is_a_scale_down(parser: IntentParser) -> None:
    read = parser.parse("12 pods for feed is overkill, 5 would be fine")
    assert (read.name, read.scale_to, read.direction) == ("scale", 5, "down")


@pytest.mark.parametrize(
    "sentence",
    [
        "Hello! Whenever you have a minute, could you please retire the old box arc-2? Many thanks",
        "as agreed, ftp-legacy goes away this week",
        "time to say bye to ftp-legacy",
    ],
)
def test_removals_said_politely_or_in_passing_are_requests(sentence: str) -> None:
    assert any(c.kind == "delete" for c in live_cues(sentence))


def test_a_question_after_when_you_is_still_a_question() -> None:
    assert not live_cues("when you delete a snapshot, is the disk space freed?")


@pytest.mark.parametrize(
    "sentence", ["the reboot fixed it, thanks", "stopping mq-2 did nothing", "that rollback broke the login page"]
)
def test_an_act_that_did_something_is_reported_not_requested(sentence: str) -> None:
    assert not live_cues(sentence)


def test_an_act_named_with_a_request_after_it_is_still_live() -> None:
    assert live_cues("the reboot, please do it now: reboot gw-9")


def test_an_act_that_has_to_happen_is_a_request() -> None:
    assert live_cues("deleting tmp-4 has to happen today")


@pytest.mark.parametrize(
    ("sentence", "direction"),
    [("we can live with one fewer replica", "down"), ("a couple of extra pods would help", "up")],
)
def test_so_many_more_or_fewer_is_a_scale(parser: IntentParser, sentence: str, direction: str) -> None:
    read = parser.parse(sentence)
    assert (read.name, read.direction) == ("scale", direction)


def test_one_less_after_a_target_is_a_scale_down_of_it() -> None:
    reading, destructive = converse("how is queue-7 doing?", "we need one less worker there")
    assert (reading.name, reading.target, destructive) == ("scale", "queue-7", True)
