"""Which request a sentence makes: its command verbs, negations, and the frames around them.

The first command verb that is neither negated ("don't delete") nor descriptive ("the containers I
deleted", "why did it stop") decides, read through its frame: "how do I delete…" is a question
(explain), "what would happen if I deleted…" a plan, "leave it running" a cancellation. Sentences
without a command fall back to frames: a follow-up ("and what about cache-01?"), a status question,
a symptom (troubleshoot), a request for an explanation or a design, and otherwise unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alma.conversation.cues import asking, opinion_asked
from alma.conversation.lexicon import (
    COUNT_WORDS,
    DETERMINERS,
    KIND_PHRASES,
    NEGATORS,
    PARTICLE_VERBS,
    PARTICLES,
    PHRASES,
    PROPERTY_WORDS,
    TEMPLATE_ALIASES,
    VERBS,
    Lexicon,
    words,
)
from alma.conversation.quantities import Tok
from alma.conversation.resources import is_name

_MAX_PHRASE = max(len(p) for p in PHRASES)
_AUXILIARIES = frozenset({"did", "does", "has", "had", "was", "were", "got", "been", "being"})
_NEGATION_GAP = frozenset(
    {"really", "actually", "just", "ever", "even", "please", "you", "go", "to", "need", "want", "asking", "telling"}
    | {"saying", "suggesting", "trying", "going", "planning", "me", "us", "think", "about", "bother", "dare", "try"}
)
_EARLIER = frozenset({"version", "revision", "release", "yesterday", "previous", "earlier", "last", "before", "old"})
_REPORTS = frozenset({"status", "state", "health", "logs", "log", "events", "details", "info", "metrics", "uptime"})
_LISTINGS = frozenset({"inventory", "list", "listing", "overview", "rundown", "catalog", "catalogue", "roundup"})
_SIZE_WORDS = frozenset({"bigger", "smaller", "larger", "beefier", "faster", "stronger", "leaner", "cheaper"})
_SPEC = frozenset({"core", "cores", "cpu", "cpus", "vcpu", "vcpus", "ram", "memory", "disk", "gb", "gigs"})
_INDEFINITE = frozenset({"a", "an", "new", "another", "more", "some", "fresh", "extra", "additional"})
_FAILING = frozenset(
    {"fails", "failed", "errors", "errored", "hangs", "hung", "crashes", "crashed", "breaks", "times", "timed"}
    | {"didnt", "doesnt", "helped"}
)
_UP_WORDS = frozenset({"increase", "more", "add", "grow", "raise", "up", "out", "expand", "bump", "double", "triple"})
_DOWN_WORDS = frozenset({"reduce", "decrease", "fewer", "less", "shrink", "lower", "down", "in", "cut", "halve"})
# Verbs that multiply what they act on: a count, unless a size is named.
_MULTIPLIERS = frozenset({"double", "triple", "quadruple", "halve"})

CANCEL = re.compile(
    r"\b(never ?mind|cancel( that| it| this)?$|^cancel\b|abort|forget (it|that|about it)|scratch that|hold on|"
    r"leave (it|them|this|that|[a-z0-9-]+) (running|alone|be|as it is|as is|up|on)|"
    r"keep (it|them|this|that|[a-z0-9-]+) (running|up|alive|on)|do not do (it|that|this)|^wait,? no\b|^no,? wait\b|"
    r"^(no|nope|nah)[,.!]? (no|nope)\b|\bkeep (the )?(new|current|existing|old) (version|one|release|config)\b|"
    r"^(stop|wait|halt)[.!]+ (do not|never) do anything\b|^(stop|wait|halt)[.!]+ do nothing\b|"
    r"\b(do not|never) do anything\b$|\bdo nothing\b$)"
)
HYPOTHETICAL = re.compile(
    r"\bwhat (would|will|could|might) happen\b|\bwhat happens (if|when)\b|\bwhat if\b|\bdry[- ]?run\b|"
    r"\bsimulat\w*|^preview\b|^suppos(e|ing)\b|\b(say|imagine|assume) (i|we)\b|\bwhat (breaks|happens|changes)\b|"
    r"\bwhat (\S+ ){1,5}?(would|will|could|might) (remove|delete|destroy|change|break|lose|affect|take|touch)\b|"
    r"\bwhat (would|will|could|might|does)\b.*\b(change|happen|break|affect|impact)\b|"
    # what the act just asked for would reach: "what would that interrupt?", "what would it knock out?"
    r"\bwhat (\w+ )?(would|will|could|might) (that|this|it) (interrupt|disrupt|take down|knock out|kill|stop|hit|"
    r"touch|cut off|disconnect|drop|reset|impact|take out)\b|"
    r"\bwhat (would|will|could|might) \w+ing\b|\bwould (it |that |this )?(change|happen|break|affect|impact|do)\b|"
    r"\bwithout (actually )?(doing|applying|changing|touching)\b|"
    r"\bwhat (would|will|could|might) be (lost|affected|gone|deleted|removed|destroyed|wiped|stopped|restarted|"
    r"touched|changed|killed|dropped)\b|"
    # what an act would take away: "show me exactly what would go", "which ones would disappear?"
    r"\b(what|which \w+) (exactly )?(would|will|could|might) (go|disappear|vanish|get (deleted|removed|nuked|wiped))\b|"
    r"\bimpact of\b|\b(how much|what) (would|will|could) (i|we|it|that) (save|cost|gain|free up)\b|"
    r"\bif (i|we) were to\b|\bwhat (depends|relies|would depend) on\b|\bblast radius\b|\bwhat-if\b|"
    r"\bwhich \w+ (would|will|could|might) (be|get)\b|\bwhat (would|will|could|might) (\S+ ){0,7}?(involve|wipe|lose|"
    r"delete|remove|take|cost|mean|do|destroy|kill|touch)\b|\bwould (\S+ ){0,5}?(hurt|break|lose|matter|be safe)\b"
)
# A question about an act, said as a condition or a what-if: a plan of it, not an explanation.
CONDITIONAL = re.compile(r"\b(if|what-if|would|before|once|suppose|supposing|hypothetically)\b")
PROCEED = re.compile(
    r"^(ok|okay|yes|yep|yeah|sure|alright|right|fine|go|confirm\w*|approved?|proceed|do it|go ahead|"
    r"make it so|ship it|execute|apply|let us do it|sounds good)\b"
)
# A whole message that says yes to what waits: "yes", "yep, do it", "sure, go for it", "absolutely".
AFFIRM = re.compile(
    r"^(?!.*\b(thanks|thank you|good to know|got it|noted|i see|makes sense|understood|interesting|what about|"
    r"how about)\b)"
    r"(yes|yep|yeah|yup|ya|sure|ok|okay|k|alright|all right|absolutely|definitely|affirmative|correct|confirmed?|"
    r"approved?|agreed|fine|right|go for it|let us go|lets go|send it|please do|do that|that is fine|sounds good|"
    r"looks good|lgtm|perfect|great|cool)\b[^?]*$|^\s*(\U0001F44D|\u2705|\U0001F44C)"
)
# A message that closes the exchange: thanks, a sign-off, or a report that what was done worked ("the restart
# fixed it, thanks", "ok, that's it for today, bye"). It asks for nothing; an act it names happened already.
CLOSING = re.compile(
    r"\b(thanks|thank you|thx|ty|cheers|much appreciated|bye|goodbye|bye-bye|see you|see ya|cya|good night|"
    r"that (is|was|will be) (it|all)|all (good|set|sorted|fixed) now|done for (today|now|the day|tonight)|"
    r"signing off|logging off|calling it a day|have a (good|nice|great) (one|day|evening|night|weekend))\b|"
    r"\b(that|it|this|the \w+) (fixed|solved|sorted|did) (it|the trick)\b|\b(that|it|this) (worked|helped)\b"
)
WANT = re.compile(
    r"(?<!\bdo )(?<!\bdoes )(?<!\bwould )(?<!\bshould )"  # "do I need one?" asks whether
    r"\b(i|we) (need|want|would like|require)\b(?! to (know|see|check|understand|learn|ask|find))|"
    r"^(need|want|gotta have) (a|an|one|some|\d+)\b|"  # "need a throwaway ubuntu lxc, call it sandbox-42"
    r"\b(can|could|may) (i|we) (please )?(get|have|haz|grab)\b|\blet (me|us) have\b|\bgimme\b|"
    r"\b(i|we) (kindly |would like to |hereby )?(request|am requesting|are requesting)\b|"
    r"\b(i am|we are|i was|we were) (wanting|needing|requiring|looking for)\b|"
    r"\blet us (go with|do|have|get|take)\b|\b(i|we) (will|would|shall) (go with|take)\b|"
    # someone else's wish, passed on: "my boss wants…", "marketing needs…"
    r"\b(boss|manager|team|client|customer|marketing|sales|management|finance|they|he|she|devs|developers|"
    r"users|someone|qa|ops|lead|cto|ceo) (also |really |now )?(wants?|needs?|asked for|requested|would like)\b"
)
FOLLOW_UP = re.compile(
    # the same request on other things, said as only those things: "now the vms", "next, our lxcs on pve2"
    r"^(?!.*\b(is|are|was|were|has|have|had)\b)((and|ok|okay) )?(now|next|then)[,:]? (for )?(the|my|our|all)( the| my| "
    r"our)? [a-z0-9-]+( [a-z0-9-]+){0,2}\W*$|"
    r"(^|[.!?;] )((ok|okay|so|right|hmm|alright|cool|thanks|thx|ty|cheers|great|nice|perfect)[,.!]? )?(and|also|plus|"
    r"what about|how about|"
    r"same (for|with)|what of|now for)\b|"
    r"\b(too|as well)[.!?]?$|\b(do|same) the same\b|\bsame (for|with|to|goes for)\b"
)
# Narrowing what was just asked for: "only the ones using more than 1GB", "just those on pve2".
NARROWING = re.compile(r"^((ok|okay|and|now|hmm)[,.]? )?(only|just) (the )?([a-z]+ )?(ones|those|these)\b")
# A question about what was just proposed: "how would that work with 40TB?", "does that scale to 3 sites?"
ASKED_FOLLOW_UP = re.compile(
    r"^((ok|okay|so|and|hmm|right)[,.]? )?(how|would|does|will|could|can) (would |does |will |could )?"
    r"(that|this|it) (work|look|scale|cope|hold up|fit|handle|change|hold|go)\b"
)
KNOW = re.compile(
    r"\b(i|we) (would like|want|need) to (know|see|check)\b|\bwhat is the (state|status) of\b|"
    r"\b(tell|show) me (if|whether)\b|\b(let me know|find out|check) (if|whether)\b"
)
STATUS_QUESTION = re.compile(
    # a yes/no question about a state, also after an opening ("quick q: is mail-01 still up?")
    # a greeting or the assistant's name may come first ("hey alma is the wiki up?")
    r"(^|[:;.!?,] |^((hey|hi|hello|yo|ok|okay|so|and|also|but)( there)?( alma)?,? )+|^alma,? )(is|are|was|does|do|did|"
    r"has|have) .*\b("
    r"up|down|running|healthy|alive|ok|okay|online|offline|reachable|stopped|started|working|responding|there|"
    r"deployed|ready|live|fine|back|quorate|in quorum|in sync|synced|available|serving|listening|mounted|attached|"
    r"gone|powered (on|off))\b|"
    # whether an act took effect: "did it stop?", "has web-2 come back?", "did the rollout finish?"
    r"(^|[:;.!?] )(did|has|have) (it|they|that|this|the \w+|[a-z0-9]+-[a-z0-9-]+) (actually |really |already |"
    r"finally |even )?(stop|start|come|came|boot|restart|reboot|finish|complete|recover|shut|go|went|apply|deploy|"
    r"scale|roll|succeed|get)\w*\b|"
    r"\bhow is [a-z0-9-]+ doing\b|\bhealth of\b|\buptime\b|\bstatus\b|\bhow (is|are) [a-z0-9-]+$|"
    # what a thing has: "how many replicas does checkout have?" (not "how many vms do we have?", a list)
    r"\bhow (much|many) [a-z ]+ (does|do|is|are) (it|they|the [a-z]+|(?!(?:i|we|you|people|users|folks|one)\b)"
    r"[a-z0-9][a-z0-9-]*) (have|has|use|using|got|eating|taking)\b|"
    # what it runs or uses now: "what version is checkout running?", "what's its memory usage now?"
    r"\bwhat (version|image|tag|release|build|revision) (of \S+ )?(is|are) (\S+ ){1,3}?(running|on|using|at)\b|"
    r"\bwhat (is|are) (its|their) (\w+ )?(memory|cpu|disk|ram|load|uptime|ip|address|version|image|size|specs?|"
    r"usage|state|health)\b|"
    r"\b(memory|cpu|disk|ram|network|io|swap|storage) (usage|utili[sz]ation|consumption|pressure|load)"
    r"( now| right now| at the moment| currently)?\W*$|"
    # how long until a thing is back, and which has been up longest: its state, over time
    r"\bhow long (until|till|before|for) (it|they|the \w+|[a-z0-9]+-[a-z0-9-]+) (is|are|will be|to be|comes?|gets?|"
    r"becomes?)\b|\bup (the )?(longest|shortest)\b|"
    r"\bwhat (is|are) the (memory|cores|cpu|disk|size|ip|address|version|image|specs?) of\b|"
    # "what's the memory usage on vault-01 looking like", "cpu load of db-2?"
    r"\b(memory|cpu|disk|ram|network|io|swap|storage) (usage|use|utili[sz]ation|consumption|pressure|load) "
    r"(on|of|for|at)\b"
)
# The status of everything is a list: "status of all my containers?", "give me the status of everything".
WIDE_STATUS = re.compile(
    r"\b(is|are) (anything|something|any \w+) (down|up|running|broken|stopped|failing|unhealthy|offline)\b|"
    r"\b(status|state|health) of (everything|all( of (them|it))?|(all )?(my|our|the) (vms|containers|lxcs|resources|"
    r"stacks|servers|guests|machines))\b"
)
LIST_QUESTION = re.compile(
    r"^(vms|containers|lxcs|guests|servers|machines|pods|services|databases) (on|in|at)\b|"
    # "which are the containers that run on docker-01?", "what are all the vms on pve2?"
    r"\b(which|what) (are|were) (the|my|our|all the|all my|all) (vms|containers|lxcs|guests|servers|machines|pods|"
    r"services|databases|stacks|nodes|deployments|workloads)\b|"
    r"\bwhat is (running |deployed )?on (node|pve|host|server|the)\b|\bwhat is on [a-z]+-?\d+|"
    r"\bwhat is (running|deployed|up)\b(?! with)|\bwhat (is|are) (running|deployed|up)\b(?! with)|"
    r"\bwhat \w+ (do|did) (i|we) have\b|\bwhich (\w+s) (have|has|use|are using|run|hold)\b|"
    r"\bwhich (\w+|of (them|those|these|the \w+)) (are|is|were) (still |currently |now |already |not )?(running|up|"
    r"down|deployed|stopped|idle|healthy|unhealthy|failing|offline|online|paused|suspended|powered (off|on|down)|"
    r"shut ?down|switched off|turned off)\b|"
    r"\bwhat (\w+s) (are|is) (there |running |deployed )?(on|in|at)\b|\banything running\b|\bwhat do (i|we) have\b|"
    r"\bhow many\b|\bwhat (vms|containers|lxcs|servers|databases|resources|stacks|machines|guests)\b|\binventory\b|"
    # ranked: "what are my biggest vms", "which are the busiest pods?"
    r"\b(what|which) (is|are) (my|our|the) (biggest|largest|smallest|busiest|oldest|newest|heaviest|hungriest|"
    r"top \d+)\b"
)
TROUBLE = re.compile(
    r"\bwhy\b(?! (would|should|do people|use|do (we|you|i|they|people|folks|teams|companies) (use|need|want|prefer|"
    r"pick|choose)\b))|"
    # a cause asked for: "what's causing it?", "what caused the outage", "any idea what is behind this?"
    r"\bwhat (is|was|could be|might be|would be|are|were) (causing|behind|triggering)\b|\bwhat (causes|caused)\b|"
    r"\broot cause\b|\b(latency|laggy|lagging|packet loss|spik\w+|maxed out|saturated|"
    r"throttl\w+|terrible|awful|horrible|bad gateway|timing out)\b|\bwhat is wrong\b|\bwhat went wrong\b|"
    r"\bhow come\b|\bnot (working|responding|answering|answer|starting|booting|"
    r"reachable|start|boot|come up|come back|coming back|respond|run|load|connect|work)|"
    r"\bkeeps? (crash|fail|restart|dying|die|getting|"
    r"going|timing|dropping|rebooting|stopping)|\b(crash\w*|fail\w*|broken|errors?|erroring|unreachable|"
    r"down(?! to (?:\d|one|two|three|a single|half))|"  # "down", not "down to 2GB" (an amount)
    r"unresponsive|hung|hanging|stuck|slow|sluggish|lagging|flapping|oom|timeouts?|timing out|5\d\ds?|leak\w*|"
    r"melting|on fire|tanking|choking|falling over|overloaded|struggling|"
    r"panic\w*|corrupt\w*|degraded|unhealthy|dead|dying|died|refused|refusing|refuses|misbehaving|problems?|issues?|"
    r"bug|glitch\w*|lost|killed)\b|\bhigh (cpu|load|memory|latency)\b|\bout of (memory|disk|space)\b|"
    r"\b(eating|hogging|consuming) (all|most|up)\b|\bwhat is (up|going on|wrong) with\b|"
    r"\b(stopped|quit|stops) [a-z]+ing\b|"
    r"\b(what|wtf) (the \w+ )?(happened|is happening|is going on) (to|with)\b|"
    # what people see rather than name: "the dashboards are blank", "returns empty json", "it just hangs"
    r"\b(blank|hangs?|freezes|(is|are|goes|went) (empty|missing)|filling up|fills up|"
    r"(almost|nearly|completely) full)\b|"
    r"\breturns? (empty|nothing|null|garbage|wrong|an? error|errors|\d{3})\b|\bempty (responses?|json|pages?|"
    r"replies|reply|results?|body|output)\b|\bwhat is (eating|using|hogging|consuming|filling)\b|"
    # what does harm, asked: "what's killing my pods?", "what keeps restarting the workers?"
    r"\b(what|who|something|somebody) (is|keeps|was) (killing|crashing|evicting|restarting|breaking|slowing|"
    r"throttling|blocking|locking|starving|hammering|flooding|spamming|filling)\b|"
    # an error status served: "every route gives 404", "the api is throwing 502s"
    r"\b(gives?|giving|throws?|throwing|serves?|serving|spits? out|responds? with|answers? with|got|getting) "
    r"(\w+ )?[45]\d\ds?\b|"
    # a resource at its limit: "cpu is at 100%", "memory pegged at 98%"
    r"\b(cpu|memory|ram|disk|load|swap|usage|iowait) (is |was |sits |stuck |pegged |maxed )*(at|near|over|above) "
    r"(9\d|100)\b(?! (cores|gb|mb|gigs|replicas))|"
    r"\b(something|anything|stuff) (is |seems |looks )?(wrong|off|weird|broken|funny) with\b|\bwrong with\b|"
    r"\bcan not (ssh|connect|reach|access|log ?in|login|ping|open|load|mount|pull|push|resolve|get (in|to|into))\b|"
    # Kubernetes and Proxmox states that are symptoms by themselves
    r"\b(crashloopbackoff|crashloop\w*|imagepullbackoff|errimagepull|oomkilled|evicted|notready|backoff|"
    r"pending forever|stuck in \w+)\b|\bkeeps? (on )?[a-z]+ing\b|\b(crawl\w*|oom\w*)\b|"
    r"\btakes? (forever|ages|too long|so long)\b|\b(did|does|do) not (help|fix|work|change anything|do anything)\b|"
    r"\b(slower|worse) than (the )?(other|others|rest|usual|before|yesterday|normal)\b|"
    r"\bany (idea|ideas|clue|clues)\b|\bhelp( me| us)?( please| pls)?$|"
    # asking what the diagnostics say: "what do the logs say?", "what does its log show"
    r"\bwhat (do|does|did) (the |its |their )?(logs?|events|journal|dmesg) (say|show|tell|report)\b|"
    r"\bwhat is (in|on) (the |its |their )?(logs?|events|journal|dmesg|console)\b|"
    # what to look at, and guesses at a cause: "what should I check on the redis side?", "could it be the indexes?"
    r"\bwhat should (i|we) (check|look at|look for|inspect|try)\b|"
    r"\bwhere (do|should|would|can) (i|we|you) (start|begin|look|dig)\b|\b(could|might|can) (it|this|that) be\b|"
    # what a thing refuses or lacks: "won't accept connections", "has no network after the reboot"
    r"\b(will|does|do|did|can) not (accept|take|allow|serve|handle|resolve|mount|see|find|reach)\b|"
    r"\b(has|have|got|with|gets|getting) no (network|internet|connectivity|ip|dns|route|space|disk space|access|"
    r"connection|connections|signal|output|logs)\b"
)
EXPLAIN = re.compile(
    r"(?:^|[,;:.!?] )(how (do|can|should|would|could|does|did) (i|we|you|one|it|they)|how to|"
    r"what (even )?(is|are) (a|an|the)?\b|what does|explain|tell me (about|how|what|why)|describe|when should|"
    r"should i use|can you explain)|"
    r"\bwhy (would|should|do|does) (i|we|you|one|anyone|someone|somebody|people|anybody|folks|teams)\b|"
    r"\b(tell|explain to|show) (me|us) (\S+ ){0,4}?(what|how(?! (much|many|big|long|full|old))|why)\b|"
    r"\bwhat [a-z0-9-]+ (is|are|means)\s*\??$|"
    r"\b(pick|choose|prefer|use) \w+ over \w+|"
    # one thing chosen in place of another: "why pick lxc containers instead of vms?"
    r"\b(pick|picks|choose|chooses|prefer|prefers|use|uses|go with) (\S+ ){1,3}?(instead of|rather than) \w+|"
    r"\bdifference between\b|\bpros and cons\b|\b(vs|versus)\b|"
    r"\bwhat is the difference\b|\bwhat does .* mean\b|"
    r"^(does|do|can|will|would|should|is|are) (a|an|the)? ?[a-z0-9 -]*\b(lose|keep|affect|survive|need|require|"
    r"support|mean|cause|persist|use)\b|"
    r"\bwhat (is|are) (an?|the) \w+ for\b|\bhow does\b|"
    # "eli5 cgroups", "how do volumes differ from bind mounts"
    r"\beli5\b|\bexplain like\b|\bdiffers? from\b|\bhow (do|does) .* differ\b|"
    r"^(is|are|was) .*\b(riskier|safer|better|worse|faster|slower|cheaper|more \w+|less \w+) than\b|"
    # two things compared: "is draining a node the same as cordoning it?", "is a pod different from a container?"
    r"^(is|are|was|does|do) .*\b(the same( thing)? as|same as|different (from|than)|equivalent to)\b|"
    # how long an act takes in general: "how long does a restart of pve-2 usually take?"
    r"\bhow long (does|do|will|would|did|should|can) (a|an|the) \w+ (of \S+ )?((usually|normally|typically) )?"
    r"takes?\b"
)
# Asking to be reminded of a past decision ("remind me why we killed the old vpn box"): history explained, not a
# symptom, whatever words of trouble or removal it repeats.
RECALLED = re.compile(r"\b(remind me|do you (remember|recall)|what was the reason) (why|how|what|when)\b")
# Asking how to shape a whole system, whatever else the message says ("I need a layout for … how would you
# lay it out?"): a design question outweighs the verbs and parts around it.
DESIGN_ASKED = re.compile(
    r"\bhow (should|would|could|do) (i|we|you) (split|divide|distribute|spread|arrange|partition|carve up)\b|"
    r"\bhow (should|would|could|do) (i|we|you) lay (it|this|that|them|things|everything) out\b|"
    r"\bhow (should|would|could|do) (i|we|you) lay out (the|our|my|a|an|this|that|these|those)\b|"
    r"\bwhat (would|should|could) (you|i|we) (run|put|host|place|deploy) where\b|"
    r"\bwhat (would|should|could|will) (the whole thing|the whole setup|it all|everything|all of it|"
    r"(our|my|the) (\S+ ){0,2}?(setup|stack|platform|infra|infrastructure|cluster|system)) look like\b|"
    # "how would you architect it?", "how should we structure this?"
    r"\bhow (should|would|could|do) (i|we|you) (re)?(design|architect|structure|organi[sz]e) (it|this|that|them|"
    r"things|everything|the whole thing)\b|"
    # a part of the system to reshape: "how should we redesign the db tier so …"
    r"\bhow (should|would|could|do) (i|we|you) (re)?(design|architect|structure) (the|our|my|a|an) \w+|"
    # a requirement on what is being designed: "make it survive a node dying", "make it fault tolerant"
    r"\bmake (it|this|that|them|the \w+) (survive|tolerate|withstand|resilient|redundant|fault[- ]tolerant|"
    r"highly available)\b|"
    # a change to the design itself: "add alerting to that design", "drop redis from the layout"
    r"\b(to|in|into|from|of) (that|the|this|your|my|our) (design|layout|architecture|topology|proposal)\b|"
    # asked for by its name: "blueprint for a CI setup …", "an architecture for our shop, please"
    r"^(a |an |the )?(blueprint|design|architecture|layout|topology|reference architecture) for\b"
)
# Asking for advice: "what would you recommend?", "what do you suggest" (a design where the message is about one).
RECOMMEND_ASKED = re.compile(
    r"\bwhat (would|do|should|could|can) you (recommend|suggest|propose|advise)\b|\b(any|your) recommendations?\b"
)
# Asking what a word means, in general ("what does CrashLoopBackOff mean in general?", "eli5 cgroups"): an
# explanation, even of a symptom's name.
MEANING_ASKED = re.compile(r"\bwhat (does|do) [\w -]+ mean( in general)?\b|\bin general\W*$|\beli5\b")
# A symptom, as opposed to a mere question word: what makes an unknown word the name of something broken.
SYMPTOM = re.compile(
    r"\b(crash\w*|fail\w*|broken|down|died|dead|dying|stuck|hung|hanging|slow|frozen|oom\w*|5\d\ds?|"
    r"not (working|responding|starting|booting|answering|loading)|will not (start|boot|load)|keeps? \w+|"
    r"errors?|erroring|unreachable|unresponsive|degraded|flapping|blank|stopped [a-z]+ing|crawl\w*|hangs?|"
    r"takes? (?:\d+|ages|forever|so long|too long|minutes|hours))\b"
)
# A sentence that says how something is: "the grafana container is using 4 gigs".
STATEMENT = re.compile(r"\b(is|are|was|has|have|uses|using|runs|running|sits|eats)\b")
DESIGN = re.compile(
    r"\b(highly available|high availability|ha setup|architecture|"
    r"(best|right|cleanest|recommended|proper) way to (set up|build|deploy|run|structure|organi[sz]e|lay out|split|"
    r"separate|isolate|arrange)|"
    r"best practices?|from scratch|reference design|topology|what should i (use|deploy|build))\b|"
    # how a whole system should be shaped: "how should our infra look?", "how should I lay out a homelab",
    # "a good layout for …", "redesign the platform"
    r"\bhow (should|would|could|do) (i|we|you) (re)?(design|architect|lay out|layout|structure|organi[sz]e|shape|"
    r"plan out|split|divide|distribute|spread|arrange|partition|carve up)\b|"
    r"\bhow should (our|my|the|a|an) (\S+ ){1,3}?(look|be (laid out|structured|organi[sz]ed|set up))\b|"
    r"\bredesign\w*\b|\b(set up|setup|build|configure|implement|do|get) (ha|high availability|failover|"
    r"redundancy|disaster recovery)\b|\b(good|sensible|recommended|ideal|solid) (layout|setup|topology|architecture|"
    r"design|stack) for\b|\b(backup|dr|disaster recovery|scaling|ha|migration|monitoring) strategy\b"
)


@dataclass(frozen=True, slots=True)
class Verb:
    """A verb found in the text: what it asks for, where it is, and whether it is a command."""

    action: str
    lemma: str
    start: int
    end: int  # the first token after the verb (and its adjacent particle)
    clause: int
    particle: str | None = None
    negated: bool = False
    descriptive: bool = False
    corrected: bool = False
    asked: bool = False  # a question about the act ("what happens if I delete…", "how do I stop…")

    @property
    def command(self) -> bool:
        return not self.negated and not self.descriptive and not self.asked


def clause_ids(tokens: list[Tok]) -> list[int]:
    """The clause each token belongs to (punctuation and "but"/"then" start a new one)."""
    ids: list[int] = []
    clause = 0
    for tok in tokens:
        if tok.punct or tok.text in {"but", "then", "instead"}:
            clause += 1
        ids.append(clause)
    return ids


def find_verbs(tokens: list[Tok], lexicon: Lexicon) -> list[Verb]:
    ids = clause_ids(tokens)
    words = [t.text for t in tokens]
    verbs: list[Verb] = []
    i = 0
    while i < len(tokens):
        if tokens[i].punct or tokens[i].number is not None or tokens[i].size is not None:
            i += 1
            continue
        if i == 0 and words[0] in _LABELS and len(words) > 2 and words[1] == ":":
            i += 1  # "update: rolling back x", "status: deleting y": the message's label, not a command
            continue
        found = _phrase_at(words, i) or _verb_at(tokens, words, ids, i, lexicon)
        if found is None:
            i += 1
            continue
        action, lemma, end, particle, corrected, inflected = found
        negated = _negated(words, ids, i) or words[end : end + 1] in (["nothing"], ["none"])  # "restart nothing"
        proposed = inflected and words[i].endswith("ing") and i > 0 and words[i - 1] in _PROPOSING
        if proposed and words[i - 1] == "about":  # "think about removing", not "what about adding" (a follow-up)
            proposed = i > 1 and words[i - 2] in {
                "think",
                "thinking",
                "thought",
                "talk",
                "talking",
                "go",
                "going",
                "how",
            }
        proposed = proposed or (inflected and _announced(tokens, words, ids, i, end))
        descriptive = (inflected and not proposed) or _after_auxiliary(words, ids, i) or _as_noun(words, i)
        descriptive = descriptive or _ceasing(words, i) or _relative(words, i) or _failing(words, i)
        rest = _sentence_rest(tokens, i)
        asked = asking(_sentence_head(tokens, i), rest) or opinion_asked(rest)
        verbs.append(Verb(action, lemma, i, end, ids[i], particle, negated, descriptive, corrected, asked))
        i = max(end, i + 1)
    return verbs


_NOUN_BEFORE = frozenset({"the", "a", "an", "my", "our", "your", "its", "their", "this", "that", "his", "her"})
# "maybe we could think about removing cache-old", "consider stopping web-3": the act, proposed.
_PROPOSING = frozenset(
    {"about", "consider", "considering", "suggest", "recommend", "try", "start", "begin", "continue", "mind", "worth"}
)
_ORDER_WORDS = frozenset({"last", "previous", "latest", "recent", "failed", "next", "initial", "first", "nightly"})
_TRIGGERS = frozenset({"do", "perform", "schedule", "trigger", "run", "issue", "need", "want", "with", "for", "start"})


_WHEN_WORDS = frozenset({"after", "before", "since", "during", "until", "following"})


_OUTCOMES = frozenset(words("finished done failed passed completed succeeded broke worked went is was"))


def _as_noun(words: list[str], i: int) -> bool:
    """ "the deploy script", "a restart loop": a verb after a determiner names a thing — unless it is
    what someone asks to be done ("do a restart", "go ahead with the downsize")."""
    if i > 0 and words[i - 1] in {"on", "at", "after", "during", "upon", "since"}:
        return True  # "starts on boot", "after the restart"
    if words[i + 1 : i + 2] and words[i + 1] in _OUTCOMES:
        return True  # "ok build finished, nuke it", "deploy failed again": the act named, and how it went
    if i > 1 and words[i - 1] in _ORDER_WORDS and words[i - 2] in _NOUN_BEFORE:
        return True  # "since the last deploy", "the failed upgrade"
    if i > 2 and words[i - 3] in _WHEN_WORDS and words[i - 2] in _NOUN_BEFORE:
        return True  # "after the host reboot", "since the nightly deploy": when something happened
    guest = i > 1 and words[i - 1].isdigit() and (words[i - 2],) in KIND_PHRASES  # "vm 105 stop pls": its id
    if i > 0 and (words[i - 1].isdigit() or words[i - 1] in {"two", "three", "four", "five", "ten", "many"}):
        return not guest  # "10 build agents", "three restart loops"
    modified = i > 1 and words[i - 2] in _NOUN_BEFORE and words[i] in VERBS and _modifier(words[i - 1])
    if modified and (i < 3 or words[i - 3] not in _TRIGGERS):
        return True  # "the promo-site deploy", "a hard reset" (but "do a hard reset")
    if i == 0 or words[i - 1] not in _NOUN_BEFORE:
        return False
    return i < 2 or words[i - 2] not in _TRIGGERS


def _modifier(word: str) -> bool:
    """A word that can stand between a determiner and a noun: a name or an adjective, not a pronoun or verb."""
    return (
        word not in _NOUN_BEFORE
        and word not in {"me", "us", "him", "them", "it", "you", "one", "other", "same"}
        and word not in VERBS
        and word.replace("-", "").isalnum()
    )


# Words that head an incident channel's message as its label ("update: …", "status: …").
_LABELS = frozenset({"update", "status", "action", "fix", "note", "summary", "progress", "mitigation", "resolution"})
# Finite verbs that make an opening "-ing" phrase the subject of a report: "restarting web-01 fixed it".
_REPORTING = frozenset(
    {"is", "was", "were", "are", "fixed", "helped", "did", "didn't", "didnt", "does", "doesn't", "made", "broke"}
    | {"caused", "seems", "seemed", "takes", "took", "will", "would", "should", "can", "could", "worked", "failed"}
    | {"solved", "killed", "wiped", "lost", "hurts", "hurt", "might", "may", "won't", "wont", "isn't", "wasn't"}
)


def _announced(tokens: list[Tok], words: list[str], ids: list[int], i: int, end: int) -> bool:
    """ "action: reverting payments-api to 4.1", "…, rolling back reporting-ui to 1.7": an "-ing" act opening a
    clause, on something named, with no finite verb after it — how an incident channel announces what it does
    now. "restarting web-01 fixed it" (a report) and "restarting web-01?" (a question) are not."""
    if not words[i].endswith("ing") or (i > 0 and not tokens[i - 1].punct):
        return False
    rest = [k for k in range(end, min(len(words), end + 12)) if ids[k] == ids[i]]
    if not rest or "?" in words[end : end + 12] or any(words[k] in _REPORTING for k in rest):
        return False
    return any(is_name(words[k]) for k in rest[:3])


_FAILED_TO = frozenset(words("fails failed failing fail refuses refused refusing unable trying tried tries attempts"))


# Nouns an infinitive can say the purpose of: "I'll need somewhere to run it", "a place to host the wiki".
_PURPOSE_OF = frozenset(words("somewhere anywhere nowhere something anything place space room spot home"))


def _failing(words_: list[str], i: int) -> bool:
    """ "backup-ct fails to start", "it refuses to boot", "unable to restart it": what does not happen, a
    symptom, not a request to do it; nor is the purpose of a thing ("I'll need somewhere to run it")."""
    return i >= 2 and words_[i - 1] == "to" and (words_[i - 2] in _FAILED_TO or words_[i - 2] in _PURPOSE_OF)


def _ceasing(words: list[str], i: int) -> bool:
    """ "stop asking me", "quit doing that", "where do I start looking?": stopping or beginning an activity of
    the person, not a resource."""
    nxt = words[i + 1] if i + 1 < len(words) else ""
    things = {"everything", "anything", "something", "nothing"}
    return words[i] in {"stop", "quit", "start", "begin"} and nxt.endswith("ing") and len(nxt) > 5 and nxt not in things


# What a relative clause with its own subject can be about: "everything we run", "whatever they deployed".
_RELATED = frozenset(words("everything anything all whatever stuff things ones what"))


def _relative(words_: list[str], i: int) -> bool:
    """ "an inventory of everything we run": the verb says what is, inside a relative clause, it asks nothing."""
    return i > 1 and words_[i - 1] in {"we", "i", "you", "they"} and words_[i - 2] in _RELATED


# How many words around a verb its sentence, and after it its object, are read: what asks about an act or
# says what it acts on is said close to it. Reading to the ends of an unpunctuated message for every verb made
# a long message cost its length squared (4,000 characters of "stop web-01 and …" took seconds).
_REACH_WORDS = 40


def _sentence_rest(tokens: list[Tok], i: int) -> str:
    out: list[str] = []
    for tok in tokens[i : i + _REACH_WORDS]:
        out.append(tok.text)
        if tok.text in {".", "!", "?", ";"}:
            break
    return " ".join(out)


def _sentence_head(tokens: list[Tok], i: int) -> str:
    start = i
    floor = max(0, i - _REACH_WORDS)
    while start > floor and tokens[start - 1].text not in {".", "!", "?", ";"}:
        start -= 1
    return " ".join(t.text for t in tokens[start:i])


def _phrase_at(words: list[str], i: int) -> tuple[str, str, int, str | None, bool, bool] | None:
    for size in range(_MAX_PHRASE, 0, -1):
        phrase = tuple(words[i : i + size])
        if len(phrase) == size and phrase in PHRASES:
            if phrase == ("can", "go") and not _ends_clause(words, i + size):
                continue  # "you can go ahead", "it can go to 3": not a removal
            return PHRASES[phrase], " ".join(phrase), i + size, None, False, False
    return None


def _ends_clause(words: list[str], k: int) -> bool:
    """Nothing, or only an adverb, follows before the clause ends ("that one can go", "it can go now.")."""
    rest = words[k : k + 2]
    return (
        not rest
        or rest[0] in {",", ".", "!", "?", ";", "and"}
        or (rest[0] in {"now", "too", "away"} and (len(rest) == 1 or rest[1] in {",", ".", "!", "?", ";", "and"}))
    )


def _verb_at(
    tokens: list[Tok], words: list[str], ids: list[int], i: int, lexicon: Lexicon
) -> tuple[str, str, int, str | None, bool, bool] | None:
    word = lexicon.verb(words[i])
    if word is None:
        return None
    # A particle, adjacent or after a short object in the same clause: "tear it down", "scale web up".
    for j in range(i + 1, min(i + 5, len(words))):
        if ids[j] != ids[i] or (lexicon.verb(words[j]) is not None and words[j] not in PARTICLES):
            break
        if words[j] in PARTICLES and (word.lemma, words[j]) in PARTICLE_VERBS:
            end = j + 1 if j == i + 1 else i + 1
            return PARTICLE_VERBS[(word.lemma, words[j])], word.lemma, end, words[j], word.corrected, word.inflected
    if word.lemma not in VERBS:
        return None
    return VERBS[word.lemma], word.lemma, i + 1, None, word.corrected, word.inflected


def _negated(words: list[str], ids: list[int], i: int) -> bool:
    head = " ".join(words[max(0, i - 5) : i])
    if re.search(r"\b(like|as if) (i|we|you|anyone) (would|will|could)( ever| really| actually)?$", head):
        return True  # "yeah right, like I'd ever stop the router vm": said never to be done
    if i >= 3 and words[i - 3 : i] in (["do", "not", "you"], ["do", "not", "we"]) and "why" in words[max(0, i - 5) : i]:
        return False  # "why don't you restart it": a suggestion
    j = i - 1
    steps = 0
    while j >= 0 and ids[j] == ids[i] and steps < 4:
        if words[j] in NEGATORS:
            # "can't you just restart it", "won't you delete it": an impatient request, not a negation
            return not (words[j] == "not" and words[j + 1 : j + 2] in (["you"], ["we"]) and j > 0 and words[j - 1] in {
                "can", "could", "will", "would",
            })  # fmt: skip
        if words[j] not in _NEGATION_GAP and words[j] not in {"do", "will", "would", "should", "can", "must"}:
            return False
        j -= 1
        steps += 1
    return False


def _after_auxiliary(words: list[str], ids: list[int], i: int) -> bool:
    """ "why did web-01 stop", "has it started": the verb describes, it does not command."""
    j = i - 1
    floor = max(0, i - _REACH_WORDS)
    while j >= floor and ids[j] == ids[i] and words[j] not in _AUXILIARIES:
        j -= 1  # back to the clause's start (clause ids never decrease), within reach
    last = j if j >= floor and ids[j] == ids[i] and words[j] in _AUXILIARIES else None
    # "I was wondering whether you could reboot it": a request after the auxiliary's own verb
    return last is not None and not any(w in {"could", "can", "would", "will"} for w in words[last + 1 : i])


def object_words(tokens: list[Tok], verb: Verb) -> list[Tok]:
    """The words after a verb in its clause (at most ``_REACH_WORDS``), determiners and "me"/"us" skipped."""
    if any(_opens_clause(t) for t in tokens[verb.start + 1 : verb.end]):
        return []  # the verb's words run into the next clause: nothing after it is in its own
    out: list[Tok] = []
    for tok in tokens[verb.end : verb.end + _REACH_WORDS]:
        if _opens_clause(tok):
            break
        out.append(tok)
    return [t for t in out if t.text not in {"me", "us", "please", "quickly", "now"}]


def _opens_clause(tok: Tok) -> bool:
    """Whether ``tok`` starts a new clause (as ``clause_ids`` counts them)."""
    return tok.punct or tok.text in {"but", "then", "instead"}


_RESTART_NOUNS = frozenset({"kick", "nudge", "poke", "kickstart", "bounce", "restart", "reboot"})
# An act named as a noun after a verb of doing: "make a restart of X", "perform a shutdown of Y".
_DOING = frozenset(words("make do perform run trigger issue execute initiate"))
_ACT_NOUNS = {
    **dict.fromkeys(words("restart reboot bounce"), "restart"),
    **dict.fromkeys(words("shutdown poweroff"), "stop"),
    **dict.fromkeys(words("deletion removal teardown"), "destroy"),
    **dict.fromkeys(words("rollback revert"), "rollback"),
}
_A = frozenset({"a", "another"})


_DESIGNS = frozenset({"design", "architecture", "layout", "blueprint", "proposal", "topology"})


def refine(action: str, tokens: list[Tok], verb: Verb) -> str:
    """Actions whose meaning depends on their object: "add", "run", "bring up", "show", "make"…"""
    obj = object_words(tokens, verb)
    texts = [t.text for t in obj]
    first = texts[0] if texts else ""
    counted = bool(obj) and obj[0].integer is not None and not guest_id(obj, 0)  # "start 104": guest 104
    indefinite = first in _INDEFINITE or counted or _starts_kind(texts)
    act = next((_ACT_NOUNS[w] for w in texts[:3] if w in _ACT_NOUNS), None)
    if verb.lemma in _DOING and act is not None and texts[:1] and texts[0] in {"a", "an", "the"}:
        return act  # "please make a restart of the container mailserver", "do a reboot of web-2"
    if verb.lemma == "give" and any(w in _RESTART_NOUNS for w in texts[:5]) and any(w in _A for w in texts[:4]):
        return "restart"  # "give web-4 a kick", "give the api another bounce"
    if verb.lemma in {"give", "get"} and tokens[verb.end : verb.end + 1] and tokens[verb.end].text in {"me", "us"}:
        if any(w in _DESIGNS for w in texts[1:4]):
            return "design"  # "give me a design for log shipping", "get us an architecture for …"
        if any(w in _REPORTS for w in texts[:4]):
            # "give me the status of traefik-01", "get me its logs"; "… of everything" lists
            return "list" if any(w in {"everything", "all"} for w in texts[:6]) else "status"
        if any(w in _LISTINGS for w in texts[:3]):
            return "list"  # "give me an inventory of everything", "get us a rundown of the vms"
        if first in {"more", "extra", "additional"} and any(w in _SPEC for w in texts[:3]):
            return "update"  # "give me more ram for db-1"
        return "deploy"
    if action == "add":
        if verb.lemma == "put" and "sleep" in texts[:6] and "to" in texts[:6]:
            return "stop"  # "put the nas to sleep": to stop it (a stop cue, too)
        if verb.lemma == "put" and "back" in texts and not _back_up_to_a_count(obj):
            return "rollback"  # "put the previous version back" (but "put it back up to 4" is a count, upward)
        if _sized_amount(obj) and "to" in texts:
            return "update"  # "add 2 vcpus to spark-head", "add 8 gigs of ram to db-1": more of a size
        if _more_of_a_size(texts):
            return "update"  # "put more cpu on render-01", "add extra ram to it": a bigger size, not more copies
        if any(w in COUNT_WORDS or w == "more" for w in texts[:4]):
            return "scale"
        if any(w in PROPERTY_WORDS for w in texts[:3]):
            return "update"
        return "deploy" if indefinite else "update"
    if action == "rollback" and verb.lemma in {"take", "bring", "put", "set", "get"} and _back_up_to_a_count(obj):
        return "scale"  # "take grafana back down to 1 replica": a count, as it was before
    if action == "bring" and "back" in texts:
        return "rollback" if any(w in _EARLIER for w in texts) else "start"  # "bring jellyfin back up"
    if action in {"run", "bring", "make"}:
        sized = any(t.size is not None for t in obj[:4]) or any(w in _SPEC for w in texts[:5])
        if action == "make" and counted and _starts_kind_after_count(obj):
            return "deploy"  # "make 2 alpine lxc 256m each": things to build, with their size
        if action == "make" and (sized or any(w in _SIZE_WORDS for w in texts[:6])):
            return "update"  # "make the jenkins vm bigger"
        if indefinite or first in TEMPLATE_ALIASES or first in {"named", "called"} or "image" in texts[:6]:
            return "deploy"  # "docker run --name x … image y": something new, of that image
        return "start" if action != "make" else "none"
    if action == "update" and verb.lemma in {"recreate", "redeploy"} and _as_a_new_kind(texts):
        return "deploy"  # "recreate cache-7 as a redis container with 512MB": one made anew, as described
    if action == "update" and verb.lemma == "roll" and (indefinite or _new_thing(texts)):
        return "deploy"  # "roll out a new cache", "roll out the new payments service"
    if action == "start" and indefinite and first not in DETERMINERS - _INDEFINITE and not _kind_then_name(obj):
        return "deploy"
    if "back" in texts and any(w in _EARLIER for w in texts) and verb.lemma in {"get", "bring", "put", "set", "take"}:
        return "rollback"  # "get api-gw back to the version from yesterday"
    if action in {"restart", "update"} and _to_a_saved_state(texts):
        return "rollback"  # "reset it to the snapshot from monday", "set lb-1 back to the old config"
    if action == "show" and verb.lemma == "get" and any(w in _LISTINGS for w in texts[:3]):
        return "list"  # "can i get a list of all vms with more than 8GB of ram"
    if action == "show" and verb.lemma == "get" and (counted or first in {"a", "an", "new", "another"}):
        return "deploy"  # "let's get a 3 node kafka cluster going", "get me a new vm"
    if action == "show":
        if any(w in {"plan", "diff", "preview", "changeset"} for w in texts[:3]):
            return "plan"  # "show me the plan for tearing down the lab"
        if first in {"status", "health", "state"}:
            return "status"
        if first in {"all", "everything", "every", "what", "which"} or any(_plural_kind(w) for w in texts[:4]):
            return "list"
        return "status"
    if action == "destroy" and any(w in PROPERTY_WORDS for w in texts[:3]):
        return "update"
    if action == "restart" and any(w in PROPERTY_WORDS for w in texts[:4]):
        return "update"  # "reset the admin password on grafana-1"
    if action == "update" and verb.lemma != "set" and any(w in COUNT_WORDS for w in texts[:6]):
        return "scale"
    copies = any(w in COUNT_WORDS or w in {"worker", "workers"} for w in texts[:6])
    if verb.lemma in _MULTIPLIERS and copies and not _sized_amount(obj):
        return "scale"  # "halve the workers", "double the replicas": so many times the count ("double it": the focus)
    if action == "update" and verb.lemma in {"enable", "disable"} and first in {"the", "a"} and len(texts) < 2:
        return "update"
    if action == "deploy" and first in {"it", "them", "that"} and set(texts[:4]) & {"again", "back"}:
        return "start"  # "spin it up again", "fire them back up": what exists (and was stopped), started
    if action == "deploy" and any(w in COUNT_WORDS for w in texts[:3]) and first in {"another", "more", "extra"}:
        return "scale"  # "spin up another replica of the api"
    if action in {"destroy", "stop"} and _resizes(obj):
        return "update"  # "drop it to 2 cores"
    if action in {"destroy", "stop"} and _recounts(obj):
        return "scale"  # "drop notif-push to a single replica", "cut web down to 2 instances"
    return action


def guest_id(tokens: list[Tok], k: int) -> bool:
    """A number that names a guest ("start 104", "qm start 112"): Proxmox numbers guests from 100; a number
    followed by what it counts or measures ("100 replicas", "128 cores") is an amount."""
    value = tokens[k].integer
    if value is None or value < 100 or tokens[k].size is not None or tokens[k].ordinal:
        return False
    nxt = tokens[k + 1].text if k + 1 < len(tokens) else ""
    measured = nxt in COUNT_WORDS or nxt in _SPEC or nxt in {"more", "extra", "new", "of", "x", "times", "percent"}
    return not measured and not any(nxt == phrase[0] for phrase in KIND_PHRASES)


def _sized_amount(obj: list[Tok]) -> bool:
    """ "2 vcpus", "8 gigs of ram", "a 100GB disk": an amount of a size, not of things."""
    obj = [t for t in obj if t.text not in {"more", "extra", "additional", "another"}]
    texts = [t.text for t in obj]
    for k, tok in enumerate(obj[:3]):
        if tok.size is not None:
            return True
        if tok.integer is not None and texts[k + 1 : k + 2] and texts[k + 1] in _SPEC:
            return True
    return False


def _back_up_to_a_count(obj: list[Tok]) -> bool:
    """ "… back up to 4", "… back down to 1 replica": a count restored, not an earlier version."""
    texts = [t.text for t in obj]
    return any(
        texts[k : k + 3] in (["back", "up", "to"], ["back", "down", "to"])
        and k + 3 < len(obj)
        and obj[k + 3].integer is not None
        and obj[k + 3].size is None
        for k in range(len(texts))
    )


def _more_of_a_size(texts: list[str]) -> bool:
    """ "more cpu", "extra ram": more of a size (a resize), not more copies."""
    return any(
        w in {"more", "extra", "additional"} and k + 1 < len(texts) and texts[k + 1] in _SPEC
        for k, w in enumerate(texts[:4])
    )


def _starts_kind_after_count(obj: list[Tok]) -> bool:
    """ "2 alpine lxc", "3 debian vms": a count, then (software and) a kind."""
    texts = [t.text for t in obj]
    return any(_starts_kind(texts[k:]) or (k < len(texts) and _plural_kind(texts[k])) for k in (1, 2))


_SAVED_STATES = frozenset({"snapshot", "snapshots", "backup", "backups", "checkpoint"})
_BEFORE_NOW = frozenset({"previous", "earlier", "yesterday", "old", "older", "prior"})
_NEWER = frozenset({"latest", "newest", "new", "newer", "current", "next"})


def _to_a_saved_state(texts: list[str]) -> bool:
    """ "… to the snapshot from monday", "… to the previous version": back to what was before (but "upgrade it
    to the latest version" goes forward)."""
    for k, word in enumerate(texts):
        window = texts[k + 1 : k + 5]
        if word == "to" and not _NEWER.intersection(window) and (_SAVED_STATES | _BEFORE_NOW).intersection(window):
            return True
    return False


def _new_thing(texts: list[str]) -> bool:
    """ "the new payments service": something new (not "the new version of x", which updates x)."""
    if texts[:2] != ["the", "new"]:
        return False
    return not any(w in {"version", "release", "image", "build", "config", "revision", "tag"} for w in texts[2:5])


def _recounts(obj: list[Tok]) -> bool:
    """ "… to a single replica", "… down to 2 instances": a new count, not a removal."""
    texts = [t.text for t in obj]
    for k, word in enumerate(texts):
        if word != "to":
            continue
        j = k + 1
        while j < len(obj) and texts[j] in {"a", "an", "just", "only"}:
            j += 1
        if j + 1 < len(obj) and obj[j].integer is not None and obj[j].size is None and texts[j + 1] in COUNT_WORDS:
            return True
    return False


def reported_failure(tokens: list[Tok], verb: Verb) -> bool:
    """ "qm start 112 fails with …", "restart web-01 hangs": the command is what was tried and failed, the
    sentence reports it (a symptom), it does not ask for it again."""
    ids = clause_ids(tokens)
    for k in range(verb.end, min(verb.end + 4, len(tokens))):
        if ids[k] != verb.clause or tokens[k].text in {"and", "then", "or"}:
            return False
        if tokens[k].text in _FAILING:
            return True
        if tokens[k].text in {"did", "does"} and tokens[k + 1 : k + 3] and tokens[k + 1].text == "not":
            return True  # "restart of web-3 did not help", "the reboot did not fix it"
    return False


def _resizes(obj: list[Tok]) -> bool:
    """ "… to 2 cores", "… to 4GB", "… from 8 cores to 4": a new size, not a removal."""
    texts = [t.text for t in obj]
    for k, tok in enumerate(obj[:-1]):
        if tok.text == "to" and (obj[k + 1].size is not None or (texts[k + 2 : k + 3] and texts[k + 2] in _SPEC)):
            return True
        # "from 8 cores to 4", "from 16G to 8": the size said after "from" is the unit of the bare number
        sized_from = tok.size is not None or (texts[k + 1 : k + 2] and texts[k + 1] in _SPEC)
        if (
            (tok.integer is not None or tok.size is not None)
            and sized_from
            and k > 0
            and texts[k - 1] == "from"
            and "to" in texts[k + 1 :]
        ):
            return True
    return False


def scale_direction(tokens: list[Tok], verb: Verb) -> str | None:
    if verb.particle in {"up", "out"}:
        return "up"
    if verb.particle in {"down", "in"}:
        return "down"
    words = {verb.lemma} | {t.text for t in tokens[verb.start :]}
    if words & _DOWN_WORDS:
        return "down"
    if words & _UP_WORDS:
        return "up"
    return None


def _starts_kind(texts: list[str]) -> bool:
    """ "vm with 2 cores": a kind, so some new one; but "vm 130" is the guest numbered 130."""
    for phrase in KIND_PHRASES:
        if texts[: len(phrase)] == list(phrase):
            after = texts[len(phrase) : len(phrase) + 1]
            return not (after and after[0].isdigit() and int(after[0]) >= 100)
    return False


def _as_a_new_kind(texts: list[str]) -> bool:
    """ "… as a redis container", "… as an lxc with 2 cores": what to make it as, described anew."""
    return any(
        texts[k] == "as" and texts[k + 1] in {"a", "an"} and any((w,) in KIND_PHRASES for w in texts[k + 2 : k + 5])
        for k in range(len(texts) - 2)
    )


def _kind_then_name(obj: list[Tok]) -> bool:
    """ "start vm media-srv", "start lxc dns-01": the guest of that kind and name, as a CLI says it; a new one
    comes with an article, a size or a template ("start a vm media-srv with 2 cores")."""
    texts = [t.text for t in obj]
    for phrase in KIND_PHRASES:
        if texts[: len(phrase)] == list(phrase) and len(texts) > len(phrase) and is_name(texts[len(phrase)]):
            return not any(t.size is not None or t.text in {"with", "from", "using"} for t in obj)
    return False


def _plural_kind(word: str) -> bool:
    return (word.endswith("s") and (word[:-1],) in KIND_PHRASES) or word in {"everything", "resources", "stacks"}
