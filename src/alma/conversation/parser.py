"""The deterministic intent parser: text → ``Intent``, offline, in well under a millisecond or two.

Reading order (see ``grammar.py`` for the frames): hypothetical → plan; withdrawal → cancel; the first
command verb, refined by its object; otherwise a follow-up, a status or list question, a symptom, a
request for an explanation or a design; otherwise unknown. Requests that name nothing of
infrastructure ("write me a poem", "make me a sandwich") are unknown whatever their verb.
"""

from __future__ import annotations

import re
from dataclasses import replace

from alma.conversation.bare_reads import bare_read
from alma.conversation.cues import AMOUNT_LESS, sarcastic
from alma.conversation.frames import NewCount, correction, new_count, stated_count
from alma.conversation.grammar import (
    AFFIRM,
    ASKED_FOLLOW_UP,
    CANCEL,
    CLOSING,
    CONDITIONAL,
    DESIGN,
    DESIGN_ASKED,
    EXPLAIN,
    FOLLOW_UP,
    HYPOTHETICAL,
    KNOW,
    LIST_QUESTION,
    MEANING_ASKED,
    NARROWING,
    PROCEED,
    RECALLED,
    RECOMMEND_ASKED,
    STATEMENT,
    STATUS_QUESTION,
    SYMPTOM,
    TROUBLE,
    WANT,
    WIDE_STATUS,
    Verb,
    find_verbs,
    refine,
    reported_failure,
    scale_direction,
)
from alma.conversation.intent import INTENTS, Direction, Intent, IntentName, Resource
from alma.conversation.lexicon import (
    COUNT_WORDS,
    DETERMINERS,
    INFRA_WORDS,
    KIND_PHRASES,
    TEMPLATE_ALIASES,
    VERBS,
    Lexicon,
    words,
)
from alma.conversation.pasted import pasted
from alma.conversation.quantities import Tok
from alma.conversation.resources import extract, is_name, kind_at, template_of, with_target
from alma.conversation.targets import Target, find_target, subject_of, unknown_word
from alma.conversation.text import normalize, tokenize

TOPIC_SWITCH = re.compile(
    r"\b(by the way|btw|unrelated|another (question|thing)|different (topic|question|subject)|"
    r"switching (gears|topics?)|on another note|change of subject|changing (the )?subject|new topic|"
    r"separate question|off topic|random question)\b"
)
_EXPLAIN_HOW = re.compile(r"\bhow (do|can|should|would|could|does) (i|we|you|one)\b|\bhow to\b|\btell me how\b")
# A question about how things work in general, not about one's own resource.
_GENERAL = re.compile(
    r"^(why|when) (would|should|do|does|is|are)\b|^(do|does|must|should) (i|we|you|one) (need|have) to\b|"
    r"\bin general\b|\b(someone|anyone|people|one) (would|should|does|do)\b"
)
# A question of what survives or is lost by an act ("…, do the secrets survive?", "will its volumes be kept?").
_CONSEQUENCE_ASKED = re.compile(
    r"(^|[,;:.!?] |\b(and|but) )(do|does|will|would|is|are) (the|its|their|my|our|any) (\w+ ){1,2}?(survive|persist|"
    r"stay|remain|be (kept|lost|deleted|gone|wiped)|get (lost|deleted|wiped)|go away|disappear)\b"
)
# A statement's verb: "and now the whole intranet is down" says how things are, it names nothing new to act on.
_STATED = re.compile(r"\b(is|are|was|were|has|have|had|isn't|aren't|wasn't)\b")
# More copies of what was just built: "and two more just like it", "another one like that", "3 more of those".
_ALIKE = re.compile(
    r"\b(?:(?P<n>\d+) more|another(?: one)?|one more)(?: of)? (?:just |exactly )?(?:like (?:it|that|this|them|those|"
    r"the (?:last|first|previous) one)|(?:of )?(?:the same|those|these|that one)(?: kind| spec| size)?|identical)\b|"
    # "same thing but call it cache-stg", "same again, named rq-cache-2": one more, named anew
    r"(?:^|\b(?:now|and|then|ok|okay)[,.]? )(?:the )?same (?:thing|again|one|spec|config|setup)(?: again)?\b"
)
# Starting with the host is a setting of the guest, not a start now.
_ON_BOOT = re.compile(
    r"\b(starts?|start up|comes? up|runs?|launch(es)?|boots?) (on|at|after|with) (boot|startup|reboot|the host)\b|"
    r"\bautostart\b|\bstart(s)? automatically\b|\bonboot\b"
)
# Words that open a correction of what was just asked.
_CORRECTING = re.compile(
    r"^(typo|correction|sorry|oops|actually|wait|no|err|i meant|make (that|it)|change (that|it) to)\b|"
    r"\b(i meant|make that|should (have been|be)|not \d+\w*,? but)\b"
)
# A "cancel" that names an act: "cancel that deploy", once it was carried out, is an undo (the focus decides).
_UNDO = re.compile(
    r"\b(cancel|abort|scrap|revoke)\b (that|the|this|my|our|your|last|it)? ?(\S+ )?(deploy|deployment|rollout|"
    r"release|upgrade|update|install|change|changes)\b"
)
# Acts said as nouns: "the deletion of hr-legacy", "a reboot of web-2 tonight".
_NOMINALS: tuple[tuple[IntentName, str], ...] = (
    ("destroy", r"deletion|removal|destruction|decommission(?:ing)?|termination|teardown|retirement"),
    ("stop", r"shutdown|stopping|power-?off"),
    ("restart", r"restart|reboot"),
    ("rollback", r"rollback|roll-?back|reversion"),
)
_NOMINAL_ACT = re.compile(
    r"\b(request|want|need|like|schedule|arrange|perform|do|plan|for|proceed with|go ahead with)\b"
    r"(?: \S+){0,4}? (?:the |a |an )?(?P<act>" + "|".join(p for _, p in _NOMINALS) + r") of\b"
)
_MARKERS = frozenset({"hypothetical", "proceed", "cancel", "plan", "show", "none"})
_OPERATIONS: frozenset[IntentName] = frozenset(
    {"deploy", "destroy", "start", "stop", "restart", "scale", "update", "rollback"}
)
_NEEDS_ANCHOR: frozenset[IntentName] = frozenset({"deploy", "design", "explain", "troubleshoot", "status", "list"})
_KIND_WORDS = frozenset(w for phrase in KIND_PHRASES for w in phrase)
# Words of things ALMA runs or keeps that no kind names: environments, its keys and tokens, a homelab.
_ALSO_OURS = frozenset(words("environment env homelab lab token api credential secret permission hypervisor"))
_LEADING = frozenset({"please", "ok", "okay", "yes", "so", "then", "now", "just", "fine", "sure", "alright"})
# So many more or fewer of what runs: "one less worker", "2 more replicas", "a couple of extra pods".
_RELATIVE_COUNT = re.compile(
    r"\b(\d+|a|an|another|a couple of|a few) (?P<way>more|less|fewer|extra|additional) (replicas?|instances?|workers?|"
    r"nodes?|pods?|copies|copy|units?)\b"
)
# A verb that is not there: the object of a message that is only a noun phrase is read as if one were.
_ANSWERING = Verb("none", "", 0, 0, 0)
# Whether an act is safe, asked: "is it safe to…", "is safe to…", "can I safely…" (also misspelt: "safley").
_SAFETY_ASKED = re.compile(r"\bis (it )?(safe|wise|risky|dangerous) to\b|\b(can|could) (i|we) saf(e?ly|ley)\b")
# Things asked for as a collection: "all my containers", "our vms".
_COLLECTION = re.compile(
    r"\b(all|every|my|our) (of )?(my |our |the )?(vms|containers|lxcs|guests|servers|machines|pods|services|"
    r"databases|stacks|nodes|deployments|workloads|resources)\b"
)
# What a read is for, said after it: a decision still to be made ("so I can decide which to delete", "so that we
# know what to stop"). An act after "so we can …" alone is still heard ("list them so we can stop the idle ones").
_PURPOSE = re.compile(
    r"\bso (that )?(i|we) ((can|could|may|might|will) )?(decide|know|see|pick|choose|figure out|work out|plan)\b"
)
# A message that ends asking for help: "…, help", "any ideas?", "pls help".
_PLEA = re.compile(r"\b(help|help me|help us|any ideas?|any clue|ideas)( please| pls| plz)?\W*$")
# Verbs that multiply what they act on, and which way.
_MULTIPLIED: dict[str, Direction] = {"double": "up", "triple": "up", "quadruple": "up", "halve": "down"}
# A question about how many copies something runs: "how many replicas does checkout have?", "pod count of api?"
_COUNT_ASKED = re.compile(
    r"\bhow many (replicas|instances|pods|copies|workers|nodes|containers)\b|\b(replica|instance|pod) count\b"
)
_TURNING = frozenset({"just", "instead", "rather", "only", "but"})
# Said before a change: what was asked for exists now ("ok it's running. give it 2GB"), so the change resizes it.
_BUILT = re.compile(r"\b(it|that|this|they) (is|are) (now |already )?(running|up|live|deployed|built|ready)\b")
_COPIES = frozenset({"replicas", "instances", "copies", "pods", "workers"})
# A question opened by a question word ("why would anyone use lxc instead of docker?") asks; its "instead"
# or "only" compares things, it corrects no request.
_WH_OPENING = re.compile(r"^(why|what|how|which|when|where|who)\b[^.!;]*\?\s*$")
_INCLUDERS = frozenset({"only", "just", "meant", "instead", "except", "excluding"})


def _against_stated(read: Intent) -> Intent:
    """A scale in the message that says the count now ("ingest sits on 5 replicas, scale it to 2") goes
    down or up from that count, on what the count was said of when nothing else is named."""
    if read.name != "scale" or read.scale_to is None or read.stated is None or read.direction is not None:
        return read
    subject, now = read.stated
    if read.target is not None and subject is not None and subject != read.target:
        return read  # a count said of something else
    if read.scale_to == now:
        return read
    direction: Direction = "down" if read.scale_to < now else "up"
    target = read.target if read.target is not None else subject  # "scale it to 2": what has 5
    return replace(read, direction=direction, target=target)


# A bare new amount with its direction, said after a request: "down to 2GB", "ok, up to 6 then".
_TOWARD = re.compile(
    r"^(?:(?:and|then|so|ok|okay|no|nope|actually|hmm)[,.]? )*(?P<way>down|up) to "
    r"(?:\d|one|two|three|four|a single|half)"
)


# A size taken away: "4GB less", "2 cores fewer" (the cue's amount, read as a resize that shrinks).
_LESS = re.compile(rf"\b{AMOUNT_LESS}\b")


def _joined(tokens: list[Tok]) -> str:
    out = ""
    for tok in tokens:
        out += tok.text if tok.punct or not out else " " + tok.text
    return out


# A label a question comes under: "kubectl-ish question:", "quick q:", "dumb question -".
_QUESTION_LABEL = re.compile(r"^\W*([\w-]+ ){0,2}(question|q)\s*[:-]\s*", re.IGNORECASE)
# More copies, said of it: "give it 2 more", "add them three more" (not "2 more gigs").
_N_MORE = re.compile(
    r"^((ok|okay|so|then|now|and)[,.]? )*(give|add) (it|them|that) (\d+|a few|one|two|three|four|five) more"
    r"( (replicas?|instances?|pods?|copies))?\W*$"
)
# An aside that opens a message and asks nothing: "Not that anyone asked, but …", "no pressure, but …".
_ASIDE = re.compile(
    r"^\W*(not that (anyone|anybody|you|it) (asked|cares|matters)|not that it matters|no offen[cs]e|no pressure|"
    r"no rush|not gonna lie|not going to lie|not to be (annoying|that guy|a pain)|no worries if not)[,.:;!-]*\s*"
    r"(but\s+)?",
    re.IGNORECASE,
)
# Advice asked, with no subject of its own: the problem just described is meant.
_ADVICE_ASKED = re.compile(
    r"((so|ok|okay|and|well|hmm|ugh|whatever|fine|alright|sure)[,.]? )*"
    r"(what (should|do|can|shall|would you) (i|we|you)( do| suggest| recommend)"
    r"( now| then| next| about (it|this|that))?|how (do|can|should|would) (i|we|you) fix (it|this|that)|"
    r"any (ideas|suggestions|advice|clue|thoughts)|what now|now what|what next|where do i (start|begin)|"
    r"(can|could) you help( me)?( with (it|this|that))?|help( me)?( please| pls)?|"
    r"((can|could|would) you )?(maybe |please |pls )?(take a look|have a look|look at (it|this|that)|"
    r"look into (it|this|that)|check (on )?(it|this|that)|investigate( it| this| that)?|dig into (it|this|that)|"
    r"(look at|check|inspect) (the |its )[\w -]{1,30}? (for|of|on) (it|this|that))"
    r"( for me)?)( please| pls)?\W*"
)
# A design varied: what to add or leave out, how it should be, its parts ("which of those components …").
_DESIGN_MORE = re.compile(
    r"^\W*((and|also|plus|but|oh|ok|okay|hmm|so|what about|how about)[, ]+)*((can|could|would) you (please |also )?)?"
    r"(with|without|plus|add|adding|include|including|minus|swap|using|instead of)\b|"
    r"\bhow (would|could|should|do|can) (you|we|i) (add|fit|include|bolt on|plug in) .* to (that|it|this)\b|"
    r"\bkeep (it|this|that|things|the (design|setup|cost)) (cheap|simple|small|lean|minimal|light|basic|affordable|"
    r"boring|under)\b|\bwhat (would|will|does) (that|it|this) look like\b|"
    r"\bmake (it|that|this|the (design|setup|plan|architecture)) (cheaper|simpler|smaller|leaner|more \w+|less \w+)\b|"
    r"\b(those|these|the) (components|parts|pieces|services|boxes|tiers|layers)\b|\bbudget\b"
)
# "the staging one", "the sandbox namespace", "the coredns deployment in kube-system": a word before "one" or
# a kind is what that thing is called, however everyday the word; unless it only describes ("the old one").
_NAMED_BY_KIND = re.compile(
    r"\bthe (?P<word>[a-z0-9][\w.-]*) (one|namespace|deployment|vm|container|lxc|stack|service|pod|box|server|ct|"
    r"guest|app|database|instance)\b(?P<place> (in|on) (the )?(?P<where>[a-z][\w.-]*))?"
)
_KIND_OF_WORD = {phrase[0]: kind for phrase, kind in KIND_PHRASES.items() if len(phrase) == 1}
_DESCRIBING = frozenset(
    words(
        "old new other same whole big small large little tiny first second third last broken slow current previous "
        "latest right wrong bad good only entire extra spare live dead stuck running stopped failed original "
        "default main existing remaining single one another each every any this that windows linux"
    )
)


def _named_by_kind(read: Intent, text: str) -> Intent:
    """The reading with the thing a kind word names as its target ("delete the staging one": staging), where
    the grammar took it for an everyday word or took the place it is in for the thing."""
    found = _NAMED_BY_KIND.search(text)
    if found is None:
        return read
    word = found.group("word")
    if word in _DESCRIBING or word in _KIND_WORDS or word in DETERMINERS or word in TEMPLATE_ALIASES:
        return read
    kind = found.group(2)
    said = {f"word:{word}", f"subject:{word}", f"kind:{kind}", f"kind:{_KIND_OF_WORD.get(kind, kind)}"}
    guessed = read.reference in said or (read.reference is None and read.target is None)
    placed = found.group("place") is not None and read.target == found.group("where")
    if guessed or placed:
        return replace(read, target=None, reference=f"named:{word}")
    return read


# A guest named by its number: "vm 118", "ct #212", "uptime on 104?", "status of 104", "what's 212?".
_GUEST_ID = re.compile(
    r"\b(?:(?:vm|ct|lxc|guest|container|vmid)\s*#?|(?:on|of|for|about) (?:vm |ct |guest )?#?|^(?:what|who) is #?)"
    r"(?P<id>[1-9]\d{2,5})\b(?!\s*(?:%|[kmgt]i?b\b|gigs?|megs?|cores?|v?cpus?|replicas?|pods?|ms\b|mb\b|gb\b|"
    r"users?|requests?|connections?|errors?|times?))"
)


def _numbered_guest(read: Intent, text: str) -> Intent:
    """The reading with the guest its number names as the target, where nothing else is: Proxmox guests are
    known by their ids ("uptime on 104?", "packet loss on vm 118", "what's 212?")."""
    if read.target is not None or read.name not in {"status", "troubleshoot", "update", "unknown"}:
        return read
    found = _GUEST_ID.search(text)
    if found is None or read.reference == "it" or (read.reference or "").startswith(("named:", "kind:", "word:")):
        return read  # "it returns connection refused on 6379": it is the thing, the number a port
    asked = r"((what|who) is|status|state|health|uptime|info|details)( of| on| for)? (vm |ct |guest )?#?\d+\W*"
    if read.name == "unknown" and not re.fullmatch(asked, text.strip()):
        return read
    name: IntentName = "status" if read.name == "unknown" else read.name
    return replace(read, name=name, target=found.group("id"), reference=None, confidence=max(read.confidence, 0.7))


# What a release went to: "pushed v2.4 to checkout", "rolling out v3 of orders", "the orders rollout".
_RELEASED = re.compile(
    r"\b(?:pushed|deployed|rolled out|rolling out|released|shipped|upgraded|updated|bumped) (?:v?\d[\w.-]*|"
    r"version \S+|the new (?:version|release|build|image)) (?:to|of|on) (?:the )?(?P<to>[a-z][\w-]*)\b|"
    r"\bthe (?P<of>[a-z][\w-]*) (?:rollout|release|upgrade|roll-out)\b"
)
# A size asked about: what a bare number said next is in.
_MEASURE_ASKED = re.compile(
    r"\bhow (?:much|many) (?:(?P<memory>ram|memory|mem)|(?P<disk>disk|storage|space)|(?P<cores>cores|cpus?|vcpus?))\b"
)
# What a count is of, said: "to 3 replicas", "5 pods".
_COUNTED = re.compile(r"\b(replicas?|instances?|pods?|copies|nodes?|workers?|containers?|vms?|lxcs?|x)\b")
# One of several, not all of them: "shut down one of them", "delete one of those vms".
_ONE_OF = re.compile(r"\b(one|either) of (them|those|these|the two|both|the \w+s)\b")
# An answer that picks by position: "the first one", "second", "the last vm", "number 2".
_PICKED = re.compile(
    r"((ok|okay|so|um|uh|hmm)[,.]? )?(the )?((?P<pos>first|second|third|fourth|last|1st|2nd|3rd|4th)|"
    r"(number |#)(?P<num>[1-4]))"
    r"( one| vm| container| lxc| box| ct| guest| of them)?( please| pls| i guess)?\W*"
)
_POSITIONS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "1st": "1", "2nd": "2", "3rd": "3", "4th": "4"}
# Where a long message turns from its background to what it asks: "anyway, long story short, …", "what I
# actually need is …", "now I want to ask you: …".
_REQUEST_FOLLOWS = re.compile(
    r"\b(anyway|anyhow|long story short|tl;?dr|so basically|bottom line|in short|my (question|request|ask) is|"
    r"the (question|request|ask) is|(?P<need>what (i|we) (actually |really |just )?(need|want)( from you)? is)|"
    r"(now |so )?i (want|would like|wanted) to ask( you)?|here('s| is) what (i|we) need)\b[:,.]?\s*",
    re.IGNORECASE,
)
# How much of something a thing uses or was given: a measure of its state.
_USAGE_ASKED = re.compile(
    r"\bhow much (\w+ )?(is|does|did|has) (it|that|this|they|the \w+|[a-z]+-[a-z0-9-]+) (using|use|used|get|got|"
    r"have|had|taking|take|eating|consuming|left)\b|\bhow much (ram|memory|cpu|disk|space|storage) (is|does) "
)
# One more of some software, the kind left to what was just asked for: "a prometheus one", "another redis one".
_ONE_OF_SOFTWARE = re.compile(r"\b(a|an|another) [a-z][\w-]* (one|1)\b")
# Which of some things, asked: "which deployments have …", "what vms are …".
_WHICH_OF = re.compile(r"^(which|what) (\w+ )?(vms|containers|lxcs|deployments|pods|nodes|guests|stacks|services)\b")
# A name for each of several: "call them node1 node2 node3", "name those a, b and c".
_NAMED_EACH = re.compile(r"\b(?:call|name) (?:them|those|these|each|all of them) (?:as )?(?P<names>[\w.\-, ]+)$")
# Only the plan, after holding the act back: "don't do it yet, just show me the plan".
_PLAN_ONLY = re.compile(
    r"\b(do not|don't|dont|not) (do|run|apply) (it|that|this|anything)( yet| now)?\b.*\b(show|give|tell) (me|us) "
    r"(the|a) (plan|preview|diff|dry run)\b"
)
# The best way to do something, asked: with a shape to build (DESIGN), a design.
_BEST_WAY_ASKED = re.compile(r"\bwhat (is|would be) the (best|right|cleanest|recommended|proper|ideal) way to\b")
# Saying who or what it is, after the fact: "its called flask-app btw", "the name is x".
_NAMES_IT = re.compile(
    r"^((oh|ah|and|btw|fyi|also)[,]? )*(it is|its|that is|thats|the (container|vm|lxc|app|service|thing) is) "
    r"(called|named) (?P<name>[a-z0-9][\w.-]*)( btw| by the way| fyi)?\W*$"
)
# What an act or a thing does, asked: "what does restart actually do?", "what does a pod disruption budget do?".
_WHAT_IT_DOES = re.compile(r"^what (does|do) (a |an |the )?[\w-]+( [\w-]+){0,3} (actually |really |exactly )?do\b")
# Which things someone did something to: "which containers did I delete last week?".
_WHICH_WERE = re.compile(
    r"^(which|what) (\w+ )?(vms|containers|lxcs|deployments|pods|nodes|guests|stacks|services|resources) "
    r"(did|have|had) (i|we|you|they|someone|somebody|anyone)\b|"
    r"^what (did|have) (i|we|you) (deploy|deployed|create|created|spin up|spun up|launch|launched|build|built|"
    r"delete|deleted|remove|removed|change|changed)\b"
)
# How acts and things compare or what they cost, asked: "what is the difference between …", "what is the risk if
# we do not restart …", "does rolling back a deployment lose the data …?".
_MEANING_OF_ACTS = re.compile(
    r"\bwhat is the (difference|risk|downside|tradeoff|trade-off|catch|impact) (between|if|of|when|with)\b|"
    r"^(does|do|will|would|can|could) \w+ing( \w+)? (a|an|the|my|our|its) [\w -]*?\b(lose|delete|wipe|keep|"
    r"affect|break|survive|destroy|corrupt|reset|change)\b"
)
# Which of the options to take, asked: advice, an explanation.
_CHOICE_ASKED = re.compile(r"\bwhich (one|option|of (them|those|these|the two)) (should|would|do|shall) (i|we|you)\b")
# Only a question, said so: "…, I just want to know: …", "just asking: …", "only tell me: …".
_ASKED_ONLY = re.compile(
    r"\b(?:i|we) (?:just |only |simply )?(?:want(?:ed)?|need(?:ed)?|would like|wanna) to know[:,]?\s+(?=\w)|"
    r"\bjust (?:asking|curious|checking|wondering)[:,]\s*|\b(?:just|only) tell me[:,]\s*",
    re.IGNORECASE,
)
_READS = frozenset({"status", "list", "explain", "troubleshoot", "plan", "design"})
# Taking back what was just said inside one message: "…? no, sorry, …", "…, no wait, …", "… no no no I meant …".
_TAKEN_BACK = re.compile(
    r"(?:^|(?<=[.?!,;:\u2014\u2013]))\s*(?:(?:actually|hmm|uh|um|err|oh|ah|no|nope|nah|wait|oops|sorry|"
    r"scratch that|my bad|i meant|i mean|on second thought|come to think of it)\b[,.!]*\s*){1,5}",
    re.IGNORECASE,
)
# What makes a run of interjections a taking back: two of them ("actually no", "hmm no", "no no") or a strong one.
_STRONG_TAKE_BACK = frozenset(
    {"wait", "oops", "sorry", "scratch that", "my bad", "i meant", "i mean", "on second thought", "come to think of it"}
)


def _takes_back(said: str) -> bool:
    found = re.findall(
        r"actually|hmm|uh|um|err|oh|ah|no|nope|nah|wait|oops|sorry|scratch that|my bad|i meant|i mean|"
        r"on second thought|come to think of it",
        said.lower(),
    )
    return len(found) >= 2 or any(f in _STRONG_TAKE_BACK for f in found)


_SEGMENT_END = re.compile(r"[.?!,;:\u2014\u2013]+\s*")


def _names_in(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9][\w-]*(?:\.[\w-]+)*", text.lower()) if is_name(w)]


def _kind_said(tokens: list[Tok], lexicon: Lexicon) -> bool:
    """Whether a kind is said anywhere in ``tokens`` ("make that an lxc")."""
    words_ = [t.text for t in tokens]
    return any(kind_at(words_, k, lexicon) is not None for k in range(len(words_)))


def _retracted(text: str) -> tuple[str, str, str, str] | None:
    """The message without the part it takes back: "new vm: name=win-test? no, sorry, linux — debian,
    name=deb-test" is "new vm: linux — debian, name=deb-test". Returned with the part taken back (the one said
    just before, back to the last stop, comma, colon or dash), what follows the taking back, and all that came
    before it. None when nothing is taken back, or when it opens the message (a correction of the last
    message, read as such)."""
    found = None
    for match in _TAKEN_BACK.finditer(text):
        if text[: match.start()].strip() and _takes_back(match.group()):
            found = match
    if found is None:
        return None
    head = text[: found.start()].rstrip()
    ends = [m.end() for m in _SEGMENT_END.finditer(head) if m.end() < len(head)]
    kept = head[: ends[-1]] if ends else ""
    rest = text[found.end() :].strip()
    return (f"{kept} {rest}".strip(), head[len(kept) :], rest, head) if rest else None


def _guest_before(lead: list[Tok], lexicon: Lexicon) -> str | None:
    """The guest a noun-verb command names before its verb ("vm 105 stop", "ct web-2 restart"): a kind, then
    an id or a name, and nothing else (a greeting or "ok" may come first)."""
    said = [t for t in lead if not t.punct and t.text not in _LEADING]
    if len(said) != 2 or kind_at([said[0].text], 0, lexicon) is None:
        return None
    what = said[1].text
    return what if said[1].integer is not None or is_name(what) else None


def _cli_noun(lead: list[Tok], lexicon: Lexicon) -> bool:
    """Whether what comes before the verb is only a kind, the noun of a noun-verb command ("lxc create …")."""
    found = kind_at([t.text for t in lead], 0, lexicon) if lead else None
    return found is not None and found[1] == len(lead)


class IntentParser:
    """Parses one sentence at a time; holds only its lexicon (and the lexicon's typo memory)."""

    def __init__(self) -> None:
        self._lexicon = Lexicon()

    def parse(self, text: str) -> Intent:
        if sarcastic(text):  # "why don't we just delete everything, that will fix it /s": said, not asked
            return Intent("unknown", confidence=0.8, signals=("sarcasm",))
        text = _ASIDE.sub("", text, count=1) or text  # "Not that anyone asked, but …": no negation of the request
        text = _QUESTION_LABEL.sub("", text, count=1) or text  # "kubectl-ish question: why is …": the question
        paste = pasted(text)
        if paste is not None and paste.only:
            # "logs say: '…bind() failed…'": evidence about what the conversation is about, troubleshooting
            return Intent("unknown", confidence=0.7, signals=("pasted", "context:troubleshoot"))
        if paste is not None:
            text = paste.text  # "db-01 is throwing 'FATAL: …'": a symptom, the quote no request's words
        normalized = normalize(text)[0]
        framed = self._framed(text, normalized)
        if framed is not None:
            return framed
        return self._situated(self._parse(text), text, normalized)

    def _framed(self, text: str, normalized: str) -> Intent | None:
        """The reading of a message a frame around its words decides: more copies, advice asked, a request
        buried at the end of a long message, a question said to be only one, something taken back, a name given
        afterwards, names for each copy, a pick by position. None when no frame does."""
        if _N_MORE.search(normalized):  # "give it 2 more" after "how many replicas does api-v2 have": more copies
            return Intent("scale", confidence=0.75, direction="up", reference="it", signals=("more",))
        if _ADVICE_ASKED.fullmatch(text.strip().lower()):  # "what should I do?" after a symptom: more of it
            return Intent("unknown", confidence=0.7, signals=("continues:troubleshoot",))
        buried = list(_REQUEST_FOLLOWS.finditer(text))
        if buried and text[: buried[-1].start()].strip() and text[buried[-1].end() :].strip():
            # "So some background: … Anyway, long story short, can you take grafana back down to 1 replica?"
            wanted = "i need " if buried[-1].group("need") else ""
            tail = text[buried[-1].end() :]
            sentence = re.split(r"(?<=[.!?])\s+", tail.strip(), maxsplit=1)[0]  # not "after that, ping me …"
            read = self.parse(wanted + sentence)
            if read.name == "unknown" and sentence != tail.strip():
                read = self.parse(wanted + tail)
            if read.name != "unknown":
                return read
        asked_only = _ASKED_ONLY.search(text)
        if asked_only is not None and text[: asked_only.start()].strip() and text[asked_only.end() :].strip():
            # "don't stop anything, I just want to know: is queue-01 healthy?": the question is the message
            read = self.parse(text[asked_only.end() :])
            if read.name in _READS:
                return read
        retracted = _retracted(text)
        if retracted is not None:
            # "delete web-01??? no no no I meant restart. restart web-01": what is taken back is not asked
            read_without = self._without_taken_back(*retracted)
            if read_without is not None:
                return read_without
        naming = _NAMES_IT.match(normalized.strip())
        if naming is not None and is_name(naming.group("name")):
            # "its called flask-app btw": what the conversation is about, named; the same question about it
            return Intent("unknown", target=naming.group("name"), confidence=0.7, signals=("names-focus",))
        each = _NAMED_EACH.search(normalized)
        if each is not None:
            called = _names_in(each.group("names"))
            if len(called) > 1:  # "call them node1 node2 node3": the copies just asked for, one name each
                named_each = tuple(Resource(n) for n in called)
                return Intent("unknown", named_each, confidence=0.7, signals=("amend", "names-each"))
        picked = _PICKED.fullmatch(text.strip().lower())
        if picked is not None:  # "the first one": which of those just named, an answer to "which one?"
            position = _POSITIONS.get(picked.group("pos") or "", picked.group("pos") or picked.group("num"))
            return Intent("unknown", confidence=0.7, reference=f"ordinal:{position}", signals=("bare-ordinal",))
        return None

    def _situated(self, read: Intent, text: str, normalized: str) -> Intent:
        """``read`` with what the whole message says around the grammar's reading: the thing a kind word or a
        release names, what a size question measures, a count said of nothing, a guest's number, one of
        several, a design varied."""
        read = _named_by_kind(read, text.lower())
        measured = _MEASURE_ASKED.search(normalized) if read.name == "status" else None
        if measured is not None:  # "how much ram does db-02 have?": what a bare "cut it to 8" next is in
            unit = next(k for k, v in measured.groupdict().items() if v)
            read = replace(read, signals=(*read.signals, f"measure:{unit}"))
        if read.name == "scale" and read.scale_to is not None and not _COUNTED.search(normalized):
            read = replace(read, signals=(*read.signals, "count-unsaid"))  # "cut it to 8": to 8 of what, unsaid
        released = _RELEASED.search(normalized)
        if released is not None and read.target is None and read.reference in {None, "it"}:
            # "we pushed v2.4 to checkout", "the orders rollout": what a release went to is what it is about
            read = replace(read, target=released.group("to") or released.group("of"), reference=None)
        if read.target is None and (read.reference or "").startswith("subject:") and len(read.names) == 1:
            # "this is f***ing ridiculous, why won't grafana-mon load": the name, not a word said of things
            read = replace(read, target=read.names[0], reference=None)
        read = _numbered_guest(read, normalized)
        if _ONE_OF.search(text.lower()) and read.reference in {"them", "word:those", "word:these", "word:both"}:
            read = replace(read, reference="one-of")  # "shut down one of them": which one is still to say
        if not _DESIGN_MORE.search(text.lower()):
            return read
        varying = read.name in {"unknown", "update", "status", "list", "explain"} or (
            read.name == "deploy" and not any(v.command for v in find_verbs(tokenize(text)[0], self._lexicon))
        )  # "with a redis cache on top": said of a design, a part of it, not an order
        if varying:
            # "with a VPN on top pls", "make it cheaper": after a design, the design varied (the focus decides);
            # "keep it cheap" is a wish for it, no "keep it" that cancels
            read = replace(read, signals=(*read.signals, "continues:design"), cancel=False)
        return read

    def _without_taken_back(self, kept: str, taken_back: str, rest: str, before: str) -> Intent | None:
        """The reading of a message that takes something back: of what it keeps; or of what it said before,
        with the values said after ("… with 8 cores — actually no, 4 cores is plenty"); or of the act taken
        back, on the one now meant ("restart web-01 and web-02, no wait, just web-02"). None when none fits."""
        rest_tokens = tokenize(rest)[0]
        acts = [v for v in find_verbs(rest_tokens, self._lexicon) if v.lemma not in {"make", "be"}]
        said = extract(rest_tokens, 0, self._lexicon) if not acts else []
        if len(said) == 1:
            earlier = self._parse(before)
            if earlier.name == "deploy" and len(earlier.resources) == 1:
                was, now = earlier.resources[0], said[0]
                merged = replace(
                    was,
                    name=now.name or was.name,
                    kind=now.kind if now.kind is not None and _kind_said(rest_tokens, self._lexicon) else was.kind,
                    template=now.template or was.template,
                    cores=now.cores or was.cores,
                    memory_mb=now.memory_mb or was.memory_mb,
                    disk_gb=now.disk_gb or was.disk_gb,
                )
                return replace(earlier, resources=(merged,), target=merged.name or earlier.target)
        read = self.parse(kept)
        named = _names_in(taken_back)
        if read.target is None and read.reference == "it" and len(named) == 1:
            read = replace(read, target=named[0], reference=None)  # "stop web-1, no sorry, restart it"
        if read.name != "unknown" and read.confidence >= 0.7:  # not "just web-02", a bare name's guess
            return read
        meant = _names_in(rest)
        taken = self._parse(taken_back) if len(meant) == 1 and not acts else None
        if taken is not None and taken.name in _OPERATIONS:
            # "restart web-01 and web-02, no wait, just web-02": the act taken back, on the one now meant
            return replace(taken, target=meant[0], reference=None, names=(meant[0],))
        return None

    def _parse(self, text: str) -> Intent:
        tokens, injected = tokenize(text)
        read = self._read(tokens, injected)
        names = tuple(dict.fromkeys(t.text for t in tokens if is_name(t.text)))
        said = (template_of(t.text, self._lexicon) for t in tokens if t.number is None and t.size is None)
        templates = tuple(dict.fromkeys(t for t in said if t is not None))
        read = replace(read, templates=templates)
        read = replace(read, names=names, stated=stated_count(tokens), sizes=self._sizes(read, tokens))
        amended = self._amendment(tokens, read)
        return _against_stated(amended if amended is not None else read)

    def _amendment(self, tokens: list[Tok], read: Intent) -> Intent | None:
        """A message that only adds to what was just described: sizes ("2 cores, 4GB ram"), a name ("and name
        it pg-core", "name is x"), software ("ubuntu"), or sizes for "it"/"them" ("make them 256MB each"). It
        carries one resource with what it says and the signal "amend"; after a deploy the focus merges it into
        that deploy (a smaller size stays a resize), anywhere else the reading is unchanged."""
        if read.name not in {"unknown", "update", "status"} or read.proceed or read.cancel:
            return None
        words = [t.text for t in tokens]
        if "?" in words or len(words) > 40:
            return None
        named = _RENAMED.search(_joined(tokens))
        given = (named.group("name") or named.group("name2")) if named is not None else None
        new_name = given if given is not None and is_name(given) else None
        said = extract(tokens, 0, self._lexicon)
        if len(said) > 1 or (not said and new_name is None):
            return None
        resource = said[0] if said else Resource(new_name)
        if new_name is not None:
            resource = replace(resource, name=new_name)
        if _kind_said(tokens, self._lexicon):
            return None  # "3x ubuntu vm, 4 vcpu": an order of its own ("make that an lxc" is a correction)
        resource = replace(resource, kind=None)  # "ubuntu": software said; the kind stays the one asked for
        others = {w for w in words if is_name(w)} - {resource.name}
        sized = any(v is not None for v in (resource.cores, resource.memory_mb, resource.disk_gb))
        if others or not (sized or new_name is not None or (resource.template is not None and len(words) <= 3)):
            return None
        if read.name == "update" and not ("amend" in read.signals or new_name is not None):
            return None  # "set db-1 to 4 cores": a resize of what it names
        if read.name == "status" and new_name is None:
            return None
        if read.name == "unknown" and set(read.signals) - {"closing"}:
            return None  # "the grafana container is using 4 gigs": a statement, not an addition (a "thanks" is)
        if read.correction and (new_name is None or read.target not in {None, new_name} or read.excluded):
            return None  # "not web-a, only web-b": a correction of the target, not a new name
        signals = read.signals if "amend" in read.signals else (*read.signals, "amend")
        target = read.target if read.correction else None
        return replace(read, resources=(resource,), target=target, reference=None, signals=signals)

    def _sizes(self, read: Intent, tokens: list[Tok]) -> tuple[tuple[str, int], ...]:
        """What a sentence says something is sized at now ("db-01 has 8 cores", "is using 4 gigs"): sizes in a
        statement, or those of a deploy; a later resize to less is then a shrink."""
        if read.name in {"update", "scale"} or not any(t.size is not None or t.integer for t in tokens):
            return ()
        said = read.resources or tuple(extract(tokens, 0, self._lexicon))
        if len(said) != 1 or (read.name != "deploy" and not STATEMENT.search(_joined(tokens))):
            return ()
        resource = said[0]
        values = {"cores": resource.cores, "memory_mb": resource.memory_mb, "disk_gb": resource.disk_gb}
        return tuple((k, v) for k, v in values.items() if v is not None)

    def _read(self, tokens: list[Tok], injected: bool) -> Intent:
        joined = _joined(tokens)
        signals: list[str] = ["injection-ignored"] if injected else []
        switch = TOPIC_SWITCH.search(joined) is not None
        if DESIGN.search(joined):
            signals.append("from-scratch")
        only_read = bare_read(joined)
        if only_read is None and len(tokens) <= 20:
            tail = self._last_sentence_read(tokens)
            if tail is not None:  # "wonderful. love that for us. what's the status now": the read at the end
                return self._intent(tail[0], tail[1], None, 0.7, switch, signals, anchored=True)
        if only_read is not None:  # "status", "what's running?", "show me everything": the whole message is the read
            return self._intent(only_read, tokens, None, 0.7, switch, signals, anchored=True)
        if (
            _ON_BOOT.search(joined)
            and self._anchored(tokens)
            and re.match(r"(please )?(make|set|have|ensure|make sure)\b", joined)
        ):
            return self._intent("update", tokens, None, 0.75, switch, signals)  # "make web-01 start on boot"
        recommended = RECOMMEND_ASKED.search(joined) or _BEST_WAY_ASKED.search(joined)
        shaping = DESIGN_ASKED.search(joined) or (recommended and DESIGN.search(joined))
        if shaping and not HYPOTHETICAL.search(joined):
            # "… how would you lay it out?", "an HA setup for X, what would you recommend?": how to shape it, asked
            return self._intent("design", tokens, None, 0.8, switch, signals, anchored=True)
        if RECALLED.search(joined):  # "remind me why we killed the vpn box": a past decision, explained
            return self._intent("explain", tokens, None, 0.8, switch, signals, anchored=True)
        if _WHAT_IT_DOES.search(joined) and not any(is_name(t.text) for t in tokens):
            # "what does kubectl rollout restart actually do?": how it works (of a thing of ours, its state)
            return self._intent("explain", tokens, None, 0.75, switch, signals, anchored=True)
        if _WHICH_WERE.search(joined):  # "which containers did I delete last week?": those, listed
            return self._intent("list", tokens, None, 0.75, switch, signals, anchored=True)
        if _MEANING_OF_ACTS.search(joined):
            # "what's the difference between a stop and a shutdown, which one can corrupt data?": how things work
            return self._intent("explain", tokens, None, 0.75, switch, signals, anchored=True)
        if MEANING_ASKED.search(joined) and not any(is_name(t.text) for t in tokens):
            return self._intent("explain", tokens, None, 0.8, switch, signals, anchored=True)
        verbs = find_verbs(tokens, self._lexicon)
        commands = [v for v in verbs if v.command]
        operations = [v for v in commands if v.action not in _MARKERS or v.action in {"plan", "show"}]

        if _PLAN_ONLY.search(joined):
            # "wait, don't do it yet, just show me the plan": the plan of what waits, nothing carried out
            return self._intent("plan", tokens, None, 0.8, switch, signals, anchored=True)
        ours = [v for v in verbs if v.action in _OPERATIONS and not v.negated]
        pointing = any(t.text in {"that", "this", "it", "them", "those"} for t in tokens)  # "what would that do?"
        supposed = re.search(r"\b(if|suppose|supposing|imagine|assume|assuming)\b", joined)  # a case of its own
        if HYPOTHETICAL.search(joined) and supposed and not ours and not commands and not pointing:
            # "hypothetically, if an attacker got root on pve1, what could they do?": no act of ours to plan
            explained = self._intent("explain", tokens, None, 0.75, switch, signals, anchored=True)
            first_name = next((t.text for t in tokens if is_name(t.text)), None)
            return replace(explained, target=first_name) if explained.target is None and first_name else explained
        if HYPOTHETICAL.search(joined) or (commands and commands[0].action == "plan"):
            return self._plan(tokens, verbs, switch, signals)
        asked = [v for v in verbs if v.asked and not v.negated and not v.descriptive and v.action not in _MARKERS]
        if asked and not operations:
            # "is it safe to remove…?", "should I restart…?", "when I remove an LXC, …?": a question about the act
            asked_target = find_target(tokens, asked[0], self._lexicon, True)
            if asked[0].action in {"run", "start"} and re.search(r"\bhow many\b|\bwhich \w+s\b", joined):
                counted_of = self._count_of(tokens)
                if counted_of is not None:  # "how many instances of ingest run?": the state of ingest
                    counting = [*signals, "measure:count"]
                    read = self._intent("status", tokens, None, 0.75, switch, counting, anchored=True)
                    return replace(read, target=counted_of.name, reference=counted_of.reference)
                return self._intent("list", tokens, None, 0.8, switch, signals, anchored=True)  # "how many … run on X?"
            if asked[0].action in {"design", "explain", "troubleshoot"}:  # "what would you suggest for …?"
                return self._intent(asked[0].action, tokens, asked[0], 0.8, switch, signals)  # type: ignore[arg-type]
            if asked_target.name is not None and _indefinite(tokens, asked_target.name):
                asked_target = replace(asked_target, name=None)  # "a ZFS-backed disk": some disk, not one named
            generic = asked_target.name is None and (_EXPLAIN_HOW.search(joined) or _GENERAL.search(joined))
            if generic and DESIGN.search(joined):  # "how should we set up HA for our postgres?": how to build it
                return self._intent("design", tokens, asked[0], 0.8, switch, signals, anchored=True)
            if generic:  # "how would I shrink a disk?", "why would someone restart a pod?": how things work
                explained = self._intent("explain", tokens, asked[0], 0.8, switch, signals, anchored=True)
                act = refine(asked[0].action, tokens, asked[0])
                return replace(explained, action=act) if act in _OPERATIONS else explained  # for "do that for X"
            if _SAFETY_ASKED.search(joined) and not HYPOTHETICAL.search(joined):
                # "can I safely remove cache-2?", "is safe to do reboot of the node?": whether it is safe, explained;
                # the act is remembered, so "ok, do it" carries it out
                explained = self._intent("explain", tokens, asked[0], 0.8, switch, signals, anchored=True)
                act = refine(asked[0].action, tokens, asked[0])
                return replace(explained, target=asked_target.name, action=act if act in _OPERATIONS else None)
            if CONDITIONAL.search(joined) or (asked[0].action in _OPERATIONS and asked_target.name is not None):
                # "should we downsize web-01?": a plan of it, so that "go ahead" can carry it out
                return self._plan(tokens, verbs, switch, signals)
            explained = self._intent("explain", tokens, asked[0], 0.8, switch, signals, anchored=True)
            act = refine(asked[0].action, tokens, asked[0])
            return replace(explained, target=asked_target.name, action=act if act in _OPERATIONS else None)
        acting = [v for v in operations if v.action in {"plan", "show"} or refine(v.action, tokens, v) in INTENTS]
        recounted = new_count(tokens)
        # "no wait, 3": the count just asked for, said again (not a cancel)
        redirected = _includes(tokens) or _only_a_name(tokens) or _redirects(tokens)
        redirected = redirected or (recounted is not None and recounted.restated)
        alike = _ALIKE.search(joined)
        if alike is not None and not any(v.action not in {"deploy", "scale", "add", *_MARKERS} for v in operations):
            # "and two more just like it", "another one like that": copies of what was just built (the focus
            # knows its spec); "ok" in front, or "deploy"/"add" said again, changes nothing
            copies = int(alike.group("n")) if alike.group("n") else 1
            alike_signals = (*signals, "alike")
            renamed = _RENAMED.search(joined)
            called = (renamed.group("name") or renamed.group("name2")) if renamed is not None else None
            copy = Resource(called if called is not None and is_name(called) else None, count=copies)
            return Intent("deploy", (copy,), confidence=0.75, topic_switch=switch, signals=alike_signals)
        if not acting and not (CANCEL.search(joined) and not redirected):
            if NARROWING.search(joined):  # "only the ones using more than 1GB": the last request, narrowed
                return self._intent("unknown", tokens, None, 0.7, switch, signals, follow_up=True)
            counted = new_count(tokens)
            if counted is not None:  # "web: 3 → 9", "take it to 10", "go to 6"
                return self._scaled(self._intent("scale", tokens, None, 0.8, switch, signals, anchored=True), counted)
            corrected = None if _WH_OPENING.search(joined) else correction(tokens)
            respecified = self._respecified(tokens) if corrected is not None and corrected.target is None else None
            if respecified is not None:  # "oops, I meant an lxc, not a vm": what to build, not which one
                return Intent("unknown", (respecified,), confidence=0.7, topic_switch=switch, correction=True)
            if corrected is not None:  # "wait, not web-a — only web-b": the last request, aimed elsewhere
                return Intent(
                    "unknown",
                    target=corrected.target,
                    confidence=0.7,
                    reference=corrected.reference,
                    topic_switch=switch,
                    signals=tuple(signals),
                    correction=True,
                    excluded=corrected.excluded,
                )
            asks = "?" in joined or re.search(r"\b(why|what|how|tell|show|which)\b", joined) is not None
            short = len(tokens) <= 10
            specs = extract(tokens, 0, self._lexicon) if _CORRECTING.search(joined) and short and not asks else []
            if specs:  # "typo: 200GB", "sorry, make that a debian lxc": the last request, with these specs instead
                return Intent("unknown", tuple(specs), confidence=0.7, topic_switch=switch, correction=True)
        withdrawn = CANCEL.search(joined)
        if withdrawn and any(
            v.action == "proceed" and _joined(tokens[: v.start]).__len__() > withdrawn.start() for v in commands
        ):
            withdrawn = None  # "nevermind, go ahead": the hesitation is withdrawn, not the request
        if withdrawn and [
            v
            for v in operations
            if v.action != "show" and not v.negated and len(_joined(tokens[: v.start])) >= withdrawn.end()
        ]:
            withdrawn = None  # "hold on, errors. undo!!! undo!!!": the hesitation came first, the request after it
        bare = all(
            (v.start == 0 or tokens[v.start - 1].punct) and (v.end >= len(tokens) or tokens[v.end].punct)
            for v in operations
        )
        if withdrawn and (bare or not [v for v in operations if v.action != "show"]):  # "stop! don't do anything"
            then = self._after_withdrawal(tokens)
            if then is not None:  # "no wait, don't. just tell me how much disk logs-02 uses": the question stands
                return then
            undo = ["undo"] if _UNDO.search(joined) else []
            return self._intent("unknown", tokens, None, 0.8, switch, [*signals, *undo], cancel=True)
        for verb in commands:
            if verb.action == "proceed" and not [
                v for v in operations if v.start > verb.start and not _named_act(v, tokens)
            ]:
                lead = [t.text for t in tokens[: verb.start] if not t.punct]
                at_start = verb.start == 0 or tokens[verb.start - 1].punct or set(lead) <= _LEADING
                if PROCEED.search(joined) or at_start or verb.lemma in {"go ahead", "do it"}:
                    going = self._intent("unknown", tokens, verb, 0.8, switch, signals, proceed=True)
                    return self._sized_on(going, tokens[verb.end :])
                continue
            later = [v for v in commands if v.start > verb.start and v.action in {"proceed", *INTENTS}]
            if verb.action == "cancel" and not [v for v in operations if v.start > verb.start] and not later:
                then = self._after_withdrawal(tokens)
                if then is not None:  # "cancel that, just tell me its status": the question stands
                    return then
                undo = ["undo"] if _UNDO.search(joined) else []
                return self._intent("unknown", tokens, verb, 0.8, switch, [*signals, *undo], cancel=True)
            if verb.action in {"proceed", "cancel", "hypothetical"}:
                continue
            action = refine(verb.action, tokens, verb)
            if action not in INTENTS:
                counted = new_count(tokens)
                if counted is not None:  # "make it 4"
                    return self._scaled(self._intent("scale", tokens, None, 0.8, switch, signals), counted)
                continue
            name: IntentName = action
            if name == "plan" and any(v.start > verb.start and v.action not in _MARKERS for v in verbs):
                return self._plan(tokens, verbs, switch, signals)  # "show me the plan to remove cache-old"
            clause = _joined([t for k, t in enumerate(tokens) if k < verb.start])
            if _EXPLAIN_HOW.search(clause) and name not in {"troubleshoot", "design"}:
                name = "design" if DESIGN.search(joined) else "explain"  # "how should we set up HA for pg?"
            elif name in _OPERATIONS and reported_failure(tokens, verb):
                name = "troubleshoot"  # "qm start 112 fails with a timeout": what failed, asked about
            elif name in {"explain", "status"} and TROUBLE.search(joined) and self._named(tokens):
                name = "troubleshoot"
            elif name == "status" and WIDE_STATUS.search(joined):
                name = "list"  # "check the status of all my containers"
            if name == "update" and _amends(tokens, verb, extract(tokens, verb.start, self._lexicon)):
                wanted = _joined(tokens[: verb.start])
                if WANT.search(wanted) and any(r.kind for r in extract(tokens[: verb.start], 0, self._lexicon)):
                    # "i need a postgres container, call it orders-db, give it 2 gigs": the thing wanted, sized
                    return self._intent("deploy", tokens, None, 0.8, switch, signals)
            outweighs = self._then(tokens, commands, verb, name)
            if outweighs is not None:  # "check web-21 and then bounce it", "drain node-7 and remove it"
                verb, name = outweighs
            confidence = 0.75 if verb.corrected else 0.9
            counted = new_count(tokens) if name in {"stop", "update", "scale", "start", "destroy"} else None
            if counted is not None and name == "update" and _size_said(tokens):
                counted = None  # "16G? cut it to 8": the number is of the size just said, a resize
            if counted is not None:  # "bring checkout-svc down to 1 replica", "set web to 3"
                return self._scaled(self._intent("scale", tokens, verb, confidence, switch, signals), counted)
            return self._intent(name, tokens, verb, confidence, switch, signals)

        if (
            tokens
            and tokens[0].text in {"new", "another", "fresh"}
            and (
                kind_at([t.text for t in tokens], 1, self._lexicon)
                or (
                    len(tokens) > 2
                    and template_of(tokens[1].text, self._lexicon)
                    and kind_at([t.text for t in tokens], 2, self._lexicon)
                )
            )
        ):  # "new lxc x4", "new debian lxc"
            return self._intent("deploy", tokens, None, 0.75, switch, signals)  # "new container pls: image=redis"
        if self._spec_line(tokens):  # "lxc alpine x3 1c/512m", "vm ubuntu 2c/4g/40g name ci-7": a spec is an order
            return self._intent("deploy", tokens, None, 0.75, switch, signals)
        if WANT.search(joined) and AFFIRM.search(joined) and extract(tokens, 0, self._lexicon):
            # "ok let's go with it: one nginx container named blog-web": the yes comes with what to build
            return self._intent("deploy", tokens, None, 0.75, switch, signals)
        closing = CLOSING.search(joined) and not FOLLOW_UP.search(joined)  # not "thx, and cache-older too"
        if closing and not operations and not [v for v in verbs if v.action == "proceed"]:
            # "ok, that's it for today, bye", "the restart fixed it, thanks": nothing asked, nothing to carry out
            return Intent("unknown", confidence=0.8, topic_switch=switch, signals=(*signals, "closing"))
        if AFFIRM.search(joined) and not operations:  # "yes", "sure, go for it", "absolutely": the waiting action
            return self._intent("unknown", tokens, None, 0.8, switch, signals, proceed=True)
        if KNOW.search(joined):  # "I would like to know the state of the virtual machine mailrelay"
            # "I want to see all my containers": the things themselves, a list (but "the state of …" is a status)
            listed = _COLLECTION.search(joined) and not STATUS_QUESTION.search(joined)
            return self._intent("list" if listed else "status", tokens, None, 0.75, switch, signals)
        nominal = _NOMINAL_ACT.search(joined)
        if nominal is not None:  # "I would like to request the deletion of the vm hr-legacy"
            act = next(name for name, pattern in _NOMINALS if re.fullmatch(pattern, nominal.group("act")))
            return self._intent(act, tokens, None, 0.75, switch, signals)
        relative = _RELATIVE_COUNT.search(joined)
        if relative is not None:  # "we need one less worker", "one more replica please": a scale, by so many
            read = self._intent("scale", tokens, None, 0.75, switch, signals, anchored=True)
            return replace(read, direction="up" if relative.group("way") in {"more", "extra", "additional"} else "down")
        if _ONE_OF_SOFTWARE.search(joined) and not commands and extract(tokens, 0, self._lexicon):
            # "now a prometheus one called ops-prom with 2GB": one more, of the kind just deployed
            return self._intent("deploy", tokens, None, 0.7, switch, signals, follow_up=True)
        if WANT.search(joined) and re.search(r"\b(an? |the )?(architecture|design|topology|layout) (for|of)\b", joined):
            return self._intent("design", tokens, None, 0.75, switch, signals)  # "I need an architecture for …"
        list_asked = re.search(r"\b(a |the )?(list|listing|inventory|overview|rundown) of\b", joined)
        if WANT.search(joined) and list_asked:  # "can i get a list of all vms with more than 8GB of ram"
            return self._intent("list", tokens, None, 0.75, switch, signals, anchored=True)
        if WANT.search(joined) and extract(tokens, 0, self._lexicon) and not _WHICH_OF.match(joined):
            # (not "which deployments have less ready replicas than they want?": a list, asked)
            return self._intent("deploy", tokens, None, 0.75, switch, signals)
        toward = _TOWARD.search(joined)
        if toward is not None:  # "resize web-2" … "down to 2GB, it has 4 now": the last request, lower (or higher)
            way: Direction = "down" if toward.group("way") == "down" else "up"
            read = self._intent("unknown", tokens, None, 0.7, switch, [*signals, f"toward:{way}"], follow_up=True)
            return replace(read, direction=way)
        acts = [v for v in verbs if not v.negated and v.action not in _MARKERS]
        if FOLLOW_UP.search(joined) and not acts and STATUS_QUESTION.search(joined) and self._named(tokens):
            # "ok and how's web-02 doing?": a question of its own about a state, not the last request again
            return self._intent("status", tokens, None, 0.75, switch, signals)
        if (
            FOLLOW_UP.search(joined)
            and _EXPLAIN_HOW.search(joined)
            and not DESIGN.search(joined)
            and not any(is_name(t.text) for t in tokens)
            and not any(v.command for v in acts)
        ):
            # "and how do i back it up?": how to do something, asked; not the last request again
            return self._intent("explain", tokens, None, 0.75, switch, signals, anchored=True)
        if FOLLOW_UP.search(joined) or ASKED_FOLLOW_UP.search(joined):
            # "and what about removing ledger-db?": the last request, on this; the act it names is proposed
            question = ["asked-follow-up"] if ASKED_FOLLOW_UP.search(joined) else []
            read = self._intent("unknown", tokens, None, 0.7, switch, [*signals, *question], follow_up=True)
            bare_kind = (read.reference or "").startswith("kind:") and not any(t.text == "the" for t in tokens)
            if bare_kind and not _STATED.search(joined):
                # "scale worker down to 2" … "and cache too": a service called so, as bare as "worker"
                said_word = next((t.text for t in tokens if kind_at([t.text], 0, self._lexicon)), None)
                read = replace(read, reference=f"named:{said_word}") if said_word else read
            if (read.reference or "").startswith("subject:") and not _STATED.search(joined):
                # "and the backend container too": the thing said is the other one meant, not a guess at the focus
                read = replace(read, reference="word:" + (read.reference or "")[len("subject:") :])
            named = [refine(v.action, tokens, v) for v in verbs if not v.negated and v.action not in _MARKERS]
            proposed = next((op for op in map(_operation, named) if op is not None), None)
            return replace(read, action=proposed) if proposed is not None else read
        if [v for v in verbs if v.negated] and not TROUBLE.search(joined):
            return self._intent("unknown", tokens, None, 0.7, switch, signals, cancel=True)
        if _SAFETY_ASKED.search(joined):  # "before that: can I safely do that?": whether the act at hand is safe
            read = self._intent("explain", tokens, None, 0.75, switch, signals, anchored=True)
            pointed = read.target is None and any(t.text in {"it", "that", "this"} for t in tokens)
            return replace(read, reference="it") if pointed else read
        if _USAGE_ASKED.search(joined):
            # "how much is it using right now?", "how much ram did kiosk-01 get?": its state, measured
            read = self._intent("status", tokens, None, 0.75, switch, signals, anchored=True)
            return read if read.target or read.reference else replace(read, reference="it")
        if _CHOICE_ASKED.search(joined) and not any(v.command for v in acts):
            return self._intent("explain", tokens, None, 0.75, switch, signals, anchored=True)  # "which one should …"
        if _COUNT_ASKED.search(joined):
            signals = [*signals, "measure:count"]  # what "double it" next would multiply
            counted_of = self._count_of(tokens)
            if counted_of is not None:  # "how many copies of the scraper are running?": the state of the scraper
                read = self._intent("status", tokens, None, 0.75, switch, signals, anchored=True)
                return replace(read, target=counted_of.name, reference=counted_of.reference)
        if _PLEA.search(joined) and TROUBLE.search(joined):
            # "pods in CrashLoopBackOff in namespace x, help": what is said is a symptom, however it lists things
            return self._intent("troubleshoot", tokens, None, 0.7, switch, signals)
        for frame, frame_name in (
            (WIDE_STATUS, "list"),
            (STATUS_QUESTION, "status"),
            (LIST_QUESTION, "list"),
            (TROUBLE, "troubleshoot"),
            (DESIGN, "design"),  # "what is a good topology for…": how to build it, before what a thing is
            (EXPLAIN, "explain"),
        ):
            if frame.search(joined):
                return self._intent(frame_name, tokens, None, 0.7, switch, signals)  # type: ignore[arg-type]
        if _ON_BOOT.search(joined) and self._anchored(tokens):  # "make sure ntp-01 starts on boot": a setting
            return self._intent("update", tokens, None, 0.75, switch, signals)
        if any(is_name(t.text) for t in tokens):
            # a name and nothing asked of it: maybe a status; after "nuke it" with nothing named, the answer to
            # "which one?" (the focus decides)
            answer = [] if verbs or len(tokens) > 8 else ["bare-name"]
            return self._intent("status", tokens, None, 0.5, switch, [*signals, *answer])
        said = ["statement"] if STATEMENT.search(joined) else []  # "the grafana container is using 4 gigs"
        if not verbs and not said and len(tokens) <= 6 and tokens and tokens[0].text in {"the", "that", "this"}:
            # "the search service": only a thing, perhaps the answer to "which one?" (the focus decides)
            which = find_target(tokens, _ANSWERING, self._lexicon, True)
            word = (which.reference or "").removeprefix("word:") if not which.name else which.name
            if word and ":" not in word:
                signals = [*signals, f"answer:{word}"]
        return self._intent("unknown", tokens, None, 0.6, switch, [*signals, *said])

    def _sized_on(self, going: Intent, rest: list[Tok]) -> Intent:
        """ "cool, do it, 1 core each": a yes that sizes what it says yes to; the sizes ride along as an
        amendment (the focus applies them to the action that waits)."""
        said = extract(rest, 0, self._lexicon) if any(t.size is not None or t.integer for t in rest) else []
        if len(said) != 1 or _kind_said(rest, self._lexicon):
            return going
        sizes = said[0]
        if sizes.cores is None and sizes.memory_mb is None and sizes.disk_gb is None:
            return going
        amendment = Resource(None, cores=sizes.cores, memory_mb=sizes.memory_mb, disk_gb=sizes.disk_gb)
        return replace(going, resources=(amendment,), signals=(*going.signals, "amend"))

    def _respecified(self, tokens: list[Tok]) -> Resource | None:
        """What a correction says to build instead, when it names a kind or software and no resource: "I meant
        an lxc, not a vm", "ubuntu rather than debian" (what follows "not" is what it is not)."""
        kept: list[Tok] = []
        refused = False
        for tok in tokens:
            if tok.text in {"not", "instead", "rather"}:
                refused = True
            elif tok.punct:
                refused = False
            if not refused:
                kept.append(tok)
        if any(is_name(t.text) for t in kept) or not any(t.text in {"a", "an"} for t in kept):
            return None  # what to build is said as "a"/"an" something; "only the app" picks one already there
        said = extract(kept, 0, self._lexicon)
        if len(said) != 1 or (said[0].kind is None and said[0].template is None):
            return None
        if not _kind_said(kept, self._lexicon):
            return replace(said[0], kind=None)  # "ubuntu, not debian": software said, the kind stays
        return said[0]

    def _count_of(self, tokens: list[Tok]) -> Target | None:
        """What a count question asks the count of: "how many replicas of checkout…", "the pod count on search"."""
        words = [t.text for t in tokens]
        for k in range(len(words) - 1):
            copies = words[k] in _COPIES or (words[k] in {"replica", "instance", "pod"} and words[k + 1] == "count")
            if not copies:
                continue
            j = k + 2 if words[k + 1] == "count" else k + 1
            if j >= len(words) or words[j] not in {"of", "on", "for"}:
                return None  # "how many pods are there?": a count of everything, a list
            j += 1
            while j < len(words) and words[j] in {"the", "my", "our", "that", "this"}:
                j += 1
            if j >= len(words) or tokens[j].punct or tokens[j].number is not None:
                return None
            word = words[j]
            if is_name(word):
                return Target(word)
            if word.isalpha() and not kind_at(words, j, self._lexicon) and self._lexicon.verb(word) is None:
                return Target(reference=f"word:{word}")
            return None
        return None

    def _spec_line(self, tokens: list[Tok]) -> bool:
        """A line that is only a specification: it opens with a kind (or software and a kind, either order),
        says sizes or a count, and neither asks nor states anything ("lxc alpine x3 1c/512m")."""
        words = [t.text for t in tokens]
        if words[1:2] == [":"] and words[0] in {"k8s", "kubernetes", "docker", "proxmox", "pve", "lxc", "vm"}:
            words, tokens = words[2:], tokens[2:]  # "k8s: redis deployment named x, 3 replicas"
        if not words or "?" in words or STATEMENT.search(" ".join(words)):
            return False
        opens = kind_at(words, 0, self._lexicon) is not None or (
            len(words) > 1 and template_of(words[0], self._lexicon) is not None and kind_at(words, 1, self._lexicon)
        )
        if not opens:
            return False
        said = extract(tokens, 0, self._lexicon)
        named = any(w in {"named", "called"} for w in words)
        return len(said) == 1 and any(
            r.cores is not None or r.memory_mb is not None or r.disk_gb is not None or r.count > 1 or named
            for r in said
        )

    def _after_withdrawal(self, tokens: list[Tok]) -> Intent | None:
        """The reading of the last sentence of a message that withdrew something, when it asks to see."""
        ends = [
            k
            for k, t in enumerate(tokens)
            if k < len(tokens) - 1
            and (t.text in {".", "!", "?", ";"} or (t.text == "," and tokens[k + 1].text in _TURNING))
        ]  # "cancel that, just tell me its status": what follows the turn is the request
        if not ends:
            return None
        tail = tokens[ends[-1] + 1 :]
        if CANCEL.search(_joined(tail)) or not tail:
            return None
        read = self._read(tail, False)
        return read if read.name in {"status", "list", "explain", "troubleshoot"} else None

    @staticmethod
    def _then(tokens: list[Tok], commands: list[Verb], verb: Verb, name: IntentName) -> tuple[Verb, IntentName] | None:
        """A later command of the same message that outweighs the first: an operation after a read ("look
        at X, then restart it"), a removal after an interruption ("stop it and delete it"). The guard weighs
        what the message would finally do, not what it does first."""
        for later in commands:
            if later.start <= verb.start or later.action in _MARKERS or tokens[later.start].text.endswith("ing"):
                continue  # "…, I am thinking about cleaning up": a thought, not a second request
            said = [t.text for t in tokens[max(0, later.start - 2) : later.start]]
            if len(said) == 2 and said[0] in {"i", "we"} and said[1] in {"could", "can", "might", "may", "should"}:
                continue  # "list the containers I could remove": what is possible, not asked
            if _PURPOSE.search(_joined(tokens[max(0, later.start - 8) : later.start])):
                continue  # "list all vms so I can decide which ones to delete": why the read is asked, not a request
            action = refine(later.action, tokens, later)
            if action not in _OPERATIONS:
                continue
            if name in {"status", "list", "troubleshoot"} or (
                action in {"destroy", "rollback"} and name in {"stop", "update", "restart", "scale"}
            ):
                return later, action
        return None

    @staticmethod
    def _scaled(read: Intent, counted: NewCount) -> Intent:
        direction: Direction | None = read.direction
        if counted.direction is not None:
            direction = counted.direction
        if counted.previous is not None and counted.previous != counted.to:
            direction = "down" if counted.to < counted.previous else "up"
        signals = (*read.signals, "enough") if counted.enough else read.signals
        signals = (*signals, "amend") if counted.restated else signals  # after a deploy: its count, said again
        return replace(read, scale_to=counted.to, direction=direction, signals=signals)

    def read_as(self, text: str, name: IntentName, confidence: float, signal: str) -> Intent:
        """``text`` read as a request for ``name`` (decided elsewhere: the classifier, a destructive cue):
        its target, resources and scale found as the grammar finds them for that intent."""
        tokens, injected = tokenize(text)
        signals = ["injection-ignored"] if injected else []
        switch = TOPIC_SWITCH.search(_joined(tokens)) is not None
        verbs = [v for v in find_verbs(tokens, self._lexicon) if not v.negated]
        verb = next((v for v in verbs if refine(v.action, tokens, v) == name), None)
        read = self._intent(name, tokens, verb, confidence, switch, [*signals, signal], anchored=True)
        names = tuple(dict.fromkeys(t.text for t in tokens if is_name(t.text)))
        read = replace(read, names=names, stated=stated_count(tokens))
        read = replace(read, sizes=self._sizes(read, tokens))
        if name == "scale" and verb is None:
            counted = new_count(tokens)
            if counted is not None:
                return self._scaled(read, counted)
            return replace(read, scale_to=_scale_to(tokens, 0), direction=_direction(tokens))
        return read

    def _plan(self, tokens: list[Tok], verbs: list[Verb], switch: bool, signals: list[str]) -> Intent:
        acts = [v for v in verbs if v.action not in _MARKERS and not v.negated and not _asked_of_that(tokens, v)]
        condition = next((k for k, t in enumerate(tokens) if t.text in {"if", "when"}), None)
        # "what would change if I scaled api down to 1?": the act is the condition's, not the question's own verb
        supposed = [v for v in acts if condition is not None and v.start > condition]
        inner = next(iter(supposed or acts), None)
        if inner is None:
            said = extract(tokens, 0, self._lexicon)
            described = [
                r for r in said if r.count > 1 or r.template or r.cores or r.memory_mb or r.disk_gb
            ]  # what to build is described; "the db schema" only names something there
            if described:
                # "dry run: 3 ubuntu vms with 4GB each": a plan of building them, which "do it" carries out
                return Intent("plan", tuple(described), None, 0.85, topic_switch=switch, action="deploy",
                              signals=tuple(signals))  # fmt: skip
            return self._intent("plan", tokens, None, 0.8, switch, signals)
        action = refine(inner.action, tokens, inner)
        acted_on = action in _OPERATIONS and action != "deploy"  # "if I deploy a cluster": a plan of building one
        if acted_on and (_of_some(tokens, inner) or _CONSEQUENCE_ASKED.search(_joined(tokens))):
            # "what happens if I delete a vm that still has snapshots?", "… if I delete it, do the secrets
            # survive?": how such an act works out, explained; the act is remembered for "ok, do it"
            explained = self._intent("explain", tokens, inner, 0.8, switch, signals, anchored=True)
            return replace(explained, action=action if action in _OPERATIONS else None)
        planned = self._intent(action if action in INTENTS else "plan", tokens, inner, 0.85, switch, signals)
        return Intent(
            "plan",
            planned.resources,
            planned.target,
            0.85,
            planned.direction,
            planned.scale_to,
            planned.reference,
            topic_switch=switch,
            action=planned.name if planned.name in _OPERATIONS else None,
            signals=tuple(signals),
        )

    def _intent(
        self,
        name: IntentName,
        tokens: list[Tok],
        verb: Verb | None,
        confidence: float,
        switch: bool,
        signals: list[str],
        *,
        follow_up: bool = False,
        proceed: bool = False,
        cancel: bool = False,
        anchored: bool = False,
    ) -> Intent:
        plain_words = name in _OPERATIONS or name in {"status", "troubleshoot"}
        if name == "update" and _LESS.search(_joined(tokens)):
            signals = [*signals, "toward:down"]  # "give the plex vm 4GB less": smaller by that much
        target = find_target(tokens, verb, self._lexicon, plain_words)
        guest = _guest_before(tokens[: verb.start], self._lexicon) if verb is not None and name in _OPERATIONS else None
        if guest is not None:  # "vm 105 stop pls, shutting down for hw swap": the guest said before the verb
            target = Target(name=guest)
        asked = verb is not None or any(t.text == "?" for t in tokens)
        short = len(tokens) <= 8 and not EXPLAIN.search(_joined(tokens))  # not "show me how to write a haiku"
        named = self._read_of_a_name(name, target, asked and short)
        if named is not None:  # "status of shopdb", "how is checkout doing?": a word no list knows, asked about
            target = replace(target, name=named, reference=None)
        # "explain how ALMA decides …", "explain what a bind mount is": asked outright, about anything
        told = name == "explain" and verb is not None and verb.lemma in {"explain", "describe"}
        told = told and verb is not None and all(t.text in _LEADING or t.punct for t in tokens[: verb.start])
        if name in _NEEDS_ANCHOR and not (anchored or told) and named is None and not self._anchored(tokens):
            # "still slow. this is useless": a symptom about whatever the conversation is about, if anything.
            hint = (f"context:{name}",) if name in {"troubleshoot", "status"} else ("unanchored",)
            return Intent("unknown", confidence=0.6, topic_switch=switch, signals=(*signals, *hint))
        start = verb.end if verb is not None else 0
        if name == "deploy" and verb is not None and _cli_noun(tokens[: verb.start], self._lexicon):
            start = 0  # "lxc create web-07 --template alpine": the kind is said before the verb, as a CLI does
        resources: list[Resource] = []
        if name == "deploy" and _ONE_OF_SOFTWARE.search(_joined(tokens)):
            follow_up = True  # "now a prometheus one called ops-prom": one more, of the kind just asked for
        if name in {"deploy", "design"} or follow_up:
            resources = extract(tokens, start, self._lexicon)
            if follow_up and not _kind_said(tokens, self._lexicon):
                # "and a redis one called course-cache": of the kind just asked for (the focus), not a role's
                resources = [replace(r, kind=None) for r in resources]
            if name == "deploy" and verb is not None and len(resources) == 1 and resources[0].template is None:
                # "ok use the ubuntu one. make a vm called gitlab": the software said before the verb
                before = {template_of(t.text, self._lexicon) for t in tokens[: verb.start]} - {None}
                if len(before) == 1:
                    resources = [replace(resources[0], template=before.pop())]
            if not resources and start > 0 and name == "deploy":
                # "we need two ubuntu lxcs … for the build farm": the things come before the verb the grammar took
                resources = extract(tokens, 0, self._lexicon)
            words = [t.text for t in tokens]
            if any(words[k : k + 2] in (["from", "it"], ["from", "that"], ["from", "this"]) for k in range(len(words))):
                signals = [*signals, "from-it"]  # "create a vm from it": of what the last message named
            named = next((r.name for r in resources if r.name), None)
            target_name = named if name == "deploy" else target.name
            reference = None if name == "deploy" else target.reference
        elif name == "update":
            resources = with_target(extract(tokens, start, self._lexicon), target.name)
            target_name, reference = target.name, target.reference
            running = _BUILT.search(_joined(tokens[: verb.start])) if verb is not None else None
            if verb is not None and _amends(tokens, verb, resources) and running is None:
                signals = [*signals, "amend"]  # "actually make it 4 cores": maybe the deploy just asked for
            bare_number = _bare_number(tokens, start)
            if not resources and bare_number is not None:
                signals = [*signals, f"bare-number:{bare_number}"]  # "give it 32 instead": in the unit said before
            if verb is not None and verb.lemma in _MULTIPLIED and not resources:
                # "double it": of its size, or of its count when that is what was just asked about (the focus)
                signals = [*signals, f"times:{_MULTIPLIED[verb.lemma]}"]
        elif name in {"list", "explain", "unknown"} and not (proceed or cancel):
            # "list every vm on pve3": a place, not a target
            places = {k + 1 for k, t in enumerate(tokens) if t.text in {"on", "in", "at", "from", "across"}}
            target_name = next((t.text for k, t in enumerate(tokens) if is_name(t.text) and k not in places), None)
            called = [k + 1 for k, t in enumerate(tokens[:-1]) if t.text in {"named", "called"}]
            if target_name is None and name == "list" and called:
                target_name = tokens[called[0]].text  # "the pods in the namespace named sandbox": what it looks in
            reference = None
            if name == "unknown" and target_name is None and STATEMENT.search(_joined(tokens)):
                # "the grafana container is using 4 gigs": what the conversation is now about
                said = subject_of(tokens, len(tokens), self._lexicon)
                reference = said.reference if said is not None and said.reference is not None else None
                reference = reference if reference is not None and reference.startswith("template:") else None
        else:
            target_name, reference = target.name, target.reference
        direction: Direction | None = None
        scale_to: int | None = None
        if name == "scale" and verb is not None:
            found = scale_direction(tokens, verb)
            direction = "up" if found == "up" else "down" if found == "down" else None
            scale_to = _scale_to(tokens, verb.start)
        return Intent(
            name,
            tuple(resources),
            target_name,
            confidence,
            direction,
            scale_to,
            reference,
            follow_up=follow_up,
            proceed=proceed,
            cancel=cancel,
            topic_switch=switch,
            signals=tuple(signals),
        )

    def _last_sentence_read(self, tokens: list[Tok]) -> tuple[IntentName, list[Tok]] | None:
        """A bare read that ends a message of remarks ("wonderful. love that for us. what's the status now"):
        the read, when nothing before it commands anything."""
        ends = [k for k, t in enumerate(tokens[:-1]) if t.text in {".", "!", "?", ";"}]
        if not ends:
            return None
        tail = tokens[ends[-1] + 1 :]
        read = bare_read(_joined(tail))
        before = tokens[: ends[-1] + 1]
        if read is None or any(v.command for v in find_verbs(before, self._lexicon)):
            return None
        return (read, tail) if not any(is_name(t.text) for t in before) else None

    def _read_of_a_name(self, name: IntentName, target: Target, asked: bool) -> str | None:
        """The thing a status or troubleshooting read is about when it is a word neither the lexicon nor
        everyday English knows ("shopdb", "recs"): operators name services so. Only where something is asked
        or commanded ("status of shopdb", "how is checkout doing?"); in a remark ("this is a disaster") the
        word is what is said of the thing, not its name."""
        if name not in {"status", "troubleshoot"} or not asked:
            return None
        if target.name is not None:
            return target.name
        kind, _, word = (target.reference or "").partition(":")
        if kind not in {"word", "subject"} or word in TEMPLATE_ALIASES:
            return None
        return word if unknown_word(word, self._lexicon) else None

    def _named(self, tokens: list[Tok]) -> bool:
        return any(is_name(t.text) or t.text in {"it", "this", "that"} for t in tokens)

    def _anchored(self, tokens: list[Tok]) -> bool:
        words = [t.text for t in tokens]
        for k, tok in enumerate(tokens):
            word = tok.text
            if tok.size is not None or word in INFRA_WORDS or word in TEMPLATE_ALIASES or is_name(word):
                return True
            if word.endswith("s") and word[:-1] in INFRA_WORDS:  # "tell me about rollbacks"
                return True
            if (
                word in _KIND_WORDS
                or word.rstrip("s") in _KIND_WORDS
                or word in {"it", "its", "them", "those", "these", "ones"}  # "which ones are stopped?"
                or word.rstrip("s") in _ALSO_OURS  # "is the demo environment up?", "how do I revoke an API token?"
            ):
                return True
            if tok.ordinal and words[k + 1 : k + 2] == ["one"]:
                return True  # "is the first one healthy?"
            if (
                word.isalpha()
                and len(word) > 3
                and (template_of(word, self._lexicon) or kind_at(words, k, self._lexicon))
            ):
                return True
        if WIDE_STATUS.search(" ".join(words)):
            return True  # "the status of everything": of every resource
        removals = [self._lexicon.verb(w) for w in words if w.isalpha()]
        if any(found is not None and VERBS.get(found.lemma) == "destroy" for found in removals):
            return True  # "do NOT delete anything. just list what is older than a year": about resources
        acts = (self._lexicon.verb(w) for k, w in enumerate(words) if k and words[k - 1] in {"a", "an", "the"})
        if any(found is not None and VERBS.get(found.lemma) in _OPERATIONS for found in acts):
            return True  # "what does a restart do to the sessions?": an operation, named as a noun
        # "this is the fourth time postfix died": a symptom of something no list knows is still infrastructure
        symptom = SYMPTOM.search(_joined(tokens)) is not None
        return symptom and subject_of(tokens, len(tokens), self._lexicon) is not None


def _asked_of_that(tokens: list[Tok], verb: Verb) -> bool:
    """ "what would that change?", "what does it break": the verb asks what the act said before would do; it
    is not a second act (a plan of "change" would replace the rollback waiting for confirmation)."""
    before = [t.text for t in tokens[max(0, verb.start - 2) : verb.start]]
    return (
        len(before) == 2
        and before[0] in {"would", "will", "could", "might", "does", "did"}
        and before[1]
        in {
            "that",
            "it",
            "this",
        }
    )


def _operation(name: str) -> IntentName | None:
    """``name`` as an operation's intent name, or None."""
    return next((op for op in _OPERATIONS if op == name), None)


def _bare_number(tokens: list[Tok], start: int) -> int | None:
    """A number with nothing to say what it counts or measures ("give it 32 instead", "make it 4")."""
    for k in range(start, len(tokens)):
        tok = tokens[k]
        if tok.integer is None or tok.size is not None or tok.ordinal:
            continue
        nxt = tokens[k + 1].text if k + 1 < len(tokens) else ""
        if nxt and not tokens[k + 1].punct and nxt not in {"instead", "please", "now", "then", "and"}:
            return None
        return tok.integer
    return None


def _size_said(tokens: list[Tok]) -> bool:
    """A size said with its unit and no count word: a bare number after it is in the same unit."""
    return any(t.size is not None for t in tokens) and not any(t.text in COUNT_WORDS for t in tokens)


def _amends(tokens: list[Tok], verb: Verb, resources: list[Resource]) -> bool:
    """ "make it 4 cores and 8G ram", "and give it 128mb", "make them 1GB each": sizes for "it" with a verb that
    adds or restates, which after a deploy amend that deploy (the focus decides; a shrink stays a resize)."""
    after = [t.text for t in tokens[verb.end : verb.end + 1]]
    sized = len(resources) == 1 and any(
        v is not None for v in (resources[0].cores, resources[0].memory_mb, resources[0].disk_gb)
    )
    pointed = after in (["it"], ["that"], ["this"], ["them"], ["each"], ["all"], ["both"], ["every"])  # "give each 1GB"
    return verb.lemma in {"make", "give", "add"} and pointed and sized


def _scale_to(tokens: list[Tok], start: int) -> int | None:
    for k in range(start, len(tokens)):
        value = tokens[k].integer
        if value is None:
            continue
        before = tokens[k - 1].text if k > 0 else ""
        after = tokens[k + 1].text if k + 1 < len(tokens) else ""
        if before == "to" or after in COUNT_WORDS:
            return value
    return None


def _direction(tokens: list[Tok]) -> Direction | None:
    words = {t.text for t in tokens}
    if words & {"down", "fewer", "less", "reduce", "shrink", "smaller", "cut", "downsize", "in"}:
        return "down"
    if words & {"up", "more", "out", "increase", "grow", "bigger", "add"}:
        return "up"
    return None


# A name given to what was just described: "and name it pg-core", "call it edge-1", "name is x", "named x".
_RENAMED = re.compile(
    r"(?:^|[,.;] |\b(?:and|but|then|please) |\bactually )(?:(?:re)?name|call) (?:it|them|that|this) (?:to |as )?"
    r"(?P<name>[a-z][\w.-]*)|"
    r"(?:^|[,.;] |\band )(?:the )?(?:host ?)?name (?:is|should be|will be|=|:) ?(?P<name2>[a-z][\w.-]*)"
)

_INTERJECTIONS = frozenset(
    {"no", "nope", "nah", "wait", "sorry", "oops", "i", "meant", "mean", "actually", "the", "one", "err", "uh"}
)


def _only_a_name(tokens: list[Tok]) -> bool:
    """ "no no no, db-2!": interjections and one name, the name meant instead (not "keep db-2 running")."""
    words = [t.text for t in tokens if not t.punct]
    names = [w for w in words if is_name(w)]
    # "no wait, wrong box. app-12": "wrong" and what it calls the thing belong to the interjection
    wrong = {k + 1 for k, w in enumerate(words) if w == "wrong" and k + 1 < len(words) and words[k + 1] not in names}
    return len(names) == 1 and all(
        w in _INTERJECTIONS or w == names[0] or w == "wrong" or k in wrong for k, w in enumerate(words)
    )


def _redirects(tokens: list[Tok]) -> bool:
    """ "no wait, not cache-02 — cache-03", "no, the other one": one name ruled out, another meant."""
    words = [t.text for t in tokens if not t.punct]
    names = [w for w in words if is_name(w)]
    ruled_out = any(w == "not" and k + 1 < len(words) and is_name(words[k + 1]) for k, w in enumerate(words))
    if len(names) == 2 and ruled_out:
        return True
    # "no wait, the other one — web-02", "no, the other one": the other of those meant, nothing cancelled
    other = "other" in words and len(names) <= 1
    return other and all(w in _INTERJECTIONS or w in names or w in {"other", "ones"} for w in words)


def _includes(tokens: list[Tok]) -> bool:
    """Whether a word narrows the request ("only web-2", "I meant"), not "the only copy"."""
    words = [t.text for t in tokens]
    return any(
        w in _INCLUDERS and not (w == "only" and k > 0 and words[k - 1] in {"the", "its", "my", "our", "an", "a"})
        for k, w in enumerate(words)
    )


def _of_some(tokens: list[Tok], verb: Verb) -> bool:
    """ "if I delete a vm that …", "if you stop any container": the act on some thing of a kind, none named."""
    after = [t.text for t in tokens[verb.end : verb.end + 2]]
    return bool(after) and after[0] in {"a", "an", "any"} and not any(is_name(t.text) for t in tokens)


def _indefinite(tokens: list[Tok], name: str) -> bool:
    """ "a zfs-backed disk": the name-like word describes some thing, after "a"/"an"."""
    return any(t.text == name and k > 0 and tokens[k - 1].text in {"a", "an"} for k, t in enumerate(tokens))


def _named_act(verb: Verb, tokens: list[Tok]) -> bool:
    """ "go ahead with the downsize": the act named after "with (the)" is the one waiting, not a new one."""
    before = [t.text for t in tokens[max(0, verb.start - 2) : verb.start]]
    return "with" in before
