"""What a sentence asks for: the intent, the resources it describes, the target it acts on.

``destructive`` is derived here from the intent alone (never from a language model): destroying,
stopping, restarting, rolling back and scaling down interrupt or remove something that runs. For a real
operation the plan has the last word (see ``risk.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

IntentName = Literal[
    "deploy",
    "destroy",
    "start",
    "stop",
    "restart",
    "scale",
    "update",
    "status",
    "list",
    "plan",
    "rollback",
    "design",
    "troubleshoot",
    "explain",
    "unknown",
]
INTENTS: tuple[IntentName, ...] = get_args(IntentName)
# Intents that only read or talk: the risk guard always allows them.
READ_INTENTS: frozenset[IntentName] = frozenset(
    {"status", "list", "plan", "design", "troubleshoot", "explain", "unknown"}
)
# Intents that always interrupt or remove something that runs.
_ALWAYS_DESTRUCTIVE: frozenset[IntentName] = frozenset({"destroy", "stop", "restart", "rollback"})

Direction = Literal["up", "down"]


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource a sentence describes; ``None`` where the sentence does not say."""

    name: str | None = None
    kind: str | None = None
    template: str | None = None
    cores: int | None = None
    memory_mb: int | None = None
    disk_gb: int | None = None
    count: int = 1
    plural: bool = False  # said in the plural without a number ("web servers"): more than one, how many unsaid

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "template": self.template,
            "cores": self.cores,
            "memory_mb": self.memory_mb,
            "disk_gb": self.disk_gb,
            "count": self.count,
        }


@dataclass(frozen=True, slots=True)
class Intent:
    """The parser's reading of one sentence, before the session's context is applied.

    ``reference`` is set when the sentence points at something said before ("it", "that one", "the
    database"); ``follow_up`` when it continues the previous request ("and what about cache-01?");
    ``proceed``/``cancel`` when it confirms or withdraws a pending action; ``action`` is the operation a
    plan intent is about ("what would happen if I deleted db-01" → destroy). ``reference`` may also be
    ``ordinal:2`` ("the second one"), ``word:app`` ("the app": matched against the names the session
    knows), ``kind:database`` or ``template:postgres``.
    """

    name: IntentName
    resources: tuple[Resource, ...] = ()
    target: str | None = None
    confidence: float = 0.0
    direction: Direction | None = None
    scale_to: int | None = None
    reference: str | None = None
    follow_up: bool = False
    proceed: bool = False
    cancel: bool = False
    topic_switch: bool = False
    action: IntentName | None = None
    signals: tuple[str, ...] = field(default=())
    names: tuple[str, ...] = ()  # every name the sentence mentions, in order ("the second one" counts them)
    correction: bool = False  # "wait, not web-a — only web-b": the last request, aimed elsewhere
    excluded: tuple[str, ...] = ()  # names (or "word:…") a correction or an exception leaves out
    stated: tuple[str | None, int] | None = None  # "frontend has 12 replicas": (who, how many) now
    sizes: tuple[tuple[str, int], ...] = ()  # "grafana is using 4 gigs": (spec, value) said of the subject now
    templates: tuple[str, ...] = ()  # the templates the sentence names ("is there an ubuntu template?")


def is_destructive(name: IntentName, direction: Direction | None = None, scale_to: int | None = None) -> bool:
    """Whether carrying out the intent interrupts or removes something: from the intent, never a model."""
    if name in _ALWAYS_DESTRUCTIVE:
        return True
    if name == "scale":
        return direction == "down" or scale_to == 0
    return False
