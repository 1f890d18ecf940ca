"""The resources a request describes, and the thing an operation acts on.

Resources are noun groups: ``[count] [template [version]] [hint] KIND`` ("two Ubuntu VMs", "a redis
docker container"), followed by what describes them until the next group: a name ("named web-01",
"called x", "name it dns-01"), specs ("2 vCPUs", "half a gig of RAM", "a 50GB disk", "512MB each")
and a template ("with nginx"). A template without a kind ("deploy postgres") is a resource of the
template's role (database). "The web server" after "a web server" is a reference, not a new one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from alma.conversation.intent import Resource
from alma.conversation.lexicon import (
    CORE_WORDS,
    COUNT_WORDS,
    DETERMINERS,
    DISK_WORDS,
    INFRA_KINDS,
    KIND_HINTS,
    KIND_PHRASES,
    MEMORY_WORDS,
    OPERATING_SYSTEMS,
    ROLE_OF_TEMPLATE,
    TEMPLATE_ALIASES,
    Lexicon,
    distro_release,
    words,
)
from alma.conversation.quantities import Tok, disk_of, memory_of

NAME_LIKE = re.compile(r"^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+$|^[a-z]+[0-9]+[a-z0-9]*$")
_MAX_KIND = max(len(p) for p in KIND_PHRASES)
_NAME_WORDS = frozenset({"named", "called", "hostname", "name"})
# Words after which a piece of software is named: "deploy valkey as a cache", "and a zookeeper too".
_OPENERS = frozenset(words("up deploy run install provision launch need want get gimme"))
_FLUSH = frozenset({"and", "plus", "also", "along", "together", "behind", "front", "alongside"})
_TEMPLATE_BEFORE = frozenset({"with", "running", "using", "from", "image", "template", "based", "of", "runs"})
_VERSION = re.compile(r"^\d+(\.\d+)*$|^(jammy|focal|noble|bookworm|bullseye|trixie|edge|latest|lts)$")
_MEMORY_CEILING_MIB = 512 * 1024  # an unlabeled size above this is a disk, below it memory
_GENERIC_PARTS = frozenset(
    words(
        "app apps application applications worker workers agent agents runner runners service services backend backends"
    )
)
_ADJECTIVES = frozenset(
    words("new more small large big tiny identical fresh worker build test dev web app extra beefy cheap spare")
)
_NOT_NAMES = frozenset(
    words(
        "to on in at for with by from of into onto about the a an all my our your their whole entire every "
        "everything anything something nothing last previous latest recent current old new back up down off out "
        "why what how which who where when there here please just now again quickly right immediately so also "
        "too and or but if then is are was be been it its me us you i we they one ones same other some more "
        "less version revision state status environment env instead first second yes no not ok okay"
    )
)
_SYMPTOM_HEADS = frozenset(words("crash boot restart reboot auto self health over under fail start"))
# Prefixes and linking words that make a hyphenated word an English compound ("pre-upgrade snapshot",
# "start-on-boot"), not a resource's name; only when every part is a plain word ("pre-prod-2" stays one).
_ENGLISH_NOUN_ENDINGS = ("ment", "tion", "sion", "ness", "ance", "ence", "ship")
_PREFIXES = frozenset(words("pre post non anti multi semi sub co de un auto self"))
_LINKS = frozenset(words("on of to at in by for and or the"))
_COMPOUNDS = frozenset(
    words(
        "what-if built-in follow-up up-to-date e-mail re-deploy re-run re-create re-install on-call long-term "
        "short-term read-only real-time add-on check-in sign-in log-in opt-in opt-out set-up one-off trade-off "
        "third-party open-source day-to-day end-to-end high-availability well-known out-of-date in-place "
        "hands-on walk-through heads-up write-up sign-off go-live roll-out"
    )
)
# A version, not a name: "put v1 back", "v2.3 has a bug", "rc1".
# a version ("v2", "rc1") or a percentile ("p99", "p50": a latency figure, not a guest) is never a name
_VERSION_WORD = re.compile(r"^(?:(?:v|rc)\d+(?:\.\d+)*|p\d{2,3}(?:\.\d+)?)$")
_NON_NAMES = frozenset(
    {"k8s", "x86", "arm64", "ipv4", "ipv6", "i386", "s3", "ec2", "l4", "l7", "md5", "sha256", "eli5"}
)


@dataclass(slots=True)
class _Group:
    kind: str | None = None
    template: str | None = None
    count: int = 1
    name: str | None = None
    cores: int | None = None
    memory_mb: int | None = None
    disk_gb: int | None = None
    definite: bool = False
    guessed: bool = False  # the template is an unknown word read as software
    plural: bool = False
    generic: bool = False  # the kind came from "server": the template's role says more ("nginx servers")
    counted: bool = False  # a count was said ("one vm", "3 lxcs"), so it is one of several groups on purpose
    heading: bool = False  # followed by ":": the whole, whose parts follow

    def bare(self) -> bool:
        """Nothing but a kind: "some servers", "it is a virtual machine"."""
        sized = self.cores is not None or self.memory_mb is not None or self.disk_gb is not None
        return self.template is None and self.name is None and not sized and not self.counted

    def resource(self) -> Resource:
        kind = self.kind
        role = ROLE_OF_TEMPLATE.get(self.template or "")
        if (kind is None or self.generic) and self.template is not None:
            kind = role or ("vm" if self.template in OPERATING_SYSTEMS else kind or "service")
        resource = Resource(self.name, kind, self.template, self.cores, self.memory_mb, self.disk_gb, self.count)
        return replace(resource, plural=self.plural and self.count == 1)


@dataclass(slots=True)
class _Pending:
    count: int | None = None
    template: str | None = None
    hint: str | None = None
    name: str | None = None
    definite: bool = False
    specs: dict[str, int] = field(default_factory=dict)
    guessed: bool = False

    def empty(self) -> bool:
        return self.count is None and self.template is None and self.hint is None


def is_name(word: str) -> bool:
    """A word shaped like a resource's name: "web-01", "db1", "shop-app" (not "crash-looping", "k8s")."""
    if not NAME_LIKE.match(word) or word in _NON_NAMES or word in TEMPLATE_ALIASES or _VERSION_WORD.match(word):
        return False
    if distro_release(word) is not None:
        return False  # "deb12": a distribution and its release
    parts = re.split(r"[-_.]", word)
    if parts[0] in _SYMPTOM_HEADS and parts[-1].endswith(("ing", "ed", " loop", "loops")):
        return False  # "crash-looping", "boot-looping": a symptom, not a name
    if all(p.isalpha() for p in parts) and (
        parts[0] in _PREFIXES or (len(parts) > 2 and any(p in _LINKS for p in parts[1:-1]))
    ):
        return False  # "pre-upgrade", "self-signed", "start-on-boot", "out-of-memory": English, not a name
    return word not in _COMPOUNDS


def kind_at(words: list[str], i: int, lexicon: Lexicon) -> tuple[str, int] | None:
    """The kind a word group starting at ``i`` names, and its length; plurals and typos tolerated."""
    for size in range(_MAX_KIND, 0, -1):
        chunk = words[i : i + size]
        if len(chunk) < size:
            continue
        for candidate in _singulars(chunk, lexicon):
            if tuple(candidate) in KIND_PHRASES:
                return KIND_PHRASES[tuple(candidate)], size
    return None


def _singulars(chunk: list[str], lexicon: Lexicon) -> list[list[str]]:
    last = chunk[-1]
    forms = [last]
    if last.endswith("ies"):
        forms.append(last[:-3] + "y")
    if last.endswith("es"):
        forms.append(last[:-2])
    if last.endswith("s"):
        forms.append(last[:-1])
    fixed = lexicon.correct(last)
    if fixed is not None:
        forms.append(fixed)
        if fixed.endswith("s"):
            forms.append(fixed[:-1])
    return [[*chunk[:-1], form] for form in forms]


def template_of(word: str, lexicon: Lexicon) -> str | None:
    if word in TEMPLATE_ALIASES:
        return TEMPLATE_ALIASES[word]
    if distro_release(word) is not None:  # "deb12", "ubuntu24"
        return distro_release(word)
    fixed = lexicon.correct(word)
    return TEMPLATE_ALIASES.get(fixed) if fixed is not None else None


def extract(tokens: list[Tok], start: int, lexicon: Lexicon) -> list[Resource]:
    """The resources described in ``tokens[start:]``."""
    return _Chunker(tokens, lexicon).read(start)


class _Chunker:
    """Reads noun groups left to right: what is pending (a count, a template, a name, specs said before
    the kind) becomes a group at its kind; what follows a group describes it until the next one."""

    def __init__(self, tokens: list[Tok], lexicon: Lexicon) -> None:
        self.tokens = tokens
        self.words = [t.text for t in tokens]
        self.lexicon = lexicon
        self.groups: list[_Group] = []
        self.current: _Group | None = None
        self.pending = _Pending()
        self.kind_end = -1  # where the last kind phrase ended ("vlan network": one group)
        self.container_hint = any(w in {"docker", "podman", "compose"} for w in self.words)
        self.spread = False  # specs said after "both"/"each" go to every group

    def _spec_follows(self, i: int) -> bool:
        nxt = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        return nxt is not None and (nxt.size is not None or nxt.integer is not None)

    def read(self, start: int) -> list[Resource]:
        i = start
        while i < len(self.tokens):
            i = self._step(i)
        self._finish()
        self.groups = _restated(self.groups)
        if self.container_hint:
            for group in self.groups:
                if group.kind is None and group.template is not None and group.template not in OPERATING_SYSTEMS:
                    group.kind = "container"
        return [r for g in self.groups for r in self._each_named(g.resource())]

    def _each_named(self, resource: Resource) -> list[Resource]:
        """ "2 debian VMs named k8s-cp and k8s-worker", "3 lxcs called a, b and c": as many names as copies,
        one resource each; otherwise the resource as it is."""
        if resource.count < 2 or resource.name is None or resource.name not in self.words:
            return [resource]
        names = [resource.name]
        k = self.words.index(resource.name) + 1
        while k + 1 < len(self.words) and self.words[k] in {",", "and"} and is_name(self.words[k + 1]):
            names.append(self.words[k + 1])  # ", node-b", "and node-c"
            k += 2
        if len(names) != resource.count:
            return [resource]
        return [replace(resource, name=name, count=1) for name in names]

    def _step(self, i: int) -> int:
        tok, word, words = self.tokens[i], self.words[i], self.words
        pending = self.pending
        if word in {"both", "each", "all"} and len(self.groups) > 1 and self._spec_follows(i):
            self.current, self.pending, self.spread = None, _Pending(), True  # "…, both 1 core 1GB": for every one
            return i + 1
        if word == "for" and (self.groups or pending.template) and words[i + 1 : i + 2] != ["each"]:
            return self._skip_purpose(i)  # "for the db tier", "for the celery stuff": what it is for
        found = kind_at(words, i, self.lexicon) if tok.number is None and tok.size is None else None
        if found is not None and not (
            found[0] == "storage" and self.current is not None and _after_size(self.tokens, i)
        ):
            return self._kind(i, *found)
        template = template_of(word, self.lexicon) if tok.number is None and tok.size is None else None
        if template is not None or self._guessed_template(i):
            return self._template(i, template or word, guessed=template is None)
        if word in KIND_HINTS:
            pending.hint = KIND_HINTS[word]
        elif word in {"the", "that", "this", "those", "these"}:
            pending.definite = True
        elif word in DETERMINERS or word in {"new", "fresh", "another"}:
            pending.definite = False
        elif word in _FLUSH and pending.template is not None:
            self._flush()
        elif tok.integer is not None and not tok.ordinal:
            return self._number(i)
        elif tok.size is not None:
            _size(self.tokens, i, self.current, pending)
        elif word in CORE_WORDS and i + 1 < len(self.tokens) and self.tokens[i + 1].integer is not None:
            _set(self.current, pending, "cores", self.tokens[i + 1].integer)
            return i + 2
        elif word in _NAME_WORDS or (word == "call" and words[i + 1 : i + 2] in (["it"], ["them"])):
            name, after = _name_after(self.tokens, i)
            if name is not None:
                if self.current is not None and self.current.name is None:
                    self.current.name = name
                else:
                    pending.name = name
            return after
        elif is_name(word) and (i == 0 or words[i - 1] not in {"on", "to", "from", "behind", "of"}):
            listed = i > 0 and self.tokens[i - 1].text in {":", ","}  # "new lxc: ubuntu, wiki-int, 2c 2g"
            if (
                self.current is not None
                and self.current.name is None
                and (_right_after_kind(words, i, self.lexicon) or (listed and pending.empty()))
            ):
                self.current.name = word
            elif self.current is None and pending.name is None:
                pending.name = word
        return i + 1

    def _kind(self, i: int, kind: str, size: int) -> int:
        pending, current = self.pending, self.current
        words = self.words
        if current is not None and self.kind_end == i and pending.empty():
            if not (kind == "vm" and current.kind not in INFRA_KINDS):  # "redis cache server": still a cache
                current.kind = kind if current.kind not in INFRA_KINDS or kind in INFRA_KINDS else current.kind
            self.kind_end = i + size
            return i + size
        if current is not None and i > 0 and words[i - 1] == "with" and kind == current.kind and pending.empty():
            return i + size  # "a network called dmz with vlan 20": what it has, not a second one
        if i > 0 and words[i - 1] in {"in", "as", "on", "into"} and pending.empty() and self.groups:
            # "a gitea with postgres behind it, in containers": how the groups run, not another one
            for group in self.groups:
                if group.kind is None or (kind in INFRA_KINDS and group.kind not in INFRA_KINDS and group.template):
                    group.kind = kind if kind in INFRA_KINDS else group.kind or kind
            return i + size
        hinted = pending.hint if pending.hint in INFRA_KINDS and kind not in INFRA_KINDS else None
        if pending.definite and pending.count is None and any(g.kind == kind for g in self.groups):
            self.current = next(g for g in self.groups if g.kind == kind)  # "the web server": said before
        else:
            group = _Group(hinted or kind, pending.template, pending.count or 1, pending.name)
            group.guessed = pending.guessed
            group.counted = pending.count is not None
            group.heading = words[i + size : i + size + 1] == [":"]  # "a small web app: one nginx and …"
            said = words[i + size - 1]
            group.plural = pending.count is None and said.endswith("s") and (said,) not in KIND_PHRASES
            group.generic = kind == "vm" and said in {"server", "servers"} and hinted is None
            if kind in INFRA_KINDS and pending.hint in INFRA_KINDS:
                group.kind = pending.hint if kind == "container" else kind
            for key, value in pending.specs.items():
                setattr(group, key, value)
            self.groups.append(group)
            self.current = group
        self.pending = _Pending()
        self.kind_end = i + size
        return i + size

    def _template(self, i: int, template: str, guessed: bool) -> int:
        words, current, pending = self.words, self.current, self.pending
        nxt = words[i + 1] if i + 1 < len(words) else ""
        system = nxt in {"stack", "setup", "environment", "project", "platform", "site", "install", "deployment"}
        if system and words[i + 2 : i + 3] in ([":"], ["of"], ["consisting"], ["made"], ["including"]):
            return i + 2  # "a wordpress stack: nginx, php-fpm and mysql": the system, not a part of it
        back = i - 1
        while back > 0 and words[back] in {"the", "a", "an", "official", "latest", "stock"}:
            back -= 1
        before = words[back] if back >= 0 else ""
        attaches = current is not None and pending.empty() and not kind_at(words, i + 1, self.lexicon)
        if attaches and current is not None:
            fits = (
                (template in OPERATING_SYSTEMS and current.kind in INFRA_KINDS)
                or ROLE_OF_TEMPLATE.get(template) == current.kind
                or current.kind in {"container", "deployment"}  # "two container nginx": any image runs in one
            )
            said_with = before in _TEMPLATE_BEFORE or (before == "on" and template in OPERATING_SYSTEMS)
            if said_with and (current.template is None or current.guessed):
                current.template, current.guessed = template, guessed
                return self._past_version(i + 1)
            after_name = current.name is not None and words[i - 1] == current.name  # "vm gitlab-runner-7 debian"
            # "new vm: linux — debian": the family said first, then which one
            family = words[i - 1] in {"linux", "gnu"} and (self.kind_end == i - 1 or self.tokens[i - 2].punct)
            opens = self.kind_end == i or self.tokens[i - 1].punct or after_name or family
            if fits and current.template is None and opens:
                current.template = template  # "a database server (PostgreSQL)", "new lxc: ubuntu"
                return self._past_version(i + 1)
        if pending.template is not None:
            self._flush()
        self.pending.template = template
        self.pending.guessed = guessed
        return self._past_version(i + 1)

    def _guessed_template(self, i: int) -> bool:
        """An unknown word where software goes: "a jellyfin container", "the mosquitto image", "deploy
        valkey as a cache", "and a zookeeper too"."""
        word, words = self.words[i], self.words
        if i > 0 and words[i - 1] == "image" and (self.lexicon.unknown(word) or is_name(word)):
            return True  # "--name uptime-kuma louislam/uptime-kuma": whatever the image is called, it is software
        if not self.lexicon.unknown(word) or is_name(word):
            return False
        if len(word) > 6 and word.endswith(_ENGLISH_NOUN_ENDINGS):
            return False  # "I need a replacement: ubuntu vm, …": an English noun, no software's name
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt in {"image", "images"} or kind_at(words, i + 1, self.lexicon) is not None or nxt in KIND_HINTS:
            return True
        before = words[i - 1] if i > 0 else ""
        earlier = words[i - 2] if i > 1 else ""
        if before == "image":
            return True  # "--image=grafana/promtail", "image promtail": whatever it is, it is software
        opening = before in _OPENERS or (before in {"a", "an", "one"} and (i < 2 or earlier in _OPENERS | _FLUSH))
        return opening and (
            nxt in {"", "as", "in", "on", "with", "and", "too", "plus", "behind"} or self.tokens[i + 1].punct
        )

    def _past_version(self, i: int) -> int:
        while i < len(self.tokens) and _VERSION.match(self.words[i]):
            nxt = self.words[i + 1] if i + 1 < len(self.words) else ""
            if nxt in CORE_WORDS or nxt in COUNT_WORDS or nxt in MEMORY_WORDS or nxt in DISK_WORDS:
                break  # "debian 8 cores": a count of cores, not Debian 8
            i += 1
        return i

    def _number(self, i: int) -> int:
        words, pending = self.words, self.pending
        value = self.tokens[i].integer
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt in CORE_WORDS:
            _set(self.current, pending, "cores", value)
            return i + 2
        after = words[i + 2] if i + 2 < len(words) else ""
        if nxt in COUNT_WORDS and not kind_at(words, i + 2, self.lexicon) and after not in KIND_HINTS:
            if self.current is not None and value is not None and value > 0:
                self.current.count = value
            elif value:
                pending.count = value
            return i + 2
        j = i + 1
        while j < len(words) and j < i + 4 and self._modifier(j):
            j += 1
        if j < len(words) and (
            kind_at(words, j, self.lexicon) or template_of(words[j], self.lexicon) or words[j] in KIND_HINTS
        ):
            if pending.template is not None:
                self._flush()  # "mariadb + 2 nginx": the count is the next one's
            self.pending.count = value
        elif j < len(words) and words[j] in _GENERIC_PARTS and value:
            if self.groups or self.current is not None or pending.template is not None:
                self._flush()
                self.groups.append(_Group(count=value, counted=True))  # "and 3 workers for the celery stuff"
                self.current = self.groups[-1]
            else:
                pending.count = value  # "we need 10 build agents. alpine lxc.": the count of what follows
            return j + 1
        return i + 1

    def _modifier(self, j: int) -> bool:
        word = self.words[j]
        if self.tokens[j].punct or self.tokens[j].number is not None or self.tokens[j].size is not None:
            return False
        if word in _GENERIC_PARTS:
            return False
        return word in _ADJECTIVES or word in KIND_HINTS or word == "k8s" or self.lexicon.unknown(word)

    def _skip_purpose(self, i: int) -> int:
        j = i + 1
        while j < len(self.tokens) and not self.tokens[j].punct and self.words[j] not in {"and", "with", "plus"}:
            if self.words[j] in _NAME_WORDS or self.words[j] == "call":
                break
            j += 1
        return j

    def _flush(self) -> None:
        pending = self.pending
        if pending.template is None:
            return
        group = _Group(template=pending.template, count=pending.count or 1, name=pending.name)
        group.guessed = pending.guessed
        if pending.hint in INFRA_KINDS:
            group.kind = pending.hint
        for key, value in pending.specs.items():
            setattr(group, key, value)
        self.groups.append(group)
        self.current, self.pending = group, _Pending()

    def _finish(self) -> None:
        pending, groups = self.pending, self.groups
        if self.spread and pending.template is None and pending.specs:
            for group in groups:
                for key, value in pending.specs.items():
                    if getattr(group, key) is None:
                        setattr(group, key, value)
            return
        if pending.template is not None:
            self._flush()
        elif not groups and (pending.specs or pending.count):
            loose = _Group(name=pending.name, count=pending.count or 1)
            for key, value in pending.specs.items():
                setattr(loose, key, value)
            groups.append(loose)
        elif pending.name is not None and groups and groups[0].name is None and pending.name not in _NOT_NAMES:
            groups[0].name = pending.name


def _restated(groups: list[_Group]) -> list[_Group]:
    """Groups without a bare one that another group of its kind describes: "my boss wants some servers …
    let's do two ubuntu VMs with 4GB each", "a computer with ubuntu and 8 gigs, it's a virtual machine":
    one thing said twice, vaguely once."""
    return [
        g
        for g in groups
        if not (g.bare() and g.kind is not None and any(o.kind == g.kind and not o.bare() for o in groups))
        and not (g.bare() and g.heading and len(groups) > 1)
    ]


def _right_after_kind(words: list[str], i: int, lexicon: Lexicon) -> bool:
    return any(kind_at(words, j, lexicon) is not None for j in range(max(0, i - 2), i))


def _after_size(tokens: list[Tok], i: int) -> bool:
    return i > 0 and (tokens[i - 1].size is not None or (i > 1 and tokens[i - 2].size is not None))


def _set(current: _Group | None, pending: _Pending, key: str, value: int | None) -> None:
    if value is None:
        return
    if current is not None:
        if getattr(current, key) is None:
            setattr(current, key, value)
    else:
        pending.specs.setdefault(key, value)


def _number(tokens: list[Tok], i: int, current: _Group | None, pending: _Pending, lexicon: Lexicon) -> int:
    value = tokens[i].integer
    words = [t.text for t in tokens]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if nxt in CORE_WORDS:
        _set(current, pending, "cores", value)
        return i + 2
    if nxt in COUNT_WORDS:
        if current is not None and value is not None and value > 0:
            current.count = value
        return i + 2
    j = i + 1
    while j < len(words) and (words[j] in {"new", "more", "small", "large", "big", "tiny", "identical", "fresh"}):
        j += 1
    if j < len(words) and (kind_at(words, j, lexicon) or template_of(words[j], lexicon) or words[j] in KIND_HINTS):
        pending.count = value
    return i + 1


def _size(tokens: list[Tok], i: int, current: _Group | None, pending: _Pending) -> None:
    size = tokens[i].size
    assert size is not None
    label = _label(tokens, i)
    mib = memory_of(size)
    if label is None:
        has_memory = (current.memory_mb if current is not None else pending.specs.get("memory_mb")) is not None
        label = "disk" if has_memory or mib is None or mib > _MEMORY_CEILING_MIB else "memory"
    if label == "memory":
        _set(current, pending, "memory_mb", mib)
    else:
        _set(current, pending, "disk_gb", disk_of(size))


def _label(tokens: list[Tok], i: int) -> str | None:
    words = [t.text for t in tokens]
    j = i + 1
    while j < len(words) and words[j] in {"of", "for", "worth", "each", "per"}:
        j += 1
    if j < len(words):
        if words[j] in MEMORY_WORDS:
            return "memory"
        if words[j] in DISK_WORDS:
            return "disk"
    for j in range(i - 1, max(-1, i - 6), -1):  # "the disk of db-01 to 20GB", "ram: 4g"
        if tokens[j].size is not None or words[j] in {",", ";", ".", "and"}:
            break
        if words[j] in MEMORY_WORDS:
            return "memory"
        if words[j] in DISK_WORDS:
            return "disk"
    return None


def _name_after(tokens: list[Tok], i: int) -> tuple[str | None, int]:
    """The name after "named"/"called"/"name it"/"hostname"; and where reading goes on."""
    words = [t.text for t in tokens]
    j = i + 1
    skipped = {"it", "them", "as", "the", "is", "to", "of", "like", "should", "will", "would", "must", "be", "shall"}
    while j < len(words) and (words[j] in skipped or tokens[j].punct):
        if words[j] == "of" and words[i] != "name":
            break
        j += 1
    if j < len(words) and tokens[j].size is None and words[j] not in {"and", "with"}:
        if words[i] == "name" and j == i + 1 and not is_name(words[j]) and not words[j].isalnum():
            return None, i + 1  # "name" as a noun: "with the name…" is read on the next word
        if not is_name(words[j]) and (words[j] in _NOT_NAMES or words[j] in DETERMINERS):
            return None, i + 1
        return words[j], j + 1
    return None, i + 1


def with_target(resources: list[Resource], target: str | None) -> list[Resource]:
    """Resources named after the target where the sentence gave them no name."""
    return [replace(r, name=r.name or target) for r in resources]
