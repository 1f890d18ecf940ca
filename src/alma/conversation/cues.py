"""Destructive cues, found without the grammar: the guard's second pair of eyes, which fails closed.

The grammar decides what a sentence asks for; this module only asks whether the sentence *could* ask
to remove, interrupt or reduce something — deleting, stopping, restarting, rolling back, shrinking,
losing data — and whether that is aimed at "everything". It reads word stems and short phrases, so
forms it has never seen ("nuking", "decomm", "scale it back") still count, and it never depends on the
grammar having understood the sentence. The guard (``ConversationService``) uses it so that a reading
it cannot trust — ``unknown``, low confidence, or a harmless intent next to a second, destructive
clause — is confirmed, never allowed.

A cue is *live* when it is a request: not negated ("don't delete"), not a description ("it keeps
restarting", "the vm I deleted"), not a question about the act ("what happens if I delete db-01?",
"would shrinking it hurt?", "how do I remove…"). A polite request is still a request ("can you delete
web-01?"), and so is wanting a state ("I want it gone", "get it shut down").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from alma.conversation.english import COMMON_WORDS
from alma.conversation.lexicon import PARTICLES, misspelling_of
from alma.conversation.text import normalize

# An amount taken away: "4GB less", "2 cores fewer" (also read by the parser: a resize that shrinks).
AMOUNT_LESS = r"\d+(?:\.\d+)? ?(?:[kmgt]i?b?|gigs?|megs?|cores?|v?cpus?|replicas?|instances?|pods?) (?:less|fewer)"

CueKind = Literal["delete", "stop", "restart", "rollback", "shrink", "data-loss", "everything"]

_TIMES = (
    r"(?:morning|afternoon|evening|night|day|days|week|weeks|weekend|month|year|time|hour|hours|minute|sprint|shift)\b"
)
_B = r"(?<![a-z0-9-])"  # a word starts here (names like web-01 are one word)
_E = r"(?![a-z0-9-])"
_PATTERNS: tuple[tuple[CueKind, str], ...] = (
    (
        "delete",
        r"delete|del|deletion|remove|removal|rm|destroy|destruction|nuke|wipe(?: out)?|purge|drop|trash|scrap|"
        r"erase|obliterate|uninstall|deprovision|decommission|decomm|decom|terminate|termination|yeet|"
        r"tear (?:\S+ ){0,3}?down|teardown|get rid of|blow (?:\S+ ){0,2}?away|kill off|retire|axe|ditch|zap|"
        r"bin (?:it|them|that|the \S+|[a-z]+-[a-z0-9-]+)|clean (?:\S+ ){0,2}?(?:up|out)|clear (?:\S+ ){0,2}?out|"
        r"prune|evict|"
        r"(?:make|let) (?:it|them|\S+) (?:go away|disappear)|get (?:\S+ ){0,3}?off (?:the |this |our |my )?\S+|"
        r"(?:it|that|this|they|those|these|one|ones|[a-z]+-[a-z0-9-]+) can "
        r"(?:go(?! (?:ahead|on|to|back|through|up|live|forward))|"
        r"be (?:deleted|removed|dropped|gone))|"
        r"(?:docker[- ])?compose (?:\S+ )?down|toss|cull|chuck|scrub|demolish|dismantle|offboard|"
        r"take (?:\S+ ){0,3}?out|un(?:deploy|provision|register|publish|enroll|list)\w*|"
        r"de(?:register|list|activate|provision)\w*|throw (?:\S+ ){0,3}?(?:away|out)|eol|end[- ]of[- ]life|"
        r"lose (?:the|that|this|those|these|our|my) (?!data|state|contents?|files)\S+|"
        r"let (?!(?:me|us|you)\b)(?:\S+ ){1,2}?go(?! (?:ahead|on|to|through))|"
        r"(?:do not|will not|no longer|never) (?:be )?(?:need|needing|use|using) (?:\S+ ){0,3}?"
        r"(?:anymore|any more|any longer)|"
        r"(?:(?:is|are) )?no longer (?:need|needed|used|in use|required)|"
        r"(?:has to|have to|needs to|need to|must|should|can) go(?: away)?"
        r"(?! (?:ahead|on|to|back|through|up|live|forward|with|for|and|check|see|look))|"
        r"bye[- ]bye|say goodbye to|goodbye to|say bye to|"
        r"(?:[a-z]+-[a-z0-9-]+|it|that|this|they) (?:goes|go|is going|are going|will go|has to go|should go) away|"
        r"(?:if|when|once|until|want|like|need|prefer) (?:\S+ ){0,3}?(?:was|were|is|be|to be) gone|"
        r"(?:did|does|would|do) not exist any ?more|(?:there is )?no (?:reason|need|point) (?:to|in) keep(?:ing)?|"
        r"(?:want|need|get|have|like) (?:it|them|\S+) (?:gone|deleted|removed|destroyed|nuked|wiped)",
    ),
    (
        "stop",
        r"stop|halt|unplug|shutdown|shut(?! up)|"
        r"shut (?:\S+ ){0,2}?(?:down|off)|power(?:ed)? (?:\S+ ){0,2}?(?:off|down)|poweroff|"
        r"turn (?:\S+ ){0,2}?off|switch (?:\S+ ){0,2}?off|take (?:\S+ ){0,3}?(?:down|offline)|kill|suspend|pause|"
        r"drain|mothball|disconnect|isolate|quarantine|unmount|knock (?:\S+ ){0,2}?offline|"
        r"put (?:\S+ ){0,2}?offline|put (?:\S+ ){0,2}?to sleep|park|freeze|hibernate|evacuate|"
        r"close (?:\S+ ){0,3}?down|"
        r"(?:disable|deactivate) (?:the |that |this )?(?:[a-z]+-[a-z0-9-]+|vms?|containers?|lxcs?|servers?|services?|"
        r"box|node|host)|(?:^|please |just |now )end (?:the|that|this|it)|"
        r"bring (?:\S+ ){0,2}?offline|spin (?:\S+ ){0,2}?down|pull the plug|"
        r"out of (?:rotation|service|the pool|the load balancer)|"
        r"(?:want|need|get|have|like) (?:it|them|\S+) (?:stopped|shut down|turned off|powered off|offline)",
    ),
    (
        "restart",
        r"restart|reboot|bounce|recycle|respawn|power[- ]?cycle|cycle|reload|kick (?:it|them|the \S+)|"
        r"give (?:\S+ ){0,3}?(?:a|another) (?:quick |good |little )?"
        r"(?:kick|nudge|poke|kickstart|bounce|restart|reboot)|"
        # Kubernetes: "roll the pods of auth-svc" replaces every pod (not "roll out", a deploy)
        r"roll (?:the |all |its |their |every )?(?:\S+ )?(?:pods?|replicas|containers|workers|nodes|deployment)|"
        r"(?:want|need|get|have|like) (?:it|them|\S+) (?:restarted|rebooted|bounced)",
    ),
    (
        "rollback",
        r"roll ?back|rollback|roll (?:it|them|that|this|\S+-\S+) back|revert|undo|restore|downgrade|"
        r"go back to (?:the )?(?:previous|last|old|older|earlier|prior)|put (?:\S+ ){0,4}?back(?! up to \d)|"
        # "go back one version on checkout-api", "two releases back"
        r"go back (?:(?:one|a|two|three|\d+) )?(?:version|release|revision|deploy(?:ment)?|build|step)s?|"
        r"(?:one|a|two|three|\d+) (?:version|release|revision|deploy(?:ment)?|build)s? back|"
        r"back (?:one|a|two|three|\d+) (?:version|release|revision|deploy(?:ment)?|build)s?|"
        r"(?:take|bring|get|set|switch|change|move|pin|flip|turn) (?:\S+ ){0,4}?back to|back (?:\S+ ){0,3}?out|"
        r"give (?:me |us )?(?:\S+ ){0,2}?(?:old|previous|last|earlier|prior) (?:\S+ ){0,2}?back|"
        r"(?:previous|prior|last|older|earlier|old) (?:version|release|revision|build|image|config)",
    ),
    (
        "shrink",
        r"shrink|downsize|downscale|scale (?:\S+ ){0,3}?(?:down|in|back(?! up))|reduce|reduction|decrease|lower|"
        r"trim|halve|"
        r"cut (?:\S+ ){0,3}?(?:down|back|to)|cut|smaller|take (?:\S+ ){0,3}?away|one less|minus \S+|sunset|"
        r"deallocate|free (?:\S+ ){0,2}?up|give (?:\S+ ){0,3}?back|squeeze|cap (?:\S+ ){1,4}?at|"
        r"limit (?:\S+ ){1,4}?to|reclaim|"
        r"release (?:the |its |their )?(?:\S+ )?(?:resources|capacity|memory|cpus?|space)|"
        r"lose (?:a|one|two|three|\d+) (?:replicas?|instances?|nodes?|workers?|pods?|cores?|vcpus?|cpus?)|"
        r"(?:fewer|less) (?:\S+ )?(?:memory|ram|cpus?|vcpus?|cores?|disk|storage|space|replicas?|instances?|"
        r"nodes?|copies|capacity|workers?|servers?|containers?|pods?)|"
        r"(?:only|just) (?:need|needs|want) (?:one|1|a single|two|2) (?:replicas?|instances?|nodes?|copies|pods?)|"
        r"(?:bring|take|drop|go|scale|set|cut|put|knock|dial) (?:\S+ ){0,4}?(?:down )?to (?:0|1|one|zero|a single|"
        r"just one|only one|a couple|two|2)(?: \S+)?|"
        # "down to 2GB, it currently has 4", "…and down to 3 replicas": a new, lower amount
        r"(?:^|, |and |then |so |ok |okay )down to (?:\d[a-z0-9.]*|one|two|three|four|a single|half)|"
        # "resize the nas-data disk down to 1TB": any change said to go down to an amount
        r"(?:resize|resizing|resized|size|set|change|move|bring|take|drop|knock|dial|turn|shift|adjust) "
        r"(?:\S+ ){0,4}?down to|" + AMOUNT_LESS,
        # "give the plex vm 4GB less", "2 cores fewer", "3 pods fewer": an amount taken away
    ),
    (
        "data-loss",
        r"re-?install|re-?create|re-?build|re-?image|re-?provision|re-?deploy|re-?format|format|factory reset|reset|"
        r"flush|truncate|overwrite|replace|zero (?:\S+ ){0,3}?out|"
        r"detach (?:the |its )?(?:\S+ )?(?:volume|disk|drive|storage)|"
        r"clear (?:the |all |its |every )?(?:\S+ )?(?:cache|caches|queues?|logs|data|"
        r"tables?|buckets?|volumes?)|start (?:over|fresh)|from scratch|fresh install|"
        r"(?:do not|dont|never) care about (?:\S+ ){0,2}?(?:data|contents?|state|volumes?|files)|"
        r"lose (?:\S+ ){0,2}?(?:data|contents?|state|files)",
    ),
    (
        "everything",
        # (not a stretch of time: "the whole morning", "every day", "the entire weekend")
        r"everything|every (?:single )?(?!" + _TIMES + r")\S+|all of (?:it|them|those|these)|"
        r"the (?:whole|entire) (?!" + _TIMES + r")\S+|entire (?!" + _TIMES + r")\S+|"
        r"all (?:the |my |our |of the )?(?:vms|containers|lxcs|resources|servers|stacks|instances|machines|nodes|"
        r"services|databases|guests|boxes|pods|apps)",
    ),
)
_CUE = re.compile("|".join(f"(?P<{kind.replace('-', '_')}>{_B}(?:{p}){_E})" for kind, p in _PATTERNS))
_NEGATOR = re.compile(
    r"(?:^|\s)(?:not|never|no need to|without|nobody|no one|stop trying to|refrain from|avoid)(?:\s+\S+){0,3}\s*$"
)
_DESCRIBED = re.compile(r"(?:^|\s)(?:was|were|been|being|has|have|had|got|is|are|did|does|keeps?|kept)\s+(?:\S+\s+)?$")
# A question about an act, not a request for it (the whole sentence up to the cue).
_ASKING = re.compile(
    r"^(?:\S+ )?(?:what|how|why|when|which|where|would|should|could i|can i|may i|do i|does|is it|is that|"
    r"are there|will it|will that|would it|if i|if we|if you|is there|should we|can we safely|do you think|"
    r"(?:am i|are we|is it) (?:allowed|supposed|permitted|able) to|do we (?:need|have) to|"
    r"(?:could|would|will|does|do|can|is|are|might) (?!(?:every|any|some|no)?thing\b)[a-z]+ing\b|"
    r"when i|when we|when you|before i|before we|once i|after i|question|what is the (?:best|right|safest) way)\b|"
    r"\bwhat-if\b|\bwhich (?:\S+ ){1,3}?(?:would|will|could|might)\b|\b(?:if|before|once|when) (?:i|we)\b|"
    r"\b(?:if|before|once|when) you\b(?! (?:could|can|would|please|do not mind|don't mind|get a|have a))|"
    r"\bwhat (?:would|will|could|might) happen\b|\bwhat happens\b|\bwhat if\b|\bis it (?:safe|ok|okay|possible)\b|"
    r"\bis (?:it )?(?:safe|wise|risky|dangerous) to\b|"
    r"\bhow (?:do|can|should|would|could) (?:i|we|you|one)\b|\bhow to\b|\bdifference between\b|"
    r"\bwould (?:\S+ ){0,4}?(?:hurt|break|affect|impact|lose|cause|matter|be (?:safe|ok|bad|risky))\b|"
    r"\b(?:dry[- ]?run|preview|simulate|simulation)\b|\bwithout (?:actually )?(?:doing|running|applying)\b"
)
_POLITE_REQUEST = re.compile(
    r"^(?:it |that )?would be (?:great|nice|good|awesome|ideal|helpful|perfect|best)\b|"
    r"^(?:\S+ )?(?:can|could|would|will) you\b|^(?:\S+ )?(?:could|can) we\b|^(?:please|pls|plz|kindly)\b|"
    r"^i (?:need|want) you to\b|^(?:\S+ )?(?:i|we) would (?:like|love|prefer|want|rather)\b|"
    r"^(?:\S+ )?would it be possible to\b|^(?:\S+ )?would you mind\b|^(?:\S+ )?do you mind\b|"
    r"^(?:\S+ )?why (?:do not|don't) (?:you|we)\b|^(?:\S+ )?(?:how|what) about\b|"
    r"\bis it (?:ok|okay|alright|fine|possible) (?:if|for) you\b|\bif you (?:could|can|would|please)\b|"
    r"^(?:\S+ )?(?:shall|should) (?:you|i) go ahead\b"
)
_POLITE_ANYWHERE = re.compile(
    r"\b(?:if|whether) you (?:could|can|would|might)\b|\bwondering if\b|\bis it possible (?:that|for) you\b|"
    # "when you get a chance could you please decommission rpt-01?": the request right before the act
    r"\b(?:could|can|would|will) you(?: please| kindly| just| maybe| also)?\s*$|"
    r"\bis it (?:ok|okay|alright|fine) (?:if|for) you\b|\bif you (?:could|can|would|please)\b"
)
_WHY_NOT = re.compile(
    r"\bwhy (?:do|do not|not) (?:not )?(?:you|we)\s+(?:just\s+)?$|"
    r"\b(?:can|could|will|would) not (?:you|we)\s+(?:just\s+|please\s+|simply\s+)*$"  # "can't you just bin it"
)
# A cue word that modifies a noun names a setting or a thing, not an act: "the restart policy", "a stop signal".
_NOUN_AFTER = re.compile(
    r"\s+(?:policy|policies|loop|loops|count|counter|button|script|hook|hooks|timeout|signal|protection|window|"
    r"schedule|settings?|behaviou?r|job|jobs|log|logs|history|order|time|times)\b"
)
_ASKED_OF_YOU = re.compile(
    r"\b(?:can|could) (?:i|we) saf(?:e?ly|ley)\b|"  # "could we safely stop it?": whether it is safe, not a request
    r"\b(?:tell me|let me know|know|check|find out|explain) (?:if|whether|how|why|what)\b|"
    r"\bis it (?:safe|ok|okay|wise|risky|dangerous|possible)\b(?! (?:that|for) you)"  # "is it possible for you to…"
)
# "restart nothing": the act, with nothing to act on.
_NOTHING_AFTER = re.compile(r"\s+(?:nothing|none)\b")
# What can be reset or rebuilt without losing anything: "reset the admin password", "rebuild the search index".
_HARMLESS_OBJECT = re.compile(
    r"(?:\s+[^\s,.;!?]+){0,3}?\s+(?:password|passwords|passphrase|token|tokens|credentials|index|indices|indexes|"
    r"certificates?|certs?|counters?|stats|statistics|timer|timers|alert|alerts)\b"
)
# A removal of metadata only: "remove the 'deprecated' tag from web-01", "drop the env=staging label".
_METADATA_OBJECT = re.compile(r"(?:\s+[^\s,.;!?]+){0,3}?\s+(?:tags?|labels?|annotations?)\b(?!\s+(?:and|,))")
# "stop worrying", "stop asking me": an activity of the conversation ceases, not a resource.
_CEASING = re.compile(r"\s+(?!(?:every|any|some|no)thing\b)[a-z]{3,}ing\b")
# The person stopping, not a thing: "thanks, stopping here for today", "let's stop there".
_PAUSING = re.compile(r"\s+(?:here|there|for (?:now|today|tonight|the day|the night)|at that|at this point)\b")
# Acts whose misspellings still count: the lemmas a typo is matched against (few, so matching stays cheap).
_TYPO_LEMMAS = (
    "delete", "remove", "destroy", "nuke", "wipe", "purge", "terminate", "decommission", "uninstall", "erase",
    "stop", "halt", "shutdown", "kill", "suspend", "drain", "restart", "reboot", "rollback", "revert", "restore",
    "shrink", "downsize", "reduce", "decrease", "reinstall", "recreate", "rebuild", "format", "truncate",
)  # fmt: skip
_WORDS = re.compile(r"(?<![a-z0-9-])[a-z]{3,}(?![a-z0-9-])")
# A request said in the passive: "X should be removed", "X can be turned off now", "X needs to be rebooted".
_PASSIVE = re.compile(
    r"\b(?:should|must|can|could|needs? to|has to|have to|ought to|shall|is to|are to) "
    r"(?:now |just |all |also |really )?"
    r"(?:be|get) (?P<verb>[a-z]+(?:ed|en|wn|ut))(?: (?P<particle>down|off|back|out|away))?\b"
)
_IRREGULAR_PARTICIPLES = {"shut": "shut", "taken": "take", "torn": "tear", "thrown": "throw", "blown": "blow"}
# "go from 8GB to 4GB", "from 4 cores to 2": a new size below the old one.
_FROM_TO = re.compile(r"\bfrom (?P<a>\d+(?:\.\d+)?) ?(?P<ua>[a-z]+)? to (?P<b>\d+(?:\.\d+)?) ?(?P<ub>[a-z]+)?")
_SCALE = {"t": 1024.0**2, "tb": 1024.0**2, "tib": 1024.0**2, "g": 1024.0, "gb": 1024.0, "gib": 1024.0,
          "gig": 1024.0, "gigs": 1024.0, "m": 1.0, "mb": 1.0, "mib": 1.0}  # fmt: skip
# A condition, then the command: "when the backup finishes, …", "as soon as it is idle, …".
_CONDITION_THEN = re.compile(
    r"^(?:(?:ok|so|and|then|please)[, ]+)?(?:when|once|after|as soon as|if|whenever|before) "
    r"(?!(?:i|we)\b)[^,:]+[,:]?\s*(?:(?:please|just|then|go ahead and|pls)\s*)?$"
)
# A proposal in statement order (subject, then the modal): "we should restart it", "prob should reboot x".
_PROPOSAL = re.compile(
    r"^(?:(?:ok|so|hmm|yeah|well)[, ]+)?(?:i|we|you|prob|probably|maybe|perhaps|i guess we|i think we|guess we|"
    r"we really|we probably|we prob) (?:should|ought to|need to|have to|must)(?:\s+just)?\s*$"
)
# What may open an imperative clause after a remark: "…, just delete it", "…: please restart it".
_IMPERATIVE_OPENING = re.compile(
    r"(?:(?:just|please|pls|plz|now|so|then|ok|okay|and|simply|go ahead and|right now|already)\s*)*"
)
_OPINION = re.compile(
    r"(?:\bthoughts|\bopinions?|\bwhat do you think|\bwdyt|\bgood idea|\bbad idea|\bsound (?:ok|okay|good|right)|"
    r"\bmake sense|\bworth it|\byes or no)\s*\?+\s*$"
)
_SENTENCE = re.compile(r"[.!?;\n]+")
_PROPOSED_GERUND = re.compile(
    r"\b(?:about|consider|considering|suggest|recommend|try|start|mind|worth)\s+(?P<word>[a-z]{2,}ing)\b"
)
# Also after a colon or a comma: incident-channel style announces what is being done ("action: reverting
# payments-api to 4.1", "reporting-ui broken after the release, rolling back reporting-ui").
_OPENING_GERUND = re.compile(r"(?:^|[.!?;:,\n]\s*)(?:(?:ok|so|now|just|and)[, ]+)?(?P<word>[a-z]{2,}ing)\b")
_NEXT_WORD = re.compile(r"\s+(\S+)")


@dataclass(frozen=True, slots=True)
class Cue:
    """A destructive cue: what it is, the words, where (in the normalised text), and whether it asks."""

    kind: CueKind
    words: str
    start: int
    live: bool


# The sarcasm tag "/s" at the end of a message: what it marks is said not to be meant ("sure, just delete
# everything, that will fix it /s"). Only the explicit tag counts; irony without it is still heard.
_SARCASM_TAG = re.compile(r"(?:^|\s)/s\W*$")


def sarcastic(text: str) -> bool:
    """Whether ``text`` ends with the sarcasm tag "/s": nothing in it is asked for."""
    return _SARCASM_TAG.search(text.strip().lower()) is not None


def cues(text: str) -> list[Cue]:
    """Every destructive cue in ``text`` (text after a prompt injection is not read, as by the grammar)."""
    normalized, _ = normalize(text)
    found: list[Cue] = []
    for match in _CUE.finditer(normalized):
        kind = next(k for k, v in match.groupdict().items() if v is not None).replace("_", "-")
        live = _live(normalized, match.start()) and not _NOUN_AFTER.match(normalized, match.end())
        live = live and not _NOTHING_AFTER.match(normalized, match.end())
        ceasing = _CEASING.match(normalized, match.end()) or _PAUSING.match(normalized, match.end())
        live = live and not (kind == "stop" and ceasing)
        live = live and not (kind == "data-loss" and _HARMLESS_OBJECT.match(normalized, match.end()))
        live = live and not (kind == "delete" and _METADATA_OBJECT.match(normalized, match.end()))
        live = live and not _reported(normalized, match.start(), match.end())
        found.append(Cue(kind, match.group(), match.start(), live))  # type: ignore[arg-type]
    for passive in _PASSIVE.finditer(normalized):  # "legacy-x should be removed", "web-4 can be turned off"
        passive_kind = _participle_kind(passive.group("verb"), passive.group("particle") or "")
        if passive_kind is not None:
            found.append(Cue(passive_kind, passive.group(), passive.start(), _live(normalized, passive.start())))
    for typed in _WORDS.finditer(normalized):  # "shrinnk db-1", "plz kil web-3": misspelt acts are acts
        word = typed.group()
        if word in COMMON_WORDS or _CUE.fullmatch(word) or any(c.start == typed.start() for c in found):
            continue
        if word.endswith(("ed", "ing", "es", "er", "s")):
            continue  # "deleted", "removes": a description, not a misspelt command
        meant = misspelling_of(word, _TYPO_LEMMAS) if len(word) >= 4 else _short_typo(word)
        whole = _CUE.fullmatch(meant) if meant is not None else None
        if whole is not None:
            kind = next(k for k, v in whole.groupdict().items() if v is not None).replace("_", "-")
            found.append(Cue(kind, word, typed.start(), _live(normalized, typed.start())))  # type: ignore[arg-type]
    for resized in _FROM_TO.finditer(normalized):
        if _smaller(resized):
            found.append(Cue("shrink", resized.group(), resized.start(), _live(normalized, resized.start())))
    for opening in [*_OPENING_GERUND.finditer(normalized), *_PROPOSED_GERUND.finditer(normalized)]:
        # "nuking old-ci tonight", "think about removing cache-old": the act, said as a gerund
        word = opening.group("word")
        following = _NEXT_WORD.match(normalized, opening.end("word"))
        particle = f" {following[1]}" if following is not None and following[1] in PARTICLES else ""
        for stem in (word[:-3], word[:-3] + "e", word[:-4]):
            whole = _CUE.fullmatch(stem) or (_CUE.fullmatch(stem + particle) if particle else None)  # "rolling back"
            if whole is not None:
                kind = next(k for k, v in whole.groupdict().items() if v is not None).replace("_", "-")
                live = not opinion_asked(normalized[opening.start("word") :])
                live = live and _live(normalized, opening.start("word"))  # "don't even think about deleting it"
                live = live and not _reported(normalized, opening.start("word"), opening.end("word"), gerund=True)
                live = live and not (kind == "stop" and _PAUSING.match(normalized, opening.end("word")))
                found.append(Cue(kind, word, opening.start("word"), live))  # type: ignore[arg-type]
                break
    return sorted(found, key=lambda c: c.start)


# An act named as a thing that then did something: "the restart fixed it", "stopping web-2 did nothing".
_NAMED_ACT = re.compile(r"(?:^|\s)(?:the|that|this|a|your|my|last|previous|our)\s+$")
_DID = re.compile(
    r"(?:\s+\S+){0,2}?\s+(?:did|didn't|does|was|has|had|helped|fixed|worked|solved|changed|made|took|broke|caused)\b"
    r"(?! to\b| got to\b)"  # "deleting it has to happen today" is still a request
)


# An act named as a moment in time: "no network after the reboot", "slow since last night's restart".
_EVENT = re.compile(
    r"(?:^|\s)(?:after|since|during|following|before|because of|due to|post)\s+"
    r"(?:the|a|an|its|their|that|this|my|our|last|yesterday|last night)\s+"
    r"(?:(?:last|latest|recent|nightly|weekly|planned|scheduled|kernel|host|node|big|failed)\s+)?$"
)


def _reported(text: str, start: int, end: int, gerund: bool = False) -> bool:
    """Whether the act at ``text[start:end]`` is the subject of what it did ("the reboot fixed it") or a moment
    a symptom is dated by ("is it still up after the reboot?")."""
    if _EVENT.search(text[max(0, start - 40) : start]):
        return True
    named = (gerund and (start == 0 or text[start - 1] in " ,.")) or _NAMED_ACT.search(text[max(0, start - 12) : start])
    return bool(named) and _DID.match(text, end) is not None


def _short_typo(word: str) -> str | None:
    """A three-letter word that is a four-letter act with a letter dropped: "kil", "stp"."""
    return next((v for v in _TYPO_LEMMAS if len(v) == len(word) + 1 and _dropped_letter(word, v)), None)


def _dropped_letter(word: str, candidate: str) -> bool:
    return word[0] == candidate[0] and any(candidate[:k] + candidate[k + 1 :] == word for k in range(1, len(candidate)))


def _participle_kind(word: str, particle: str) -> CueKind | None:
    """The kind of cue a past participle is the passive of: "removed" → delete, "turned off" → stop."""
    for stem in (word, word[:-1], word[:-2], word[:-3], _IRREGULAR_PARTICIPLES.get(word, "")):
        if not stem:
            continue
        whole = _CUE.fullmatch(f"{stem} {particle}".strip())
        if whole is not None:
            kind = next(k for k, v in whole.groupdict().items() if v is not None).replace("_", "-")
            return kind  # type: ignore[return-value]
    return None


def _smaller(resized: re.Match[str]) -> bool:
    """Whether "from A to B" goes down: B below A in the same unit (a unit said once holds for both)."""
    unit_a, unit_b = resized.group("ua") or resized.group("ub") or "", resized.group("ub") or resized.group("ua") or ""
    before = float(resized.group("a")) * _SCALE.get(unit_a, 1.0)
    after = float(resized.group("b")) * _SCALE.get(unit_b, 1.0)
    return after < before


_ASKED_RIGHT_BEFORE = re.compile(
    r"(?:^|[,:] ?|\b(?:so|ok|okay|hey|hi|then)\s+)(?:can|could|would|will) (?:you|we)"
    r"(?: please| just| maybe| kindly)?$|"
    r"(?:^|[,:] ?)(?:please|pls|plz|kindly)$"
)


def requested(text: str, cue: Cue) -> bool:
    """Whether ``cue`` (of ``text``) is asked for in so many words: "can we lose a replica of web?",
    "could you please drop cache-2": a polite request, which no reading of it as a question outweighs."""
    normalized, _ = normalize(text)
    before = normalized[max(0, cue.start - _REACH) : cue.start]
    head = before[max((m.end() for m in _SENTENCE.finditer(before)), default=0) :].strip()
    # "if the error rate goes above 2% roll it back": a command that waits for something is still one
    return _ASKED_RIGHT_BEFORE.search(head) is not None or _CONDITION_THEN.search(head) is not None


def live_cues(text: str) -> list[Cue]:
    """The cues of ``text`` that make requests (none in a message tagged as sarcasm)."""
    return [] if sarcastic(text) else [c for c in cues(text) if c.live]


# A requirement in statement order, the subject before the modal: "it should …", "the vm must …".
_REQUIREMENT = re.compile(r"(?:^|[.!;]\s*|\s)(?:it|this|that|they|the \S+) (?:should|must|shall|needs to|has to)\s*$")


def asking(head: str, rest: str = "") -> bool:
    """Whether the words of a sentence before an act (``head``, normalised) ask about it rather than
    request it: "what happens if I", "would", "how do I", "is it safe to" — but not "can you", nor a
    condition before a command ("when the backup finishes, shut down nas-1"; ``rest``, the sentence from
    the act on, has no question mark), nor a command after a remark ("wtf is going on with X, just delete
    it": the question is over at the comma, what follows is an imperative)."""
    head = head.strip()
    if "?" not in rest and _PROPOSAL.search(head):
        return False  # "prob should reboot mon-1 at some point": a proposal said as a statement, not a question
    if "?" not in rest and _CONDITION_THEN.search(head):
        return False  # "once the migration is done, delete old-db": a command that waits for something
    if "?" not in rest and _REQUIREMENT.search(head):
        return False  # "it should run Windows Server 2022": what a thing must do, said, not asked
    parts = re.split(r"[,:]", head)
    if len(parts) > 1 and "?" not in rest and _IMPERATIVE_OPENING.fullmatch(parts[-1].strip()):
        return False
    if _ASKED_OF_YOU.search(head):
        return True  # "can you tell me if it is safe to delete…": a polite question, still a question
    if _POLITE_REQUEST.search(re.split(r"[,:]", head)[-1].strip()) or _POLITE_ANYWHERE.search(head):
        return False  # "can you delete web-01?", "web-01 is stuck, could you restart it"
    return _ASKING.search(head) is not None


# How far around a cue its sentence is read: what asks about an act, negates or describes it is said within a
# couple of hundred characters of it. Reading the whole message for every cue made a long one cost its length squared
# (a 4,000-character "delete delete …" took seconds and held the API's event loop).
_REACH = 200


def _live(text: str, start: int) -> bool:
    floor = max(0, start - _REACH)
    before = text[floor:start]
    clause = re.split(r"[,;:.!?]|\b(?:but|then|instead|and)\b", before)[-1]
    suggested = _WHY_NOT.search(clause) is not None  # "why don't you restart it": a suggestion, not a negation
    if (_NEGATOR.search(clause) and not suggested) or _DESCRIBED.search(clause):
        return False
    sentence_start = floor + max((m.end() for m in _SENTENCE.finditer(before)), default=0)
    after = text[start : start + _REACH]
    rest = re.split(r"(?<=[.!?;\n])", after, maxsplit=1)[0]
    return not asking(text[sentence_start:start], rest) and not opinion_asked(after)


def opinion_asked(rest: str) -> bool:
    """Whether the sentence, from an act on (``rest``), ends by asking for an opinion on it: "I'm thinking
    about removing old-ci, thoughts?" proposes nothing yet."""
    sentence = re.split(r"[.!;\n]", rest, maxsplit=1)[0]
    return _OPINION.search(sentence) is not None
