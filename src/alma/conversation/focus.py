"""The session's focus: what the conversation is about, so "it", "that one", "the database" mean something.

Focus remembers the resources mentioned (newest first), the current target, the last request and an
action waiting for confirmation (a plan's operation, or a destructive request). ``resolve`` applies it
to a freshly parsed ``Intent``; ``advance`` moves it on. A topic switch is noticed when the user says
so ("by the way"), names a different resource, or leaves infrastructure altogether.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from alma.conversation.intent import INTENTS, Direction, Intent, IntentName, Resource
from alma.conversation.lexicon import ROLE_OF_TEMPLATE

MAX_REMEMBERED = 10
_OPERATIONS: frozenset[IntentName] = frozenset(
    {"deploy", "destroy", "start", "stop", "restart", "scale", "update", "rollback"}
)
# Intents that act on one thing: without a target of their own they act on the focus.
_TARGETED: frozenset[IntentName] = frozenset(
    {"destroy", "start", "stop", "restart", "scale", "update", "status", "troubleshoot"}
)


@dataclass(frozen=True, slots=True)
class Resolved:
    """An intent with the session's context applied: the reading the guard and the persona see."""

    name: IntentName
    target: str | None
    resources: tuple[Resource, ...]
    direction: Direction | None
    scale_to: int | None
    confidence: float
    switched: bool
    cancelled: bool = False
    from_pending: bool = False


@dataclass(slots=True)
class Focus:
    resources: list[dict[str, Any]] = field(default_factory=list)
    target: str | None = None
    intent: IntentName | None = None
    pending: dict[str, Any] | None = None
    switched: bool = False

    @classmethod
    def from_state(cls, state: dict[str, Any] | None) -> Focus:
        state = state or {}
        intent = state.get("intent")
        return cls(
            [r for r in state.get("resources", []) if isinstance(r, dict)][:MAX_REMEMBERED],
            state.get("target") if isinstance(state.get("target"), str) else None,
            intent if intent in INTENTS else None,
            state.get("pending") if isinstance(state.get("pending"), dict) else None,
            bool(state.get("switched", False)),
        )

    def to_state(self) -> dict[str, Any]:
        return {
            "resources": self.resources,
            "target": self.target,
            "intent": self.intent,
            "pending": self.pending,
            "switched": self.switched,
        }

    # ------------------------------------------------------------------ resolution

    def resolve(self, parsed: Intent) -> Resolved:
        """The parsed intent read in this focus: references resolved, follow-ups and confirmations applied."""
        name: IntentName = parsed.name
        target = parsed.target
        confidence = parsed.confidence
        direction, scale_to = parsed.direction, parsed.scale_to
        from_pending = False
        if parsed.cancel:
            return Resolved("unknown", target or self.target, (), None, None, confidence, False, cancelled=True)
        if parsed.proceed:
            if self.pending is None:
                return Resolved("unknown", target, (), None, None, 0.4, False)
            name = self.pending["intent"]
            target = self.pending.get("target")
            direction, scale_to = self.pending.get("direction"), self.pending.get("scale_to")
            from_pending = True
        elif parsed.follow_up and self.intent is not None:
            name = self.intent
            confidence = 0.75
        else:
            context = next((s.split(":", 1)[1] for s in parsed.signals if s.startswith("context:")), None)
            if context in INTENTS and self.target is not None:
                name = context
                confidence = 0.6
        if target is None and parsed.reference is not None:
            target = self._referent(parsed.reference)
        if target is None and name in _TARGETED and not from_pending and parsed.reference in {None, "it"}:
            target = self.target
        if name == "scale" and direction is None and scale_to is not None:
            current = self._count(target)
            if scale_to == 0 or (current is not None and scale_to < current):
                direction = "down"
            elif current is not None and scale_to > current:
                direction = "up"
            elif current is None and scale_to <= 1:
                direction = "down"  # "scale api to 1": nothing known says it was 1 already
        switched = parsed.topic_switch or (
            parsed.name == "unknown"
            and not (parsed.proceed or parsed.cancel or parsed.follow_up)
            and self.intent is not None
            and name == "unknown"
        )
        if parsed.target is not None and self.target is not None and parsed.target != self.target:
            switched = switched or not parsed.follow_up
        return Resolved(name, target, parsed.resources, direction, scale_to, confidence, switched, False, from_pending)

    def _referent(self, reference: str) -> str | None:
        if reference == "it":
            return self.target or next((r.get("name") for r in self.resources if r.get("name")), None)
        what, _, value = reference.partition(":")
        for remembered in self.resources:
            template = remembered.get("template")
            kinds = {remembered.get("kind"), ROLE_OF_TEMPLATE.get(template or "")}
            if (what == "kind" and value in kinds) or (what == "template" and value == template):
                name = remembered.get("name")
                return name if isinstance(name, str) else None
        return value if what == "template" else None

    def _count(self, target: str | None) -> int | None:
        for remembered in self.resources:
            if remembered.get("name") == target and isinstance(remembered.get("count"), int):
                count: int = remembered["count"]
                return count
        return None

    def _known(self, name: str) -> bool:
        return any(r.get("name") == name for r in self.resources)

    # ------------------------------------------------------------------ moving on

    def advance(self, parsed: Intent, resolved: Resolved, destructive: bool, token: str | None) -> None:
        """Remember this turn: its resources, its target, its request, and what now awaits confirmation."""
        self.switched = resolved.switched
        for resource in reversed(resolved.resources):
            if resource.name:
                self.resources = [r for r in self.resources if r.get("name") != resource.name]
            remembered = {"name": resource.name, "kind": resource.kind, "template": resource.template}
            self.resources.insert(0, {**remembered, "count": resource.count})
        if resolved.target is not None and resolved.name != "list":
            self.target = resolved.target
            if not self._known(resolved.target):
                self.resources.insert(0, {"name": resolved.target, "kind": None, "template": None, "count": None})
        if resolved.name == "scale" and resolved.scale_to is not None:
            self.resources = [
                {**r, "count": resolved.scale_to} if r.get("name") == resolved.target else r for r in self.resources
            ]
        del self.resources[MAX_REMEMBERED:]
        if resolved.cancelled:
            self.pending = None
        elif resolved.name == "plan" and parsed.action is not None:
            self.pending = _pending(parsed.action, resolved, None)
        elif destructive:
            self.pending = _pending(resolved.name, resolved, token)
        elif resolved.name != "unknown":
            self.pending = None
        if resolved.name != "unknown":
            self.intent = resolved.name
        self.resources = [replace_none(r) for r in self.resources]


def _pending(intent: IntentName, resolved: Resolved, token: str | None) -> dict[str, Any]:
    return {
        "intent": intent,
        "target": resolved.target,
        "direction": resolved.direction,
        "scale_to": resolved.scale_to,
        "token": token,
    }


def replace_none(remembered: dict[str, Any]) -> dict[str, Any]:
    """A remembered resource as stored: JSON-ready, no unknown keys."""
    return {key: remembered.get(key) for key in ("name", "kind", "template", "count")}
