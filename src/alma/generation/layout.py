"""From what a description asks for to the parts of a system: defaults filled in, names made unique,
who depends on whom, and which part faces the outside. Provider mappings render these parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alma.generation.blocks import DEFAULTS, STATEFUL, WORKLOADS, Flavor, Role, flavor
from alma.generation.reading import BlockRequest, Request, stack_name

# Who talks to whom: a part of the first role depends on every part of the roles listed.
TALKS_TO: dict[Role, tuple[Role, ...]] = {
    "load_balancer": ("web",),
    "web": ("database", "cache", "queue"),
    "server": ("database", "cache", "queue"),
}


@dataclass(slots=True)
class Part:
    """One building block with every default decided."""

    role: Role
    name: str
    flavor: Flavor
    count: int
    cores: int
    memory_mb: int
    disk_gb: int
    volume_gb: int | None
    cidr: str | None = None
    kind: str | None = None
    public: bool = False  # the entry point: the one part whose port is published
    talks_to: list[str] = field(default_factory=list)  # names of the parts it depends on

    def instances(self) -> list[str]:
        """One name per instance, for providers that run each instance as its own resource."""
        return [self.name] if self.count == 1 else [f"{self.name}-{i}" for i in range(1, self.count + 1)]


@dataclass(slots=True)
class Layout:
    stack: str
    description: str
    parts: list[Part]
    notes: list[str]

    def of(self, *roles: Role) -> list[Part]:
        return [p for p in self.parts if p.role in roles]


def lay_out(request: Request) -> Layout:
    """The parts of the system ``request`` describes (empty when it names no block)."""
    notes = list(request.notes)
    blocks = list(request.blocks)
    if request.highly_available:
        blocks = _highly_available(blocks, notes)
    used: set[str] = set()
    parts = [_part(block, used) for block in blocks]
    by_role: dict[Role, list[Part]] = {}
    for part in parts:
        by_role.setdefault(part.role, []).append(part)
    entry = by_role.get("load_balancer") or by_role.get("web") or by_role.get("server")
    for part in entry or []:
        part.public = True
    for part in parts:
        targets = TALKS_TO.get(part.role, ())
        if part.role == "load_balancer" and "web" not in by_role:
            targets = ("server",)
        part.talks_to = [other.name for role in targets for other in by_role.get(role, [])]
    description = " ".join(request.text.split())
    return Layout(stack_name(request), description[:500], parts, notes)


def _highly_available(blocks: list[BlockRequest], notes: list[str]) -> list[BlockRequest]:
    out = list(blocks)
    front = [b for b in out if b.role in ("web", "server")]
    for block in front:
        block.count = max(block.count, 2)
    if front and not any(b.role == "load_balancer" for b in out):
        out.insert(0, BlockRequest("load_balancer", said="highly available"))
        notes.append("highly available: two or more front instances behind a load balancer")
    if any(b.role == "database" for b in out):
        notes.append("highly available: database replication is not composed; the council reports it")
    return out


def _part(block: BlockRequest, used: set[str]) -> Part:
    defaults = DEFAULTS[block.role]
    name = _unique(block.name or defaults.base_name, used)
    volume_gb = block.volume_gb or defaults.volume_gb if block.role in (*STATEFUL, "volume") else block.volume_gb
    return Part(
        role=block.role,
        name=name,
        flavor=flavor(block.role, block.flavor),
        count=block.count if block.role in WORKLOADS else 1,
        cores=block.cores or max(defaults.cores, 1),
        memory_mb=block.memory_mb or max(defaults.memory_mb, 16),
        disk_gb=block.disk_gb or max(defaults.disk_gb, 1),
        volume_gb=volume_gb,
        cidr=block.cidr,
        kind=block.kind,
    )


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate in used or any(candidate == f"{u}-{i}" for u in used for i in range(1, 51)):
        candidate, n = f"{name}{n}", n + 1
    used.add(candidate)
    return candidate


def memory_text(mib: int) -> str:
    """``2048`` → ``"2G"``, ``768`` → ``"768M"``: how a person would write it in a blueprint."""
    return f"{mib // 1024}G" if mib % 1024 == 0 else f"{mib}M"
