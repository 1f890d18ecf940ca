"""Reading a description: which building blocks it asks for, how many, what they are called and sized.

One reading for every surface: the parts of the system are the resources the conversation's chunker
reads (``alma.conversation.resources.extract``, the same words ``alma intent`` and chat read), mapped to
building blocks — a kind to its role (web server, load balancer, database…), a template to the role's
flavour (nginx, haproxy, postgres…), counts, names and sizes as said ("two nginx servers" is two web
servers, never one). So ``alma generate``, chat, MCP and the API compose the same blueprint from the
same words, and a chat reply describes exactly what is planned. What the chunker does not do is read
here, from the description's phrases: the stack's name ("an app called shop", "a store called shop",
"… , call it shop"), what is left out ("without a cache", "no queue"), high availability and an address
range for the network. Software no building block runs ("a wordpress site", "a kafka cluster") is not
silently replaced by another: it is left out and said in ``notes``; nothing is invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from alma.blueprint.model import DNS_LABEL, suggest_label
from alma.conversation.intent import Resource
from alma.conversation.lexicon import ROLE_OF_TEMPLATE, Lexicon
from alma.conversation.resources import extract
from alma.conversation.text import tokenize
from alma.generation.blocks import DEFAULTS, FLAVORS, ROLES, STATEFUL, Role
from alma.units import UnitError, disk_gib, memory_mib

NUMBERS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "pair": 2, "couple": 2, "dual": 2, "twin": 2,
    "three": 3, "triple": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12,
}  # fmt: skip
MAX_COUNT = 50
_NUMBER = r"(?:\d+|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"

# Role nouns, in the order a phrase's role is decided: the first role whose noun is in the phrase wins,
# except that a generic noun (server, machine, container, app) gives way to a flavour's own role.
NOUNS: tuple[tuple[Role, str], ...] = (
    ("load_balancer", r"load[- ]?balanc\w*|\blbs?\b|reverse[- ]prox(?:y|ies)|\bprox(?:y|ies)\b|ingress"),
    ("database", r"data ?bases?|\bdbs?\b|\bsql\b"),
    ("cache", r"\bcach(?:e|es|ing)\b"),
    ("queue", r"\bqueues?\b|message brokers?|\bbrokers?\b|\bmq\b|\bmessaging\b"),
    ("web", r"web ?servers?|web ?sites?|web ?apps?|webapps?|front[- ]?ends?|web tier|\bweb\b|\bhttp\b"),
    ("volume", r"\bvolumes?\b|\bbuckets?\b|object storage|shared storage|\bstorage\b"),
    ("network", r"\bnetworks?\b|\bvlans?\b|\bsubnets?\b|\bnamespaces?\b"),
)
GENERIC: tuple[tuple[Role, str], ...] = (
    ("web", r"\bapps?\b|\bapplications?\b|\bapis?\b|\bsites?\b"),
    ("server", r"\bvms?\b|virtual machines?|\bservers?\b|\bmachines?\b|\blxcs?\b|\bhosts?\b|\bcontainers?\b"),
)  # fmt: skip
FLAVOR_WORDS: tuple[tuple[str, Role, str], ...] = (
    (r"\bnginx\b", "web", "nginx"),
    (r"\bapache\b|\bhttpd\b", "web", "apache"),
    (r"\bcaddy\b", "web", "caddy"),
    (r"\bhaproxy\b", "load_balancer", "haproxy"),
    (r"\btraefik\b", "load_balancer", "traefik"),
    (r"\bpostgres(?:ql)?\b|\bpg\b", "database", "postgres"),
    (r"\bmysql\b", "database", "mysql"),
    (r"\bmaria(?:db)?\b", "database", "mariadb"),
    (r"\bmongo(?:db)?\b", "database", "mongodb"),
    (r"\bredis\b", "cache", "redis"),
    (r"\bmemcached?\b", "cache", "memcached"),
    (r"\bvalkey\b", "cache", "valkey"),
    (r"\brabbit(?:mq)?\b", "queue", "rabbitmq"),
    (r"\bnats\b", "queue", "nats"),
    (r"\bdebian\b", "server", "debian"),
    (r"\bubuntu\b", "server", "ubuntu"),
    (r"\balpine\b", "server", "alpine"),
)
# Joins between the parts of a system. The captured word says how the next phrase relates.
_SEPARATOR = re.compile(
    r"\s*(?:(,|;|\.(?:\s|$)|\band\b|\bwith\b|\bhaving\b|\bbehind\b|\bin front of\b|\bplus\b|\bbacked by\b|"
    r"\busing\b|\bconnected to\b|\btalking to\b|\bthat uses\b|\bwithout\b|\bbut no\b|\bas well as\b|\bon\b)\s*)"
)
_NEGATING = ("without", "but no")
_NEGATED_START = re.compile(r"^(?:no|not|never|don'?t\s+\w+|do not\s+\w+|skip\s+the|skip)\b")
_SIZE = re.compile(
    r"(?P<n>\d+(?:\.\d+)?|half an?|a half)\s*(?P<unit>tib|tb|t|gib|gigs?|gb|g|mib|megs?|mb|m)\b"
    r"(?:\s+(?:of\s+)?(?P<what>ram|memory|mem|disk|storage|ssd|space|volume|data))?"
)
_CORES = re.compile(r"(?P<n>" + _NUMBER + r")\s*(?:v?cpus?|v?cores?|processors?)\b")
_REPLICAS = re.compile(r"(?P<n>" + _NUMBER + r")\s+(?:replicas|instances|copies|nodes)\b")
_CIDR = re.compile(r"\b(\d{1,3}(?:\.\d{1,3}){3}/\d{1,2})\b")
_NAME = re.compile(r"\b(?:called|named)\s+[\"'`]?([A-Za-z0-9][A-Za-z0-9_.-]*)")
_PLURAL = re.compile(
    r"\b(?:servers|containers|instances|nodes|vms|machines|replicas|frontends|front-ends|databases|dbs|caches|"
    r"queues|balancers|hosts|apps|workers|sites)\b"
)
_STACK_NOUN = re.compile(r"\b(?:app|application|stack|system|project|platform|environment|site|website)\b")
_STACK_NAME = re.compile(r"\b(?:stack|project|system|environment)\s+(?:called|named)\s+[\"'`]?([a-z0-9][a-z0-9_.-]*)")
# "an app called shop", "a store named shop", "… , call it shop": the whole system's name.
_SYSTEM_NAME = re.compile(
    r"\b(?:app|application|site|website|web ?shop|store|shop|platform|service|blog|wiki|portal|product|setup)"
    r"\s+(?:called|named)\s+[\"'`]?([a-z0-9][a-z0-9_.-]*)"
)
# "…, a postgres database and a cache, called shop": a name after the whole list names the whole.
_TRAILING_NAME = re.compile(r"[,;]\s*(?:all\s+)?(?:called|named)\s+[\"'`]?([a-z0-9][a-z0-9_.-]*)[\"'`]?\s*[.!]?\s*$")
# The system is an application: it has an application tier even when no part names one.
_APPLICATION = re.compile(r"\b(?:web ?)?(?:app|apps|application|applications|site|website|webapp)\b")
_CALL_IT = re.compile(
    r"(?:^|[,;.]\s*|\band\s+)(?:call|name)\s+(?:it|the (?:stack|whole thing|system))\s+[\"'`]?([a-z0-9][a-z0-9_.-]*)"
)
_HA = re.compile(r"\bha\b|highly[- ]available|high[- ]availability|redundan\w*|fault[- ]tolerant")
_KIND_VM = re.compile(r"\bvms?\b|virtual machines?")
_KIND_LXC = re.compile(r"\blxcs?\b|\bcontainers?\b")
_BUCKET = re.compile(r"\bbuckets?\b|object storage")
_UNKNOWN_SOFTWARE = re.compile(r"\b(kafka|elasticsearch|cassandra|zookeeper|etcd|consul|vault|mssql|oracle)\b")


@dataclass(slots=True)
class BlockRequest:
    """One building block as the text asks for it; ``None`` means "the role's default"."""

    role: Role
    flavor: str | None = None
    count: int = 1
    name: str | None = None
    cores: int | None = None
    memory_mb: int | None = None
    disk_gb: int | None = None
    volume_gb: int | None = None
    cidr: str | None = None
    kind: str | None = None  # vm | lxc for servers, bucket for volumes
    said: str = ""  # the phrase it came from

    def describe(self) -> str:
        label = DEFAULTS[self.role].label
        parts = [f"{self.count} × {label}" if self.role not in ("network", "volume") else label]
        details = [d for d in (self.flavor, self.kind) if d and d not in ("network", "volume")]
        details += [f"named {self.name}"] if self.name else []
        details += [f"{self.cores} cores"] if self.cores else []
        details += [f"{self.memory_mb} MiB memory"] if self.memory_mb else []
        details += [f"{self.disk_gb} GiB disk"] if self.disk_gb else []
        details += [f"{self.volume_gb} GiB data"] if self.volume_gb else []
        details += [self.cidr] if self.cidr else []
        return parts[0] + (f" ({', '.join(details)})" if details else "")


@dataclass(slots=True)
class Request:
    """What a description asks for: the blocks, the stack's name if given, and what was not used."""

    text: str
    blocks: list[BlockRequest] = field(default_factory=list)
    stack: str | None = None
    highly_available: bool = False
    excluded: list[Role] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def understood(self) -> list[str]:
        lines = [block.describe() for block in self.blocks]
        lines += [f"stack name {self.stack}"] if self.stack else []
        lines += ["highly available"] if self.highly_available else []
        lines += [f"no {DEFAULTS[role].label}" for role in self.excluded]
        return lines

    def block(self, role: Role) -> BlockRequest | None:
        return next((b for b in self.blocks if b.role == role), None)


def read(text: str) -> Request:
    """The building blocks ``text`` asks for (possibly none: the caller refuses then)."""
    lowered = " ".join(text.lower().split())
    lowered = re.sub(r"\ba (?:pair|couple) of\b", "two", lowered)
    request = Request(text)
    named = (
        _STACK_NAME.search(lowered)
        or _SYSTEM_NAME.search(lowered)
        or _CALL_IT.search(lowered)
        or _TRAILING_NAME.search(lowered)
    )
    described = lowered
    if named:
        request.stack = suggest_label(named[1])
        described = lowered[: named.start(1)] + lowered[named.end(1) :]  # its name names no part
    for joiner, phrase in _phrases(lowered):
        negated = joiner in _NEGATING or bool(_NEGATED_START.match(phrase))
        found = _block_in(phrase) if negated else None
        if found is not None:
            request.excluded.append(found.role)
    tokens, _ = tokenize(re.sub(r"\b(?:called|named)\s*(?=$|[,;.]|\s(?:with|and)\b)", " ", described))
    unknown: list[str] = []
    for resource in extract(tokens, 0, Lexicon()):
        block = _block_of(resource, lowered, unknown)
        if block is None or block.role in request.excluded:
            continue
        if request.stack is not None and block.name == request.stack:
            block.name = None  # "an app called shop": the stack's name, not a part's
        _merge(request, block)
    tiered = any(b.role in ("web", "server") for b in request.blocks) or "web" in request.excluded
    if _APPLICATION.search(lowered) and not tiered and not unknown:  # "a wordpress site" is never nginx
        request.blocks.insert(0, BlockRequest("web", said="app"))  # "an app called shop with a cache"
    cidr = _CIDR.search(lowered)
    if cidr:
        network = request.block("network")
        if network is None:
            request.blocks.append(BlockRequest("network", "network", cidr=cidr[1], said=cidr[0]))
        elif network.cidr is None:
            network.cidr = cidr[1]
    request.highly_available = bool(_HA.search(lowered))
    for software in dict.fromkeys([*unknown, *(m[1] for m in _UNKNOWN_SOFTWARE.finditer(lowered))]):
        request.notes.append(f"'{software}' is not a building block ALMA knows; it was left out")
    return request


# The role each kind of resource plays; a plain machine's template may say more ("a postgres lxc").
_ROLE_OF_KIND: dict[str, Role] = {
    "webserver": "web",
    "loadbalancer": "load_balancer",
    "database": "database",
    "cache": "cache",
    "queue": "queue",
    "network": "network",
    "storage": "volume",
    "vm": "server",
    "lxc": "server",
    "container": "server",
    # a Kubernetes deployment said without its software still runs something: a server, not nothing
    "deployment": "server",
}


def _block_of(resource: Resource, lowered: str, unknown: list[str]) -> BlockRequest | None:
    """The building block a resource read from the text is, or None (its software noted in ``unknown``)."""
    role = _ROLE_OF_KIND.get(resource.kind or "")
    template = resource.template
    flavor: str | None = None
    if template is not None:
        roles = [r for r in ROLES if template in FLAVORS[r] and r not in ("network", "volume")]
        usual = _ROLE_OF_KIND.get(ROLE_OF_TEMPLATE.get(template, ""))
        roles.sort(key=lambda r: r != usual)  # nginx is a web server unless said to balance load
        if role in roles:
            flavor = template
        elif roles and (role in (None, "server", "web") or resource.kind == "service"):
            role, flavor = roles[0], template
        elif role != "server" or resource.kind not in ("vm", "lxc"):
            # "a wordpress site", "a kafka queue": no building block runs it, and none stands in for it
            unknown.append(template)
            return None
    if role is None:
        if template is None and resource.count > 1:
            role = "web"  # "two apps": the application tier
        else:
            return None
    kind = None
    if role == "server" and resource.kind in ("vm", "lxc"):
        said = _KIND_VM if resource.kind == "vm" else _KIND_LXC
        kind = resource.kind if said.search(lowered) else None  # "two debian servers": the provider's default
    if role == "volume":
        kind = "bucket" if template == "bucket" else None
    count = resource.count if resource.count > 1 or not resource.plural else 2
    block = BlockRequest(role, flavor, count, suggest_label(resource.name) if resource.name else None)
    block.kind, block.cores, block.memory_mb = kind, resource.cores, resource.memory_mb
    if role in (*STATEFUL, "volume"):
        block.volume_gb = resource.disk_gb  # a stateful part keeps its data on its volume
    else:
        block.disk_gb = resource.disk_gb
    return block


def _phrases(text: str) -> list[tuple[str, str]]:
    """(the joining word before it, the phrase) for each phrase of ``text``."""
    parts = _SEPARATOR.split(text)
    out: list[tuple[str, str]] = [("", parts[0].strip())]
    for index in range(1, len(parts) - 1, 2):
        out.append((parts[index].strip(" .,;"), parts[index + 1].strip()))
    return [(joiner, phrase) for joiner, phrase in out if phrase]


def _block_in(phrase: str) -> BlockRequest | None:
    """The block one phrase asks for, or None when it names no role or flavour."""
    role: Role | None = None
    for candidate, pattern in NOUNS:
        if re.search(pattern, phrase):
            role = candidate
            break
    flavor_role, flavor_key = next(((r, k) for p, r, k in FLAVOR_WORDS if re.search(p, phrase)), (None, None))
    if role is None:
        role = flavor_role or next((r for r, p in GENERIC if re.search(p, phrase)), None)
    if role is None:
        return None
    flavor_key = flavor_key if flavor_key is not None and flavor_key in FLAVORS[role] else None
    block = BlockRequest(role, flavor_key, said=phrase)
    name = _NAME.search(phrase)
    if name:
        block.name = suggest_label(name[1])
    if role == "server":
        block.kind = "vm" if _KIND_VM.search(phrase) else "lxc" if _KIND_LXC.search(phrase) else None
    if role == "volume" and _BUCKET.search(phrase):
        block.kind = "bucket"
    cidr = _CIDR.search(phrase)
    if cidr:
        block.cidr = cidr[1]
    rest = _size(block, _NAME.sub(" ", phrase), [])
    count = re.search(r"(?:^|\s)(" + _NUMBER + r")\b", rest)
    if count and block.role not in ("network", "volume"):
        block.count = _number(count[1])
    elif _PLURAL.search(rest) and block.role not in ("network", "volume"):
        block.count = max(block.count, 2)
    return block


def _size(block: BlockRequest, phrase: str, notes: list[str]) -> str:
    """Read sizes, cores and replica counts from ``phrase`` into ``block``; the phrase without them."""
    rest = _CIDR.sub(" ", phrase)
    for match in _SIZE.finditer(rest):
        number = {"half a": "0.5", "half an": "0.5", "a half": "0.5"}.get(match["n"], match["n"])
        unit = {"gig": "g", "gigs": "g", "meg": "m", "megs": "m"}.get(match["unit"], match["unit"])
        what = match["what"]
        try:
            if what in ("ram", "memory", "mem") or (what is None and block.role not in (*STATEFUL, "volume")):
                block.memory_mb = memory_mib(f"{float(number) * 1024:g}M" if unit == "g" else f"{number}{unit}")
            elif block.role in (*STATEFUL, "volume") and what in (None, "storage", "volume", "data", "space"):
                block.volume_gb = disk_gib(f"{number}{unit}")
            else:
                block.disk_gb = disk_gib(f"{number}{unit}")
        except UnitError as exc:
            notes.append(f"'{match[0]}' was not used: {exc}")
    rest = _SIZE.sub(" ", rest)
    cores = _CORES.search(rest)
    if cores:
        block.cores = _number(cores["n"])
    rest = _CORES.sub(" ", rest)
    replicas = _REPLICAS.search(rest)
    if replicas:
        block.count = _number(replicas["n"])
    return _REPLICAS.sub(" ", rest)


def _number(word: str) -> int:
    value = int(word) if word.isdigit() else NUMBERS[word]
    return max(1, min(value, MAX_COUNT))


def _merge(request: Request, found: BlockRequest) -> BlockRequest:
    """Add ``found``, or fold it into an earlier block of the same role ("a web app … two nginx containers")."""
    for index, block in enumerate(request.blocks):
        same_name = block.name is None or found.name is None or block.name == found.name
        if block.role != found.role or not same_name or (found.role in ("network", "volume") and found.name):
            continue
        merged = replace(
            block,
            flavor=found.flavor or block.flavor,
            count=max(block.count, found.count),
            name=found.name or block.name,
            cores=found.cores or block.cores,
            memory_mb=found.memory_mb or block.memory_mb,
            disk_gb=found.disk_gb or block.disk_gb,
            volume_gb=found.volume_gb or block.volume_gb,
            cidr=found.cidr or block.cidr,
            kind=found.kind or block.kind,
        )
        request.blocks[index] = merged
        return merged
    request.blocks.append(found)
    return found


def stack_name(request: Request) -> str:
    """The stack's name: the one the text gave, else one made from what it asks for."""
    if request.stack and DNS_LABEL.match(request.stack):
        return request.stack
    roles = {b.role for b in request.blocks}
    if "web" in roles:
        return "web-app"
    first = request.blocks[0].role if request.blocks else "server"
    return suggest_label(f"{DEFAULTS[first].base_name}-stack")
