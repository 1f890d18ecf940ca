"""Mechanisms that carry the reading over to phrasings nobody wrote a rule for (issue 13).

Each sentence here is new: not copied from an evaluation set, but a variation a person could write.
"""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


@pytest.mark.parametrize(
    ("sentence", "intent", "target"),
    [
        ("look at cache-3 first, then recycle it", "restart", "cache-3"),
        ("inspect old-runner and afterwards delete it", "destroy", "old-runner"),
        ("stop mq-2 and then remove it for good", "destroy", "mq-2"),
        ("halt build-7, then decommission it", "destroy", "build-7"),
    ],
)
def test_a_later_command_outweighs_a_read_or_an_interruption(
    parser: IntentParser, sentence: str, intent: str, target: str
) -> None:
    read = parser.parse(sentence)
    assert (read.name, read.target) == (intent, target)


def test_a_thought_about_an_act_after_a_request_is_not_a_second_request(parser: IntentParser) -> None:
    assert parser.parse("show me the idle vms, I am considering pruning some").name == "list"


@pytest.mark.parametrize(
    ("sentence", "intent", "target"),
    [
        ("qm start 305", "start", "305"),
        ("pct stop 118", "stop", "118"),
        ("kubectl rollout restart statefulset/kafka-broker", "restart", "kafka-broker"),
        ("kubectl delete pod/api-7f9c", "destroy", "api-7f9c"),
        ("switch on vm 412", "start", "412"),
    ],
)
def test_shell_commands_and_guest_numbers_name_their_target(
    parser: IntentParser, sentence: str, intent: str, target: str
) -> None:
    read = parser.parse(sentence)
    assert (read.name, read.target) == (intent, target)


def test_a_small_number_after_a_kind_is_a_size_not_a_guest(parser: IntentParser) -> None:
    assert parser.parse("give db 2 cores").target != "2"


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("time to sunset the wiki-old container", "destroy"),
        ("power down lab-04", "stop"),
        ("cycle edge-proxy-1", "restart"),
        ("that box can go", "destroy"),
        ("get ci-old off the proxmox host", "destroy"),
        ("take gateway-2 back to last week's config", "rollback"),
        ("bring plex back up", "start"),
        ("kill the preview envs of feature-x", "stop"),
    ],
)
def test_vocabulary_people_use_for_operations(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


def test_can_go_ahead_is_not_a_removal(parser: IntentParser) -> None:
    assert parser.parse("you can go ahead with web-02").name != "destroy"


@pytest.mark.parametrize(
    "sentence",
    [
        "how would I downsize a thin-provisioned volume?",
        "why would anyone reboot a node instead of draining it?",
        "do we have to stop a vm before adding memory?",
        "in general, how would you roll back a release?",
    ],
)
def test_a_question_about_operations_in_general_is_an_explanation(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "explain"


def test_a_question_about_a_named_resource_stays_a_plan(parser: IntentParser) -> None:
    read = parser.parse("how would I shrink files-03 without losing anything?")
    assert (read.name, read.target) == ("plan", "files-03")


@pytest.mark.parametrize(
    "sentence",
    [
        "is a cold restart worse than a warm reload for postgres?",
        "is a forced stop riskier than a clean shutdown for a vm?",
    ],
)
def test_comparing_two_acts_is_an_explanation_not_the_act(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "explain"


def test_a_verb_after_a_name_and_a_determiner_is_a_noun(parser: IntentParser) -> None:
    read = parser.parse("abort the shop-api deploy from this morning, revert it")
    assert (read.name, read.target) == ("rollback", "shop-api")


def test_what_would_be_lost_is_a_plan(parser: IntentParser) -> None:
    assert parser.parse("show me what would be lost if I rebuilt mail-02").name == "plan"


def test_a_dash_ends_a_clause_and_tell_me_if_asks_for_the_status(parser: IntentParser) -> None:
    assert parser.parse("don't touch anything - just tell me whether grafana is healthy").name == "status"


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("scale billing down to 2", "billing"),
        ("restart payments now", "payments"),
        ("redeploy the search service", "search"),
        ("we have too many replicas of renderer, bring it down to 1", "renderer"),
    ],
)
def test_a_service_named_by_a_plain_word_is_the_target(parser: IntentParser, sentence: str, target: str) -> None:
    read = parser.parse(sentence)
    assert target in (read.target, (read.reference or "").removeprefix("word:"))


@pytest.mark.parametrize(
    "sentence", ["restart production", "enable automatic snapshots for web-3", "check whether mail-1 is up"]
)
def test_an_environment_or_an_adjective_after_the_verb_is_no_service(parser: IntentParser, sentence: str) -> None:
    read = parser.parse(sentence)
    assert read.target not in {"production", "automatic", "whether"}


def test_what_you_just_did_points_at_the_focus(parser: IntentParser) -> None:
    read = parser.parse("please undo what you did")
    assert (read.name, read.reference) == ("rollback", "it")


def test_a_count_after_the_kind_with_an_x_is_how_many(parser: IntentParser) -> None:
    assert [r.count for r in parser.parse("new debian lxc x3, 1GB ram each").resources] == [3]


def test_a_question_whose_subject_is_the_act_is_a_question(parser: IntentParser) -> None:
    from alma.conversation.cues import live_cues

    assert live_cues("would wiping the cache of proxy-2 speed it up?") == []
    assert parser.parse("would wiping the cache of proxy-2 speed it up?").name != "destroy"


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("I'd like to arrange the removal of the container old-proxy", "destroy"),
        ("please schedule a reboot of build-2 for tonight", "restart"),
        ("we need a shutdown of lab-7 before the move", "stop"),
        ("downgrade gitea-1 to 1.20", "rollback"),
        ("unplug the nas-3 vm", "stop"),
        ("dial worker-pool back to 2 pods", "scale"),
    ],
)
def test_acts_said_as_nouns_and_less_common_verbs(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("whats on pve 3", "list"),
        ("lxcs on node-5?", "list"),
        ("cache-9 is hogging all the cpu", "troubleshoot"),
        ("tell me about snapshots", "explain"),
        ("restart nothing, just give me the status of minio-1", "status"),
    ],
)
def test_phone_typing_terse_lists_and_symptoms(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


def test_negation_typed_without_an_apostrophe_still_negates(parser: IntentParser) -> None:
    assert parser.parse("dont remove web-1").name != "destroy"


@pytest.mark.parametrize(
    "sentence", ["coredns stopped answering queries", "what happened to minio-4?", "wtf is going on with proxy-9"]
)
def test_a_thing_that_stopped_doing_its_job_is_a_symptom(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "troubleshoot"


def test_resetting_a_password_is_a_change_not_a_restart(parser: IntentParser) -> None:
    assert parser.parse("reset the api token of runner-3").name == "update"


def test_a_request_after_an_auxiliary_of_another_verb_is_a_request(parser: IntentParser) -> None:
    assert parser.parse("I was hoping you could restart vpn-1").name == "restart"
    assert parser.parse("why did vpn-1 restart").name != "restart"


def test_a_quoted_word_after_a_kind_is_its_name_however_ordinary(parser: IntentParser) -> None:
    read = parser.parse("the container 'billing' is not answering")
    assert (read.name, read.target) == ("troubleshoot", "billing")


def test_starting_with_the_host_is_a_setting(parser: IntentParser) -> None:
    assert parser.parse("make sure dns-4 comes up at boot").name == "update"


def test_a_slow_start_is_a_symptom(parser: IntentParser) -> None:
    assert parser.parse("why does outline take 3 minutes to load?").name == "troubleshoot"


def test_a_withheld_removal_still_says_the_talk_is_about_resources(parser: IntentParser) -> None:
    assert parser.parse("don't remove anything yet. just list what is older than a month").name == "list"


@pytest.mark.parametrize(
    "sentence",
    [
        "supposing I power off pve-5, what breaks?",
        "tell me what a teardown of stack-q would delete",
        "imagine we drop cache-7: what happens?",
    ],
)
def test_suppositions_are_plans(parser: IntentParser, sentence: str) -> None:
    assert parser.parse(sentence).name == "plan"


def test_an_act_asked_for_an_opinion_on_is_no_request(parser: IntentParser) -> None:
    from alma.conversation.cues import live_cues

    text = "I am considering retiring ftp-1 next month, good idea?"
    assert parser.parse(text).name != "destroy"
    assert live_cues(text) == []


def test_what_one_could_remove_is_a_list_not_a_removal(parser: IntentParser) -> None:
    assert parser.parse("list the images we could delete safely").name == "list"


def test_not_asking_to_delete_is_a_negation(parser: IntentParser) -> None:
    assert parser.parse("I'm not asking you to delete web-3, only how much disk it uses").name != "destroy"


def test_a_bare_stop_taken_back_at_once_is_a_withdrawal(parser: IntentParser) -> None:
    read = parser.parse("wait! do nothing")
    assert read.cancel
    assert parser.parse("halt! don't do anything").cancel


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("undeploy the billing-v1 release", "destroy"),
        ("deregister runner-12", "destroy"),
        ("cull the stale preview-3 env", "destroy"),
        ("take out the old proxy-5", "destroy"),
        ("mothball analytics-2 for the winter", "stop"),
        ("quarantine compromised-7", "stop"),
        ("back out yesterday's change on lb-4", "rollback"),
        ("respawn worker-8", "restart"),
    ],
)
def test_prefixed_and_figurative_verbs_of_taking_away(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


@pytest.mark.parametrize(
    ("sentence", "intent"),
    [
        ("gimme the status of everything", "list"),
        ("status of all my containers?", "list"),
        ("what's deployed at the moment?", "list"),
        ("what does drift mean here?", "explain"),
    ],
)
def test_wide_status_questions_list_and_alma_words_anchor(parser: IntentParser, sentence: str, intent: str) -> None:
    assert parser.parse(sentence).name == intent


def test_a_three_letter_command_with_a_dropped_letter_is_read(parser: IntentParser) -> None:
    assert parser.parse("pls kil web-5").name == "stop"
