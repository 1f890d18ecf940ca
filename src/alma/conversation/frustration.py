"""How frustrated the user sounds, 0..1, from the whole session (the newest message weighs most).

Each message scores its own signals, grouped so that one kind of signal counts once however often it
appears: shouting (words in capitals that are not acronyms; "NOW"), runs of "!!" / "??" / "?!",
profanity, masked or not ("f***ing", "sh!t", "wtf", "#$%!"), insults at the tool ("this garbage",
"useless"), panic ("customers can't log in", "prod is down"), urgency ("right now", "asap"),
exasperation and sarcasm ("ugh", "oh great"), and escalation — complaints that it happened before or
was not fixed ("still broken", "you said it was fixed", "third time", "I'm done with this"), and saying
the same thing again. Politeness and apologies take a little off.

The session's score carries the past forward and fades over calm turns: ``s = CARRY·s_prev + m``,
capped at 1, with ``FADE`` instead of ``CARRY`` from the second calm message in a row. The three calm lines
right after an outburst are still said in it (they keep at least ``FRUSTRATED``: "this is useless!!" … "ok
found it" … "hmm" … "roll it back" is blocked); a fourth is calm. Failed answers the
session recorded (``outcome: failed``) add to the newest message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from alma.conversation.english import COMMON_WORDS
from alma.conversation.lexicon import PARTICLES, VERBS
from alma.conversation.lexicon import words as word_list

CARRY = 0.8  # what the next message keeps of the score
FADE = 0.65  # ... from the second calm message in a row on
CALM = 0.2  # a message scoring less is calm
FRUSTRATED = 0.5  # from this score on, the user counts as frustrated
STREAK = 0.15  # a message scoring this much or more continues a run of complaints

_ACRONYMS = frozenset(
    word_list(
        "LXC LXCS VM VMS RAM CPU CPUS VCPU VCPUS HA DB DBS OOM GB MB TB GIB MIB API APIS IP IPS DNS SSH HTTP HTTPS "
        "TLS SSL OK ID IDS PVE K8S CT CTS SSD SSDS HDD NFS UI CLI URL JSON YAML AWS GCP LB LBS CI CD IPR US EU UTC "
        "TCP UDP OS NIC NICS VLAN VPN CDN SLA SRE DR QA UAT PROD DEV RHEL KVM LTS CPU GPU NVME ZFS CEPH SAN NAS "
        "ISO TTL VCPU SQL CRM ERP SMTP IMAP LDAP SSO ACL RBAC PR IT TV AM PM FYI ETA ASAP TBD AI ML"
    )
)
_PROFANITY = re.compile(
    r"\b(f+u+c*k+\w*|f[*@#$%!]+\w*|fu\*+\w*|f\*+c?k?\w*|fck\w*|fk+\w*|fuk\w*|effing|eff(?:ing)? (?:this|it)|"
    r"frigg?in\w*|freakin\w*|frickin\w*|sh[i*!1]+t\w*|s\*+t\w*|\$h[i!1*]t\w*|shite?|crap\w*|damn\w*|dammit|"
    r"goddamn?\w*|bloody|hell|heck|wtf|wth|ffs|for f'?s sake|"
    r"fml|omfg|stfu|jfc|smh|bs|bullsh\w*|b[u*]llsh\*+\w*|piss\w*|arse\w*|"
    r"a[s*$]{2}(?:hole)?|b[i*!]tch\w*|bastard\w*|screw (?:this|it|you|that)|sucks?|sucky|pos|"
    r"piece of (?:crap|junk|garbage|trash|sh\S*)|f (?:this|that|it|me|off|you))\b|[a-z]\*{2,}[a-z]*|(?:[#$%@&]+!*){3,}"
)
_SIGNALS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(pattern), weight)
    for pattern, weight in (
        # exasperation and sarcasm
        (
            r"\b(ugh+|argh+|grr+|sigh|omg|jeez|geez|come on|seriously|oh (?:great|wonderful|perfect|fantastic|"
            r"brilliant|lovely|sure|joy)|just (?:great|perfect|wonderful|fantastic)|thanks for nothing|thanks a lot|"
            r"great job|nice one|well done|love (?:that|this) for me|you had one job|are you (?:kidding|serious|"
            r"joking)|unbelievable|of course it (?:is|did|does|has)|typical|whatever|who cares|cool cool|"
            r"are you even|for the love of|for (?:god|christ|pete|heaven)'?s sake|good grief|i beg you|"
            r"out of patience|lost (?:my|all) patience|patience is|for crying out loud|oh come on|how hard can it be|"
            r"why is this so hard|are you serious|you are kidding|can you not|not again|here we go again|"
            r"jesus|christ|sigh+|facepalm|i swear|as usual|classic|because that worked|worked so well|"
            r"of course it (?:did|does|is)|bleeding (?:money|customers)|what a (?:mess|nightmare|disaster))\b|"
            # resignation: "great, just delete everything then", "fine, just reboot it then", "ok whatever, wipe it"
            r"\b(?:great|fine|perfect|wonderful|brilliant|fantastic|ok fine|okay fine|alright then|sure),? (?:then,? )?"
            r"just \w+(?: \S+){0,4} then\b|\b(?:worst|longest|horrible|terrible|awful) (?:day|week|month|night|year)\b",
            0.25,
        ),
        # insults at the tool, despair
        (
            r"\b(ridiculous|useless|stupid|dumb|idiot\w*|pathetic|terrible|awful|horrible|garbage|trash|junk|"
            r"hopeless|worthless|incompetent|annoying|infuriating|insane|absurd|(?:is|what|such) a joke|the worst|"
            r"nonsense|broken (?:tool|bot|piece)|what is wrong with you|are you broken|do your job|(?:can|could) ?not "
            r"believe|can't believe|over and over|again and again|every single time|stupid (?:bot|tool|thing)|"
            r"nothing works|never works|waste of time|wasting my time)\b",
            0.3,
        ),
        # ... said to the tool's face: "you're worthless", "you are so useless"
        (
            r"\byou(?: are| r|'re|re| are so| are really) (?:\w+ )?(?:useless|worthless|pathetic|stupid|dumb|"
            r"hopeless|incompetent|garbage|trash|"
            r"a joke|an idiot|the worst|no help|no use)\b|\b(?:taking|takes|took) (?:forever|ages)\b|"
            r"\b(?:useless|stupid|dumb|worthless|pathetic|broken|crappy|lousy) (?:bot|tool|thing|ai|assistant|program|"
            r"software|machine)\b|\bthis (?:garbage|trash|junk|crap|piece of)\b|\b(?:swear to god|i swear)\b|"
            # the same insult said as a sentence: "this tool is useless", "your bot is a joke"
            r"\b(?:this|the|your|that) (?:bot|tool|thing|ai|assistant|program|software|system|app|crap) (?:is|was) "
            r"(?:so |completely |totally |utterly |absolutely )?(?:useless|worthless|pathetic|stupid|garbage|trash|"
            r"hopeless|a joke|broken)\b|"
            r"\bwhatever,? just\b|\b(?:been|sat|stuck) (?:at|on|with) (?:this|it) (?:for|all)\b|"
            r"\bworst (?:tool|bot|thing|software|service|product)\b",
            0.35,
        ),
        (
            r"\b(sick of|fed up|hate|tired of|enough of|over it|lost patience|"
            r"do not care anymore|don't care anymore|just do it|"
            r"i am losing it|losing my patience|enough already|had it with)\b",
            0.35,
        ),
        # giving up on the tool: the strongest sign short of cursing
        (
            r"\b(i give up|giving up|i am done|i'm done|i am so done|so done|done with (?:this|it|you)|i quit|"
            r"had enough|enough is enough|last straw|losing my mind|at my wits|screw it|i have had it|unacceptable|"
            r"(?:can't|cannot|can not|cant) (?:deal|cope|take (?:it|this|any ?more)|handle (?:it|this)|do this)"
            r"(?: with (?:this|it|you))?(?: any ?more)?|never ?mind,? i'?(?:ll| will)|"
            r"i'?(?:ll| will) (?:do|build|fix|set up) (?:it|this|my own|one) (?:myself|my ?self)?|"
            r"i'?(?:ll| will) (?:do|build|fix|set|handle|sort) (?:it|this|that)(?: up| out)? (?:myself|my ?self))\b",
            0.5,
        ),
        # "forget it": letting go of something, angry or not ("eh forget it, stop mc-server, the kids sleep")
        (r"\bforget (?:it|about it)\b", 0.25),
        # escalation: it happened before, it was not fixed
        (
            r"\bstill (?:broken|down|dead|failing|crashing|not|no|nothing|the same|slow|stuck|blank|erroring|"
            r"isn'?t|is not|hasn'?t|has not|won'?t|doesn'?t|does not|can'?t|waiting|pending)\b|"
            r"\b(?:asked|told you|said|requested|tried|begged)(?: \S+){0,6} (?:twice|three times|\d+ times|"
            r"(?:so )?many times|again and again)\b|"
            r"\b(?:after|for) (?:an|one|two|three|\d+) (?:hours?|days?)\b|\blast (?:time|chance|straw)\b|"
            r"\bnothing (?:you|works|helps|changed)\b|\btried (?:that|it|this|everything)\b|"
            r"\b(?:did not|didn't|does not|doesn't) (?:help|work|fix|change)\b|\bno luck\b|\bsame result\b|"
            r"\bin a row\b|\b(?:happening|happened|broken|broke|down|dead|died|failing|crashing|crashed|failed|hung|"
            r"froze|frozen|stuck|stopped|went down|fell over) again\b|"
            r"\bhello\s*\?|\bare you (?:there|even there|alive|listening|awake)\b|\banyone (?:there|home)\b",
            0.35,
        ),
        (
            r"\b(again|still|keeps?|kept|every time|once more|yet again|same (?:thing|problem|error|issue)|"
            r"(?:does|did|is) not work\w*|(?:didn't|doesn't|isn't) work\w*|not fixed)\b",
            0.15,
        ),
        (
            r"\b(already (?:told|said|asked)|told you|you said|you told me|you promised|supposed to be fixed|"
            r"(?:was|were|is) (?:supposed to|meant to) be|for the (?:last|third|fourth|hundredth|nth) time|"
            r"(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th)) (?:time|hour|day|night|week|attempt|try)|"
            r"how many times|for hours|"
            r"all (?:day|night|morning|week)|since (?:this morning|yesterday|last night|hours)|"
            r"since (?:an|one|two|three|\d+) (?:hours?|days?))\b",
            0.3,
        ),
        # urgency and panic
        (
            r"\b(right now|asap|immediately|now now|hurry|quickly|this instant|no time|do not have time|urgent\w*|"
            r"critical|emergency|right away|this minute|now!|"
            r"don't have time|before (?:my|the) boss)\b|\balready\W*$|\bjust \w+ (?:it|them|\S+) already\b",
            0.2,
        ),
        (
            r"\b(outage|on fire|panic\w*|help me|help!|losing (?:money|customers|data|sales|orders|revenue)|"
            r"(?:prod|production|everything|the site|the website|the app|checkout|payments?) (?:is|are) (?:down|dead|"
            r"broken|gone)|my boss is|boss is (?:yelling|furious|angry)|ceo is|incident|we are down|site is down|"
            r"(?:customers|users|clients|everyone|nobody|no one) (?:can not|cannot|can't|are unable|is unable|"
            r"are complaining|are screaming)|(?:prod|production|the site|the website|everything|the whole \w+) "
            r"(?:is|are) (?:down|dead|broken|on fire)|down for (?:hours|ages|days)|we are (?:losing|down|dead)|"
            r"sev ?1|p0|p1|(?:customers?|users?|clients?|people) (?:are |is )?(?:very |so |really |extremely |"
            r"getting |all )?(?:leaving|screaming|furious|angry|livid|on the phone|calling)|"
            # a catastrophe said plainly: "this is a disaster", "it's a catastrophe"
            r"(?:this|that|it) is (?:a |an |an absolute |a total |a complete )?(?:disaster|catastrophe|nightmare))\b",
            0.5,
        ),
    )
)
# Praise next to damage is sarcasm: "amazing. the backups are corrupt too".
_PRAISE = re.compile(r"\b(great|perfect|amazing|fantastic|wonderful|brilliant|awesome|lovely|superb|excellent|cool)\b")
_DAMAGE = re.compile(
    r"\b(corrupt\w*|broke\w*|ate|eaten|died|dead|crash\w*|down|lost|fail\w*|wiped|gone|deleted|"
    r"again|still|error\w*|destroyed|ruined|hosed)\b"
)
_THANKS = re.compile(r"\b(thanks|thank you|thx|ty|cheers|appreciate (?:it|that)|that helped|that did it)\b")
_POLITE = re.compile(r"\b(please|thanks|thank you|could you|would you|when you get a chance|if possible|no rush)\b")
_APOLOGY = re.compile(
    r"\b(sorry|apologi[sz]e|apologies|my bad|my mistake|calmer now|i calmed down|i have calmed down|"
    r"i'?ve calmed down|no worries|(?:i am|i'm|im) (?:better|calmer|fine|ok|okay|good) now)\b"
)
# The trouble is over: its panic words ("the outage is over", "false alarm") are no longer panic.
_RESOLVED = re.compile(
    r"\b(false alarm|(?:outage|incident|it|that|this|everything|prod|production|the site) (?:is|are) (?:now )?"
    r"(?:over|resolved|fixed|back)|(?:is|are) (?:fine|ok|okay|good) now|"
    r"(?:is|are) back (?:up|online|to normal)|all good now|(?:everything|it|that)'?s (?:fine|ok|okay|good) now|"
    r"back to normal|resolved now|panic over)\b"
)
_CALMING = re.compile(
    r"\b(no panic|do not panic|don't panic|no rush|no hurry|not urgent|no stress|whenever you can|"
    r"when you get a chance|no worries)\b"
)
# A fix that did not hold, thrown back at the tool: escalation, never a resolution.
_BROKEN_PROMISE = re.compile(
    r"\b(you|u) (said|told me|promised|claimed|swore)\b|\b(supposed|meant) to be (fixed|working|resolved)\b|"
    r"\bnothing (you|i) (\w+ )?(works|worked|helps|helped|fixed|fixes)\b|"
    r"\bdo i (have|need) to (ask|say|tell|repeat|beg)\b"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'*-]*")
# Faces and symbols people use for anger, despair and alarm.
_ANGRY_EMOJI = re.compile(
    "[\U0001f620\U0001f621\U0001f624\U0001f92c\U0001f62b\U0001f629\U0001f480\U0001f92f"
    "\U0001f631\U0001f644\U0001f525\U0001f6a8\U0001f4a2\u2620]"
)


_SHOUTED_SHORT = frozenset(word_list("wtf omg ffs fml pls plz dead kill now why fix"))


def _acronym(word: str) -> bool:
    """ "FTP", "HPA", "PVC": letters that stand for a name, not a word said loudly ("STOP", "NOW", "WHY") —
    a short capitalised word that is no English word nor a verb of ours."""
    bare = word.strip("'").upper()
    if bare in _ACRONYMS:
        return True
    lowered = bare.lower()
    said = lowered in COMMON_WORDS or lowered in VERBS or lowered in PARTICLES or lowered in _SHOUTED_SHORT
    return len(bare) <= 4 and not said


def message_score(text: str) -> float:
    """The frustration one message shows on its own, 0..1."""
    lowered = text.lower()
    score = 0.0
    words = _WORD.findall(text)
    letters = [w for w in words if sum(ch.isalpha() for ch in w) >= 2]
    shouted = [w for w in letters if w.isupper() and not _acronym(w) and not any(ch.isdigit() for ch in w)]
    if shouted:
        share = len(shouted) / max(1, len(letters))
        score += 0.5 if len(shouted) >= 2 or share >= 0.5 else 0.3  # "DELETE IT": shouting
        if any(w in {"NOW", "NOW!", "STOP", "ASAP", "PLEASE"} for w in shouted):
            score += 0.2
    if re.search(r"!{3,}|[!?]{4,}", text):
        score += 0.5
    elif re.search(r"[!?]{2,}|!\s+!", text):
        score += 0.3
    elif text.count("!") >= 1:
        score += 0.05 * min(2, text.count("!"))
    if _ANGRY_EMOJI.search(text):
        score += 0.5
    if _PROFANITY.search(lowered):
        score += 0.65
    for pattern, weight in _SIGNALS:
        if pattern.search(lowered):
            score += weight
    if _BROKEN_PROMISE.search(lowered):
        score += 0.25  # on top of "you said": the tool's own word, broken
    if _PRAISE.search(lowered) and _DAMAGE.search(lowered):
        score += 0.3
    if _RESOLVED.search(lowered) and not _BROKEN_PROMISE.search(lowered):
        score = max(0.0, score - 0.3)
    if _CALMING.search(lowered):
        score = max(0.0, score - 0.5)  # "urgent-ish but no panic": said calmly
    if _APOLOGY.search(lowered):
        score = max(0.0, score - 0.3)
    elif _POLITE.search(lowered) and score < 0.3:
        score = max(0.0, score - 0.1)
    return min(1.0, round(score, 3))


def session_score(messages: Sequence[str], failures: int = 0) -> float:
    """The session's frustration after ``messages`` (oldest first, the newest last), 0..1."""
    score = 0.0
    calm = 0  # calm messages in a row
    soothed = False  # the user said the outburst is over (an apology, "all good now")
    complaints = 0  # messages in a row that each show some frustration
    for index, text in enumerate(messages):
        own = message_score(text)
        if any(_similar(text, earlier) for earlier in messages[max(0, index - 5) : index]):
            own += 0.3  # saying the same thing again
        lowered = text.lower()
        apology = _APOLOGY.search(lowered) is not None
        if own >= FRUSTRATED:
            soothed = False  # a new outburst
        elif apology or _RESOLVED.search(lowered) or _CALMING.search(lowered) or _THANKS.search(lowered):
            soothed = True  # "sorry", "I'm better now", "everything's fine now", "thanks": the outburst is over
        if apology:
            score *= 0.5  # "sorry, I was frustrated": the past weighs less
        complaints = complaints + 1 if own >= STREAK else 0
        if complaints > 1:
            own += min(0.3, 0.1 * (complaints - 1))  # complaint after complaint: escalation, even in mild words
        calm = calm + 1 if own < CALM or (apology and own <= CALM) else 0
        kept = (CARRY if calm <= 1 else FADE) * score
        if 1 <= calm <= 3 and score >= FRUSTRATED and not soothed:
            kept = max(kept, FRUSTRATED)  # the three lines right after an outburst are still said in it
        score = min(1.0, kept + own)
    if messages:
        score = min(1.0, score + 0.15 * min(failures, 4))
    return round(score, 2)


# Names and numbers: "lp-a", "web-01", "104". Two messages that differ in them ask about different things.
_NAMES = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)+|[a-z]*\d[a-z0-9]*")


def _similar(a: str, b: str) -> bool:
    """The same message again: "deploy nginx container lp-a" then "… lp-b" is a second request, not a repeat."""
    a, b = a.lower().strip(), b.lower().strip()
    if set(_NAMES.findall(a)) != set(_NAMES.findall(b)):
        return False
    return len(a) > 8 and SequenceMatcher(None, a, b).ratio() >= 0.85
