"""Reads said in the fewest words: "status", "ls", "what's running?", "show me everything", "pods?",
"how's the cluster", "is the thing on".

An operator talking to an infrastructure assistant asks about everything, or the thing at hand, without
naming either: the whole message is the read. Such a message has no verb for the grammar and often no
infrastructure word, so it read as out of scope ("That is outside what I do"). Only a message that is
nothing but such a read is one here (anchored at both ends): "status of the migration project at work"
stays what the grammar makes of it.
"""

from __future__ import annotations

import re

from alma.conversation.intent import IntentName

# Collections people ask for by their plural alone ("pods?", "vms please").
_KINDS = (
    r"(?:pods|vms|containers|lxcs|cts|guests|nodes|stacks|services|deployments|boxes|machines|servers|instances|"
    r"resources|databases|dbs|volumes|networks|workloads|apps|things|stuff)"
)
_STATES = r"(?:stopped|running|idle|dead|broken|unhealthy|down|up|failing|failed|paused|offline|online|crashed|stuck)"
_PLEASE = r"(?:,? ?(?:pls|plz|please|thanks|thx|mate|buddy|again|now))*"
_END = rf"{_PLEASE}\W*$"

_LIST = re.compile(
    r"^(?:(?:can you |could you |pls |please |just )?"
    r"(?:ls|ll|ps|list|lxc-ls|qm list|pct list|docker ps|inventory|overview|everything|"
    r"(?:show|list|give|get) (?:me |us )?(?:everything|it all|all(?: of it)?|the (?:whole )?(?:list|lot|inventory))|"
    r"what (?:do|did) (?:i|we) (?:have|got|get)(?: running| deployed| up)?|what have (?:i|we) got(?: running)?|"
    rf"what is (?:there|running|up|deployed|out there|live)(?: right now| now| at the moment)?|"
    rf"(?:u |you )?got (?:a list of |any )?(?:all )?(?:the |my |our )?(?:\w+ )?{_KINDS}|"
    rf"(?:any|all|my|our|the) {_STATES} {_KINDS}|{_KINDS}|(?:all )?(?:my|our|the) {_KINDS}))"
    rf"{_END}"
)
_STATUS = re.compile(
    r"^(?:(?:so|ok|okay|and|now|then|alright|right)[,.]? )*(?:(?:can you |could you |pls |please |just )?"
    r"(?:status|state|health|stat|sitrep|report|health ?check|status (?:report|update|check)|"
    r"how(?:s| is| are) (?:it|everything|things|we|we doing|the \w+(?: \w+)?|my \w+(?: \w+)?|our \w+(?: \w+)?)"
    r"(?: going| doing| looking| holding up)?|"
    # whether what was just done took: "did it work?", "has that finished?", "is it done yet?"
    r"(?:did|has|have) (?:it|that|this|they|the \w+) (?:work|worked|go through|gone through|succeed|succeeded|"
    r"finish|finished|come up|deploy|deployed|complete|completed|take|taken)(?: yet| ok| okay)?|"
    r"(?:is|are) (?:it|that|they) (?:done|finished|ready|there|deployed|complete)(?: yet| now)?|"
    r"is (?:it|everything|the \w+|my \w+|our \w+) (?:on|up|ok|okay|alive|running|healthy|fine|working|good|green)|"
    r"(?:are|is) (?:all |all of )?(?:the |my |our )?\w+ (?:green|healthy|up|ok|okay|fine|running)|"
    r"what is (?:the )?(?:status|state|health)(?: now| of things| of everything)?|any (?:news|updates?)|"
    # "wtf is down", "health of everything?": the state of it all
    r"(?:what|wtf) is (?:down|broken|failing|offline|dead|unhealthy|on fire)(?: now| right now)?|"
    r"(?:status|state|health) of (?:everything|it all|all of it|all)|"
    # a yes/no question about a state: "anything down?", "any node offline?", "any of them not running?"
    # (a state before the kind, "any stopped vms", asks for the list of them)
    rf"(?:anything|any (?:of (?:them|those|these|the \w+)|\w+)) (?:still |not |currently )?{_STATES}))"
    rf"{_END}"
)


def bare_read(joined: str) -> IntentName | None:
    """``list`` or ``status`` when the whole message (normalised, joined tokens) is only such a read."""
    text = joined.strip()
    if _STATUS.match(text):
        return "status"
    if _LIST.match(text):
        return "list"
    return None
