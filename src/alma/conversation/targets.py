"""The thing an operation acts on: a name, or a reference for the session's focus to resolve.

Where a target comes from, in order: "named/called X"; a name after the verb ("restart web-01"); the
verb's object — a pronoun ("it", "that", "the damn thing"), a position ("the second one"), a kind or a
template ("the database", "grafana"), a kind with its name ("the vm shop", "the router vm, opnsense"),
or a plain word ("the app", matched against the names the session knows); the same after a preposition
("the ram on grafana"); a pronoun, read back to what the sentence named before it ("the db has too much
memory, cut it in half"); a name before the verb; the sentence's subject ("grafana keeps crashing",
"my nextcloud won't boot"). What an exception names ("everything except web-01", "not the db") is never
the target, and "everything" has none.
"""

from __future__ import annotations

from dataclasses import dataclass

from alma.conversation.english import COMMON_WORDS
from alma.conversation.grammar import Verb, guest_id
from alma.conversation.lexicon import (
    CORE_WORDS,
    COUNT_WORDS,
    DISK_WORDS,
    INFRA_WORDS,
    MEMORY_WORDS,
    PARTICLES,
    PRONOUNS,
    PROPERTY_WORDS,
    TEMPLATE_ALIASES,
    Lexicon,
    everyday,
    words,
)
from alma.conversation.quantities import Tok
from alma.conversation.resources import is_name, kind_at, template_of

_NOT_TARGETS = frozenset(
    words(
        "to on in at for with by from of into onto about the a an all my our your their whole entire every "
        "everything anything something nothing last previous latest recent current old new back up down off out "
        "why what how which who where when there here please just now again quickly right immediately so also "
        "too and or but if then is are was be been it its me us you i we they one ones same other some more "
        "less version revision state status environment env instead first second yes no not ok okay already "
        "anyway whatever myself yourself tonight today tomorrow asap logs log metrics events config settings "
        "damn bloody freaking stupid thing things stuff lol pls plz thx everyone everybody anything nothing "
        "reboot restart boot yesterday tomorrow tonight morning afternoon evening week month either neither each"
    )
)
# Where things run, not what runs: never a target on their own ("restart production").
_ENVIRONMENTS = frozenset(words("prod production staging stage dev development test testing qa lab home homelab"))
# What may follow a service named by a plain word: "scale orders down to 1", "restart search now".
_AFTER_BARE = frozenset(words("up down out in back off to from on at for with please now again and then too asap"))
# Nouns after which a plain word is the name of a part of a system: "the search service".
_PARTS_OF_A_SYSTEM = frozenset(
    words("service services app application deployment workload microservice api job rollout release upgrade")
)
_EXCLUDERS = frozenset({"except", "excluding", "but", "besides", "apart", "other", "not", "save", "sparing"})
_EVERYTHING = frozenset({"everything", "all", "every", "anything", "everyone"})
_FILLERS = frozenset({"damn", "bloody", "freaking", "stupid", "fricking", "frigging", "effing", "whole"})
_PLACES = frozenset({"behind", "from", "on", "in", "at"})
_SPEC = CORE_WORDS | MEMORY_WORDS | DISK_WORDS | COUNT_WORDS | PROPERTY_WORDS
# Words after which a sentence says what is wrong with its subject.
_SYMPTOMS = frozenset(
    words(
        "keeps keep kept died dies crashed crashes crashing is are was were will won can cannot has had seems "
        "went goes throws throwing returns returning shows showing hangs hung stuck frozen broke broken fails "
        "failed failing stopped restarts restarted rebooted slow down needs takes eats ate uses using"
    )
)
# Parts of a system people use as names: "web needs more capacity", "the api is slow".
# Everyday words services are named by ("the orders rollout", "the search service").
_NAMEABLE = frozenset(
    words(
        "web api frontend backend gateway proxy worker workers app orders order search payments payment billing "
        "checkout cart inventory auth accounts users shipping catalog notifications reports mail chat store shop"
    )
)
# Words that open a question or a remark before its subject: "why does X", "hello, my X".
_LEADERS = frozenset(words("why how what when who where is are does do did has have so ok okay hello hi hey well"))
# Nouns that name a part or a reading of a thing: "the datasource config" is about the thing in focus.
_ATTRIBUTES = frozenset(
    words("config configuration settings logs log dashboard metrics status version tag tags health uptime events")
)


_FIRST_GUEST_ID = 100  # Proxmox numbers guests from 100: "vm 130" names one, "db 1 core" sizes one


@dataclass(frozen=True, slots=True)
class Target:
    """What an operation acts on: a name ("web-01"), or a reference to resolve from context."""

    name: str | None = None
    reference: str | None = None  # "it", "kind:database", "template:postgres", "ordinal:2", "word:app"


def excluded_positions(words_: list[str]) -> set[int]:
    """The words an exception or a negation covers: "except web-01", "not the db", "but not x"."""
    out: set[int] = set()
    for k, word in enumerate(words_):
        if word in _EXCLUDERS and (word != "but" or words_[k + 1 : k + 2] == ["not"]):
            nxt = words_[k + 1] if k + 1 < len(words_) else ""
            if word == "other" and nxt != "than":
                continue
            if word == "not" and not (is_name(nxt) or nxt in {"the", "that", "this", "my", "our"}):
                continue  # "do not delete web-01" negates the verb, not the name
            for j in range(k + 1, min(k + 5, len(words_))):
                if words_[j] in {",", ";", ".", "!", "?", "and", "then"}:
                    break
                out.add(j)
    return out


def find_target(tokens: list[Tok], verb: Verb | None, lexicon: Lexicon, plain_words: bool) -> Target:
    """The target of an operation: its object after the verb, a name before it, or a reference."""
    words_ = [t.text for t in tokens]
    start = verb.end if verb is not None else 0
    excluded = excluded_positions(words_)
    named = [k for k, w in enumerate(words_) if w in {"named", "called"} and k + 1 < len(words_)]
    if named and named[0] + 1 not in excluded:
        return Target(words_[named[0] + 1])
    if verb is not None and _everything(words_[start : start + 4], lexicon):
        return Target()  # "nuke everything on pve2 except the router": no one target
    if verb is not None and start < len(tokens) and guest_id(tokens, start) and start not in excluded:
        return Target(words_[start])  # "start 104": Proxmox's number of the guest is its name
    bare = _bare_object(tokens, start, lexicon, excluded) if verb is not None and plain_words else None
    if bare is not None:
        return bare  # "scale orders down to 1": a plain word right after the verb names the service
    candidates = [k for k in range(start, len(words_)) if is_name(words_[k]) and k not in excluded]
    # "remove the 'deprecated' tag from web-01": what a tag comes off is what is changed, not a place
    tagged = any(w in {"tag", "tags", "label", "labels", "annotation"} for w in words_[start:])
    candidates = [k for k in candidates if _not_place(words_, k) or (tagged and words_[k - 1] == "from")]
    if verb is not None and verb.lemma in {"change", "set", "switch", "update"}:
        # "change the restart policy of the mqtt container to unless-stopped": after "to", the new value
        said_of = {k for k in candidates if words_[k - 1] == "to" and {"of", "on", "for"} & set(words_[start:k])}
        candidates = [k for k in candidates if k not in said_of]
    if len(candidates) > 1 and _qualifies(words_, candidates[0]):
        candidates = candidates[1:]  # "add the tag 'nightly-2' to web-4": the tag's value, then what bears it
    elif len(candidates) == 1 and _qualifies(words_, candidates[0]):
        bearer = next(
            (
                j + 1
                for j in range(candidates[0] + 1, len(words_) - 1)
                if words_[j] in {"to", "on", "of", "for", "from"} and unknown_word(words_[j + 1], lexicon)
            ),
            None,
        )
        if bearer is not None:
            return Target(words_[bearer])  # "add the tag 'nightly-2' to shopdb": a plain word bears it
    after = candidates[0] if candidates else None
    if after is not None:
        return Target(words_[after])
    everything = verb is not None and any(w in _EVERYTHING for w in words_[start : start + 4])
    obj = _object_target(tokens, start, lexicon, plain_words, excluded) if verb is not None else None
    pointed = (obj.reference or "") if obj is not None else ""
    weak = pointed.startswith("word:") and everyday(pointed[5:])
    if obj is not None and not weak and (obj.name is not None or obj.reference not in {None, "it"}):
        return obj
    if everything:
        return Target()
    if plain_words and verb is not None and (obj is None or weak):  # "change the image of api": api
        for k in range(start, len(words_) - 1):
            if words_[k] in {"to", "of", "for", "on"} and tokens[k + 1].number is None:
                found = _object_target(tokens, k + 1, lexicon, plain_words, excluded)
                if found is not None and found.reference != "it":
                    return found
        if weak and obj is not None:
            return obj
    if verb is None:  # a symptom or a question: what the sentence is about comes before "it"
        said = subject_of(tokens, len(tokens), lexicon, excluded)
        if said is not None and said.reference != "it":
            return said
    pronoun = next((k for k in range(start, len(words_)) if _pronoun(words_, k)), None)
    if pronoun is not None or (obj is not None and obj.reference == "it"):
        return _antecedent(tokens, pronoun if pronoun is not None else start, lexicon, excluded)
    before_names = [words_[k] for k in range(len(words_)) if is_name(words_[k]) and k not in excluded]
    if before_names:
        return Target(before_names[-1])
    subject = subject_of(tokens, verb.start if verb is not None else len(tokens), lexicon, excluded)
    if subject is not None:
        return subject
    if any(_pronoun(words_, k) for k in range(len(words_))):
        return Target(reference="it")
    return Target()


def _bare_object(tokens: list[Tok], k: int, lexicon: Lexicon, excluded: set[int]) -> Target | None:
    """A plain word right after the verb, with no determiner, and nothing name-like after it: "scale orders
    down", "rolled back payments to v41". Operators name services with everyday words."""
    words_ = [t.text for t in tokens]
    if k >= len(words_) or k in excluded or tokens[k].punct or tokens[k].number is not None:
        return None
    word = words_[k]
    if not word.isalpha() or len(word) < 3 or word in _NOT_TARGETS or word in _FILLERS or word in _EVERYTHING:
        return None
    if word in {"both", "them", "those", "these"}:
        return None  # "stop both": of what was just named, for the object's reading
    if word in _ENVIRONMENTS or word in _SPEC or word in PRONOUNS or word in INFRA_WORDS or lexicon.verb(word):
        return None
    if kind_at(words_, k, lexicon) is not None or template_of(word, lexicon) is not None:
        return None
    if word not in COMMON_WORDS and (not lexicon.unknown(word) or lexicon.correct(word) is not None):
        return None  # a known word, or a misspelled one ("cut memroy on cache-3"), is not a name
    followed = k + 1 < len(tokens) and not (tokens[k + 1].punct or tokens[k + 1].number is not None)
    if followed and words_[k + 1] not in _AFTER_BARE:
        return None  # "stop staging web-01", "enable automatic backups", "check whether …": not a name
    return Target(word)


# What a name-like word can be the value of, or can describe, rather than the thing acted on: "the tag
# 'nightly-2' on db-4", "the pre-2 snapshot of erp-3".
_VALUE_OF = frozenset(words("tag tags label labels annotation annotations flag option"))
_DESCRIBED = frozenset(words("snapshot snapshots backup backups checkpoint image tag label config setting release"))


def _qualifies(words_: list[str], k: int) -> bool:
    """Whether the name-like word at ``k`` is a tag's value or describes a part ("the nightly-2 snapshot")."""
    before = words_[k - 1] if k > 0 else ""
    after = words_[k + 1] if k + 1 < len(words_) else ""
    return before in _VALUE_OF or after in _DESCRIBED


def unknown_word(word: str, lexicon: Lexicon) -> bool:
    """A plain word that neither the lexicon nor everyday English knows, nor a word that never names a
    thing ("yesterday", "prod", "everything"): in a name's place, the name of something ("shopdb")."""
    if not word.isalpha() or len(word) < 3:
        return False
    never = _NOT_TARGETS | _ENVIRONMENTS | _FILLERS | _EVERYTHING | PRONOUNS | INFRA_WORDS
    return word not in never and lexicon.unknown(word) and lexicon.correct(word) is None  # unknown: not everyday


def _everything(words_: list[str], lexicon: Lexicon) -> bool:
    """ "everything", "all of them", "all the vms" (but not "all snapshots of vm-7": a part of one thing)."""
    for k, word in enumerate(words_):
        if is_name(word) or word in {"without", "losing", "except", "but"}:
            return False  # "shrink files-03 without losing anything": the name is the object
        if word in {"everything", "anything", "everyone"}:
            return True
        if word in {"all", "every"}:
            rest = [w for w in words_[k + 1 :] if w not in {"the", "my", "our", "of"}]
            return (
                not rest
                or rest[0] in {"them", "it", "those", "these", "resources", "stacks"}
                or (kind_at(rest, 0, lexicon) is not None)
            )
    return False


def subject_of(tokens: list[Tok], end: int, lexicon: Lexicon, excluded: set[int] | None = None) -> Target | None:
    """What a sentence is about, before ``end``: the thing just before its symptom ("grafana keeps crashing",
    "this is the fourth time postfix died"), or the first thing it names ("why does metabase take 5 minutes",
    "web: 3 → 9"). A plain word found so is a guess (``subject:…``): the focus prefers what it already knows."""
    words_ = [t.text for t in tokens]
    excluded = excluded or set()
    end = min(end, len(words_))
    if len(words_) > 1 and words_[1] == ":" and words_[0].isalpha() and 0 not in excluded:
        return _candidate(tokens, 0, lexicon, label=True)  # "web: 3 → 9"
    symptom = next((k for k in range(end) if words_[k] in _SYMPTOMS), None)
    if symptom is not None:
        kind: Target | None = None  # "the grafana container is…": the software before the kind says more
        for k in range(symptom - 1, -1, -1):
            if tokens[k].punct:
                break
            found = _candidate(tokens, k, lexicon) if k not in excluded else None
            if found is not None and (found.reference or "").startswith("kind:") and kind is None:
                kind = found
            elif (
                found is not None
                and k == symptom - 1
                and (found.reference or "").startswith("subject:")
                and (k == 0 or words_[k - 1] not in {"the", "whole", "entire", "my", "our", "this", "that", "a", "an"})
            ):
                word = found.reference[len("subject:") :]  # type: ignore[index]
                # "why kibana is so slow": the word right before its symptom names it, no guess
                return Target(reference=f"word:{word}") if lexicon.unknown(word) else found
            elif found is not None:
                return found
        if kind is not None:
            return kind
    for k in range(end):
        if k in excluded or tokens[k].punct:
            continue
        if tokens[k].ordinal and tokens[k].integer is not None and words_[k + 1 : k + 2] in (["one"], []):
            return Target(reference=f"ordinal:{tokens[k].integer}")  # "is the first one healthy?"
        if words_[k] in {"it", "its", "they", "them"}:
            return Target(reference="it")  # "it's returning 502s": about the focus
        found = _candidate(tokens, k, lexicon)
        if found is not None:
            return found
        if words_[k] not in _LEADERS and k > 0 and words_[k - 1] not in _LEADERS and lexicon.verb(words_[k]):
            break
    return None


def _candidate(tokens: list[Tok], k: int, lexicon: Lexicon, label: bool = False) -> Target | None:
    word = tokens[k].text
    if tokens[k].number is not None or tokens[k].size is not None or word in _FILLERS or word in _SYMPTOMS:
        return None  # "this stupid thing won't boot", "the ingress returns 404": the thing, not "stupid", "returns"
    if is_name(word):
        return Target(word)
    template = template_of(word, lexicon) if word.isalpha() and len(word) > 2 else None
    if template is not None:
        return Target(reference=f"template:{template}")
    found = kind_at([t.text for t in tokens], k, lexicon)
    if found is not None:  # "the lb is throwing 502s"; "the virtual machine mailrelay": its name
        return _apposition(tokens, k + found[1], lexicon) or Target(reference=f"kind:{found[0]}")
    if word in _ADDRESSED:
        return None  # "hey alma is the wiki up?": the assistant, addressed, is not what the sentence is about
    if label or lexicon.unknown(word) or word in _NAMEABLE:
        return Target(reference=f"subject:{word}")
    return None


def _gerund(word: str) -> bool:
    """ "causing", "happening": an everyday verb's -ing form (not "jellyfin", not "ping")."""
    stem = word[:-3] if word.endswith("ing") and len(word) > 5 else ""
    return bool(stem) and (everyday(stem) or everyday(stem + "e") or everyday(stem[:-1]))


_BE = frozenset(words("is are was does do did has"))
_ADDRESSED = frozenset({"alma"})
_QUESTION_WORDS = frozenset(words("why how where when what"))


def _thing_word(words_: list[str], k: int, lexicon: Lexicon) -> bool:
    """Whether the plain word at ``k`` can name a thing: a template ("jellyfin"), or a word that is neither
    everyday English nor infrastructure vocabulary, a size, a kind or a verb ("search", "checkout")."""
    word = words_[k]
    if template_of(word, lexicon) is not None:
        return True
    if _gerund(word):
        return False  # "what is causing it?": what is done, not what it is done to
    plain = not everyday(word) and word not in INFRA_WORDS and word not in _SPEC and lexicon.verb(word) is None
    return plain and kind_at(words_, k, lexicon) is None


def _antecedent(tokens: list[Tok], pronoun: int, lexicon: Lexicon, excluded: set[int]) -> Target:
    """What a pronoun stands for in its own sentence ("the db has too much memory, cut it in half")."""
    words_ = [t.text for t in tokens]
    names = [words_[k] for k in range(pronoun) if is_name(words_[k]) and k not in excluded]
    places = {k for k in range(1, pronoun) if words_[k - 1] in {"on", "in", "at", "behind", "from"}}
    things = [words_[k] for k in range(pronoun) if is_name(words_[k]) and k not in excluded and k not in places]
    if things:  # "wtf is ghost-vm-9 even doing on pve1, delete it": the thing, not the node it is on
        return Target(things[-1])
    if names:
        return Target(names[-1])
    owned = [
        w for k, w in enumerate(words_[1:pronoun], 1) if words_[k - 1] == "of" and w.isalpha() and lexicon.unknown(w)
    ]
    if owned:  # "fewer instances of thumbnailer, cut it to two"
        return Target(reference=f"word:{owned[-1]}")
    asked = [
        words_[k + 1]
        for k in range(pronoun - 1)
        if words_[k] in _BE
        and (k == 0 or words_[k - 1] in _QUESTION_WORDS)
        and words_[k + 1].isalpha()
        and words_[k + 1] not in PRONOUNS | _NOT_TARGETS
        and _thing_word(words_, k + 1, lexicon)
    ]
    if asked:  # "why is search so slow?! scale it up to 12": the thing the question was about
        return Target(reference=f"word:{asked[-1]}")
    for k in range(pronoun - 1, -1, -1):
        if k in excluded or words_[k] not in {"the", "my", "our", "this", "that"}:
            continue
        found = kind_at(words_, k + 1, lexicon)
        if found is not None:
            return Target(reference=f"kind:{found[0]}")
    return Target(reference="it")


def _not_place(words_: list[str], k: int) -> bool:
    return k == 0 or words_[k - 1] not in {"behind", "from"}


def _pronoun(words_: list[str], k: int) -> bool:
    word = words_[k]
    if word == "its":
        return True
    if word == "thing" and k > 0 and (words_[k - 1] in _FILLERS or words_[k - 1] == "the"):
        return True
    if word not in PRONOUNS:
        return False
    if k > 0 and words_[k - 1] in {"name", "call"}:
        return False  # "name it dns-01"
    if word in {"that", "this", "those", "these"}:
        j = k + 1
        while j < len(words_) and words_[j] in _FILLERS:
            j += 1  # "that whole namespace", "this damn box"
        nxt = words_[j] if j < len(words_) else ""
        if j > k + 1 and nxt in INFRA_WORDS:
            return True  # "delete that whole namespace": the one just spoken of
        return nxt in {"", "one", "ones", "thing", "too", "again", "now", "please", "instead", "as", "for", "!", ".",
                       "?", ",", "vm", "box", "server", "container"}  # fmt: skip
    return True


def _object_target(
    tokens: list[Tok], start: int, lexicon: Lexicon, plain_words: bool, excluded: set[int]
) -> Target | None:
    words_ = [t.text for t in tokens]
    k = start
    if words_[k : k + 1] == ["what"] and words_[k + 1 : k + 2] in (["you"], ["i"], ["we"]):
        return Target(reference="it")  # "revert what you just did": the last thing acted on
    while k < len(words_) and (words_[k] in _NOT_TARGETS or words_[k] in _FILLERS) and not _pronoun(words_, k):
        if words_[k] in _EVERYTHING:
            return None
        if words_[k] == "last" and words_[k + 1 : k + 2] == ["one"]:
            return Target(reference="ordinal:last")  # "delete the last one": of the ones just named
        k += 1
    if k >= len(words_) or k in excluded or tokens[k].punct or tokens[k].size is not None:
        return None
    word = words_[k]
    if tokens[k].ordinal and tokens[k].integer is not None:
        return Target(reference=f"ordinal:{tokens[k].integer}")  # "the second one"
    if tokens[k].number is not None:
        return None
    if word == "other" or (word in {"the", "that"} and words_[k + 1 : k + 2] == ["other"]):
        return Target(reference="other")  # "stop the other one"
    if word in {"them", "both", "those", "these"} and not (k + 1 < len(words_) and kind_at(words_, k + 1, lexicon)):
        return Target(reference="them")  # every one of what was just named
    if _pronoun(words_, k) or word == "it":
        return Target(reference="it")
    found = kind_at(words_, k, lexicon)
    if found is not None:
        named = _apposition(tokens, k + found[1], lexicon)
        return named if named is not None else Target(reference=f"kind:{found[0]}")
    template = template_of(word, lexicon)
    if template is not None:
        after_kind = kind_at(words_, k + 1, lexicon)
        if after_kind is not None:
            named = _apposition(tokens, k + 1 + after_kind[1], lexicon)
            if named is not None:
                return named
        return Target(reference=f"template:{template}")
    if not plain_words or not word.isalpha() or lexicon.verb(word) is not None or word in _SPEC:
        return None
    if k + 2 < len(words_) and words_[k + 1] in _ATTRIBUTES | _SPEC and words_[k + 2] in {"of", "on", "for"}:
        return None  # "the root disk of gitlab", "the retention config of loki": a part, of what follows
    if k + 1 < len(words_) and words_[k + 1] in _ATTRIBUTES:
        return Target(reference="it")  # "check the datasource config": of the thing in focus
    if word in INFRA_WORDS and word.endswith("s"):
        return None  # "clean up the old snapshots": things of a kind, not one of them
    if word in {"stack", "project", "environment"} and k + 1 < len(words_) and words_[k + 1].isalnum():
        nxt = words_[k + 1]
        if nxt not in _NOT_TARGETS and not lexicon.verb(nxt):
            return Target(reference=f"word:{nxt}")  # "the destroy of stack test"
    if word in _SYMPTOMS:
        return None  # "deploy failed again": what happened, not what it happened to
    if k + 1 < len(words_) and words_[k + 1] in _PARTS_OF_A_SYSTEM and word not in COMMON_WORDS - _NAMEABLE:
        return Target(word)  # "the search service", "the billing app": the word names it
    following = kind_at(words_, k + 1, lexicon)
    if following is not None:  # "the router vm, opnsense": the name after the kind wins
        named = _apposition(tokens, k + 1 + following[1], lexicon)
        if named is not None:
            return named
    return Target(reference=f"word:{word}")


def _apposition(tokens: list[Tok], k: int, lexicon: Lexicon) -> Target | None:
    """The name right after a kind: "the vm shop", "the virtual machine mailrelay", "the router vm, opnsense"."""
    set_off = k < len(tokens) and tokens[k].text == ","
    if set_off:
        k += 1
    if k >= len(tokens) or tokens[k].punct:
        return None
    word = tokens[k].text
    if is_name(word):
        return Target(word)
    if set_off and word in TEMPLATE_ALIASES and (k + 1 >= len(tokens) or tokens[k + 1].punct):
        return Target(word)  # "the router vm, opnsense, NOW": set off by commas, the software names the guest
    if (tokens[k].integer or 0) >= _FIRST_GUEST_ID and tokens[k].size is None and not tokens[k].ordinal:
        return Target(word)  # "vm 130", "ct 205": a guest's number is its name (not "db 1 core")
    if word in PARTICLES:
        return None  # "take the ldap container offline": the particle of the verb, not a name
    if lexicon.unknown(word) and word not in _SYMPTOMS:
        return Target(reference=f"word:{word}")
    return None
