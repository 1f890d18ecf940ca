"""Frustration, 0..1, from what the user wrote: tone, capitals, profanity, repetition, failures."""

from __future__ import annotations

from alma.conversation import message_score, session_score
from alma.conversation.frustration import FRUSTRATED


def test_a_calm_request_scores_zero() -> None:
    assert message_score("Delete the LXC container test-03") == 0.0


def test_acronyms_in_capitals_are_not_shouting() -> None:
    assert message_score("give the VM 2 GB of RAM and an HA setup with LXC") == 0.0


def test_shouting_profanity_and_urgency_add_up_to_frustrated() -> None:
    assert message_score("DELETE db-01 RIGHT NOW, I don't have time for this sh*t") >= FRUSTRATED


def test_frustration_builds_up_over_a_session() -> None:
    turns = ["ugh, api-gw is flapping again", "I already told you this yesterday!!", "stop api-gw now."]
    assert session_score(turns[-1:]) < FRUSTRATED <= session_score(turns)


def test_saying_the_same_thing_again_counts() -> None:
    assert session_score(["restart web-01 please", "restart web-01 please"]) > session_score(["restart web-01 please"])


def test_repeated_failures_count() -> None:
    assert session_score(["deploy web-01"], failures=3) > session_score(["deploy web-01"])


def test_old_frustration_fades_when_the_user_calms_down() -> None:
    angry = ["THIS IS RIDICULOUS!!"]
    calm = [*angry, "ok, let's look at web-01", "show me the status of web-01", "thanks, list my vms"]
    assert session_score(calm) < FRUSTRATED <= session_score(angry)


def test_scores_stay_between_zero_and_one() -> None:
    assert session_score(["F*CK THIS!!! USELESS GARBAGE, AGAIN!!!"] * 6) == 1.0


def test_masked_profanity_and_sarcasm_count() -> None:
    assert message_score("this f***ing thing again") >= FRUSTRATED
    assert message_score("oh great, the backups are corrupt too. amazing.") > 0.2
    assert message_score("#$%! it is down") >= FRUSTRATED


def test_panic_alone_is_frustration() -> None:
    assert message_score("everything is on fire, customers are screaming") >= FRUSTRATED


def test_escalation_over_calm_words_still_adds_up() -> None:
    turns = ["this is the FOURTH time postfix died today", "are you even doing anything???", "shut it off"]
    assert session_score(turns) >= FRUSTRATED


def test_one_calm_line_right_after_an_outburst_is_not_calm_yet_but_three_are() -> None:
    assert session_score(["wtf, web-01 is down again", "delete it"]) >= FRUSTRATED
    calm = ["wtf, web-01 is down again", "ok", "thanks, that helped", "restart web-01 please"]
    assert session_score(calm) < FRUSTRATED


def test_an_apology_takes_the_past_down() -> None:
    assert session_score(["DELETE IT NOW!!!", "sorry for shouting, please stop web-01"]) < FRUSTRATED


def test_an_insult_said_to_the_tool_weighs_more_than_a_complaint() -> None:
    assert message_score("empty again. you're hopeless") >= FRUSTRATED
    assert message_score("this is taking ages, you are useless") >= FRUSTRATED
    assert session_score(["the api is down", "down again. you are worthless", "delete api-2"]) >= FRUSTRATED


def test_a_masked_curse_is_profanity() -> None:
    assert message_score("still timing out. f this.") >= FRUSTRATED


def test_an_apology_after_the_trouble_ended_calms_the_next_line() -> None:
    turns = ["EVERYTHING IS DOWN!!!", "ok it was a false alarm, sorry about that", "please stop dbg-2"]
    assert session_score(turns) < FRUSTRATED
    over = ["the site is down!!! help!", "my bad, the outage is over now", "scale the api down to 2"]
    assert session_score(over) < FRUSTRATED


def test_a_bare_ok_after_an_outburst_does_not_calm_the_session_yet() -> None:
    assert session_score(["WTF IS GOING ON!!!", "ok", "delete web-9"]) >= FRUSTRATED


def test_a_fix_that_did_not_hold_is_escalation_not_relief() -> None:
    assert message_score("you said it was fixed this morning") >= FRUSTRATED
    assert session_score(["nas-1 is down", "you promised it was resolved yesterday", "reboot it"]) >= FRUSTRATED


def test_a_trouble_over_now_takes_frustration_off_but_a_past_fix_does_not() -> None:
    assert message_score("the incident is resolved now") < message_score("the incident again")


def test_for_fs_sake_is_profanity() -> None:
    assert message_score("for f's sake, not again") >= FRUSTRATED


def test_giving_up_on_the_tool_is_frustrated_on_its_own() -> None:
    for text in ["i give up", "ok I'm done with this", "screw it"]:
        assert message_score(text) >= FRUSTRATED, text


def test_insulting_the_tool_or_the_thing_counts_more_than_a_complaint() -> None:
    assert message_score("stupid assistant") >= 0.6
    assert session_score(["this junk keeps freezing", "power it off"]) >= FRUSTRATED


def test_hours_at_it_and_a_dismissive_whatever_are_frustration() -> None:
    assert session_score(["been stuck on this for two hours", "reboot gw-2"]) >= FRUSTRATED
    assert session_score(["whatever, just remove it"]) >= FRUSTRATED


def test_complaint_after_complaint_escalates_even_in_mild_words() -> None:
    turns = ["vpn keeps dropping", "it dropped again", "did not help", "remove vpn-2"]
    assert session_score(turns) >= FRUSTRATED
    assert session_score(["vpn keeps dropping", "remove vpn-2"]) < FRUSTRATED


def test_failed_attempts_and_unanswered_calls_are_escalation() -> None:
    assert session_score(["mail is not working", "tried that, no luck", "reboot it"]) >= FRUSTRATED
    assert session_score(["hello?? are you there", "restart it"]) >= FRUSTRATED
    assert session_score(["why is it broken again?!", "restart it"]) >= FRUSTRATED


def test_saying_it_calmly_takes_urgency_off() -> None:
    assert message_score("somewhat urgent but no panic: reboot gw-3 when you get a chance") < FRUSTRATED


def test_a_formal_complaint_is_frustration() -> None:
    assert session_score(["This is unacceptable.", "Delete stage-9."]) >= FRUSTRATED


def test_resignation_and_not_coping_are_frustration() -> None:
    # "fine, just X then" after failures; "I can't cope with this anymore"; "forget it, I'll do it myself".
    assert session_score(["the backup job broke", "broke again", "fine, just wipe the volume then"]) >= FRUSTRATED
    assert session_score(["horrible day so far", "db-9 hangs now", "just power cycle it, I cannot cope anymore"]) >= (
        FRUSTRATED
    )
    assert message_score("forget about it, I'll set it up myself") >= FRUSTRATED
    assert message_score("great, just what we needed") == 0  # praise without damage is not sarcasm


def test_asking_again_and_waiting_still_are_escalation() -> None:
    turns = ["I requested the bigger disk three times", "and it's STILL pending", "drop the old volume"]
    assert session_score(turns) >= FRUSTRATED
    assert session_score(["I requested a bigger disk", "drop the old volume"]) < FRUSTRATED
