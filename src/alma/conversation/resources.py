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
    words,
)
from alma.conversation.quantities import Tok, disk_of, memory_of

NAME_LIKE = re.compile(r"^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+$|^[a-z]+[0-9]+[a-z0-9]*$")
_MAX_KIND = max(len(p) for p in KIND_PHRASES)
_NAME_WORDS = frozenset({"named", "called", "hostname", "name"})
_FLUSH = frozenset({"and", "plus", "also", "along", "together"})
_TEMPLATE_BEFORE = frozenset({"with", "running", "using", "from", "image", "template", "based", "of"})
_VERSION = re.compile(r"^\d+(\.\d+)*$|^(jammy|focal|noble|bookworm|bullseye|trixie|edge|latest|lts)$")
_MEMORY_CEILING_MIB = 64 * 1024  # an unlabeled size above this is a disk, below it memory
_NOT_TARGETS = frozenset(
    words(
        "to on in at for with by from of into onto about the a an all my our your their whole entire every "
        "everything anything something nothing last previous latest recent current old new back up down off out "
        "why what how which who where when there here please just now again quickly right immediately so also "
        "too and or but if then is are was be been it its me us you i we they one ones same other some more "
        "less version revision state status environment env instead first second yes no not ok okay"
    )
)
_COMPOUNDS = frozenset(words("what-if built-in follow-up up-to-date e-mail re-deploy re-run re-create re-install"))
_NON_NAMES = frozenset({"k8s", "x86", "arm64", "ipv4", "ipv6", "i386", "s3", "ec2", "l4", "l7", "md5", "sha256"})


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

    def resource(self) -> Resource:
        kind = self.kind
        if kind is None and self.template is not None:
            kind = ROLE_OF_TEMPLATE.get(self.template, "vm" if self.template in OPERATING_SYSTEMS else "service")
        return Resource(self.name, kind, self.template, self.cores, self.memory_mb, self.disk_gb, self.count)


@dataclass(slots=True)
class _Pending:
    count: int | None = None
    template: str | None = None
    hint: str | None = None
    name: str | None = None
    definite: bool = False
    specs: dict[str, int] = field(default_factory=dict)

    def empty(self) -> bool:
        return self.count is None and self.template is None and self.hint is None


def is_name(word: str) -> bool:
    """A word shaped like a resource's name: "web-01", "db1", "shop-app" (not "crash-looping", "k8s")."""
    if not NAME_LIKE.match(word) or word in _NON_NAMES or word in TEMPLATE_ALIASES:
        return False
    last = re.split(r"[-_.]", word)[-1]
    return not (len(last) > 4 and last.isalpha() and last.endswith(("ing", "ed"))) and word not in _COMPOUNDS


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
    fixed = lexicon.correct(word)
    return TEMPLATE_ALIASES.get(fixed) if fixed is not None else None


def extract(tokens: list[Tok], start: int, lexicon: Lexicon) -> list[Resource]:
    """The resources described in ``tokens[start:]``."""
    words = [t.text for t in tokens]
    groups: list[_Group] = []
    current: _Group | None = None
    pending = _Pending()
    i = start
    while i < len(tokens):
        tok, word = tokens[i], words[i]
        found = kind_at(words, i, lexicon) if tok.number is None and tok.size is None else None
        if found is not None and not (found[0] == "storage" and current is not None and _after_size(tokens, i)):
            kind, size = found
            hinted = pending.hint if pending.hint in INFRA_KINDS and kind not in INFRA_KINDS else None
            if pending.definite and pending.count is None and any(g.kind == kind for g in groups):
                current = next(g for g in groups if g.kind == kind)  # "the web server": said before
            else:
                current = _Group(hinted or kind, pending.template, pending.count or 1, pending.name)
                if kind in INFRA_KINDS and pending.hint in INFRA_KINDS:
                    current.kind = pending.hint if kind == "container" else kind
                for key, value in pending.specs.items():
                    setattr(current, key, value)
                groups.append(current)
            pending = _Pending()
            i += size
            continue
        template = template_of(word, lexicon) if tok.number is None and tok.size is None else None
        if template is not None:
            if current is not None and i > 0 and words[i - 1] in _TEMPLATE_BEFORE and current.template is None:
                current.template = template
            else:
                if pending.template is not None:
                    groups.append(_Group(template=pending.template, count=pending.count or 1, name=pending.name))
                    pending = _Pending()
                pending.template = template
            i += 1
            while i < len(tokens) and _VERSION.match(words[i]):
                i += 1
            continue
        if word in KIND_HINTS:
            pending.hint = KIND_HINTS[word]
        elif word in {"the", "that", "this", "those", "these"}:
            pending.definite = True
        elif word in DETERMINERS or word in {"new", "fresh", "another"}:
            pending.definite = False
        elif word in _FLUSH and pending.template is not None:
            groups.append(_Group(template=pending.template, count=pending.count or 1, name=pending.name))
            current, pending = groups[-1], _Pending()
        elif tok.integer is not None and not tok.ordinal:
            i = _number(tokens, i, current, pending, lexicon)
            continue
        elif tok.size is not None:
            _size(tokens, i, current, pending)
        elif word in CORE_WORDS and i + 1 < len(tokens) and tokens[i + 1].integer is not None:
            _set(current, pending, "cores", tokens[i + 1].integer)
            i += 2
            continue
        elif word in _NAME_WORDS:
            name, i = _name_after(tokens, i)
            if name is not None:
                if current is not None and current.name is None:
                    current.name = name
                else:
                    pending.name = name
            continue
        elif is_name(word) and (i == 0 or words[i - 1] not in {"on", "to", "from", "behind"}):
            if current is not None and current.name is None and i > 0 and _right_after_kind(words, i, lexicon):
                current.name = word
            elif current is None and pending.name is None:
                pending.name = word
        i += 1
    if pending.template is not None:
        groups.append(_Group(template=pending.template, count=pending.count or 1, name=pending.name))
    elif not groups and pending.specs:
        loose = _Group(name=pending.name)
        for key, value in pending.specs.items():
            setattr(loose, key, value)
        groups.append(loose)
    elif pending.name is not None and groups and groups[0].name is None and pending.name not in _NOT_TARGETS:
        groups[0].name = pending.name
    return [g.resource() for g in groups]


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
    j = i - 1
    while j >= 0 and (tokens[j].punct or words[j] in {"of", "with", "a", "an", "is", "to", "at", "="}):
        j -= 1
    if j >= 0 and words[j] in MEMORY_WORDS:
        return "memory"
    if j >= 0 and words[j] in DISK_WORDS:
        return "disk"
    return None


def _name_after(tokens: list[Tok], i: int) -> tuple[str | None, int]:
    """The name after "named"/"called"/"name it"/"hostname"; and where reading goes on."""
    words = [t.text for t in tokens]
    j = i + 1
    while j < len(words) and (words[j] in {"it", "them", "as", "the", "is", "to", "of", "like"} or tokens[j].punct):
        if words[j] == "of" and words[i] != "name":
            break
        j += 1
    if j < len(words) and tokens[j].size is None and words[j] not in {"and", "with"}:
        if words[i] == "name" and j == i + 1 and not is_name(words[j]):
            return None, i + 1  # "name" as a noun: "with the name…" is read on the next word
        return words[j], j + 1
    return None, i + 1


def with_target(resources: list[Resource], target: str | None) -> list[Resource]:
    """Resources named after the target where the sentence gave them no name."""
    return [replace(r, name=r.name or target) for r in resources]
