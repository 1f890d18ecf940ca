"""The session's focus: what the conversation is about, so "it", "the second one", "the db" mean something.

Focus remembers the resources mentioned (newest first, with their counts), every name mentioned (in
the order it was first said), the current target and the last request's targets, the last request and
an action waiting for confirmation (a plan's operation, or a destructive request). ``resolve`` applies
it to a freshly parsed ``Intent``; ``advance`` moves it on. References resolve in this order: a name
said before ("it" → the target), a position ("the second one" → the second name of the last request
that named several), a kind or template ("the database" → the remembered resource of that kind, or the
one name that reads as one: ``db-1``), a plain word ("the app" → the one name containing it:
``shop-app``). A correction ("not web-a — only web-b", "except the registry") keeps the last request and
changes its target. A topic switch is noticed when the user says so ("by the way"), names a different
resource, or leaves infrastructure altogether.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from alma.conversation.intent import INTENTS, Direction, Intent, IntentName, Resource
from alma.conversation.lexicon import ROLE_OF_TEMPLATE, SERVICE_ROLES, everyday

MAX_REMEMBERED = 10
# What a thing has, never a thing's name: "restore the snapshot", "roll back the image" are of the focus.
_PARTS = frozenset(
    {"snapshot", "snapshots", "backup", "backups", "checkpoint", "image", "config", "tag", "tags", "revision"}
)
_OPERATIONS: frozenset[IntentName] = frozenset(
    {"deploy", "destroy", "start", "stop", "restart", "scale", "update", "rollback"}
)
# Intents that act on one thing: without a target of their own they act on the focus.
_TARGETED: frozenset[IntentName] = frozenset(
    {"destroy", "start", "stop", "restart", "scale", "update", "status", "troubleshoot", "rollback"}
)
# The short forms a name uses for what it is: "db-1" is a database, "www-2" a web server.
NAME_PARTS: dict[str, frozenset[str]] = {
    "database": frozenset({"db", "database", "pg", "postgres", "mysql", "sql", "maria", "mariadb", "mongo"}),
    "webserver": frozenset({"web", "www", "app", "frontend", "front", "nginx", "site"}),
    "loadbalancer": frozenset({"lb", "proxy", "haproxy", "traefik", "balancer", "ingress"}),
    "cache": frozenset({"cache", "redis", "memcached", "valkey"}),
    "queue": frozenset({"queue", "mq", "rabbit", "rabbitmq", "kafka", "nats", "bus"}),
    "vm": frozenset({"vm"}),
    "container": frozenset({"ct", "container"}),
    "lxc": frozenset({"lxc", "ct"}),
    "network": frozenset({"net", "network", "vlan"}),
    "storage": frozenset({"data", "vol", "volume", "storage", "bucket"}),
}


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
    targets: tuple[str, ...] = ()  # every target, when the request names several
    pending_destructive: bool = False  # "go ahead" with an action that was judged destructive when proposed
    shrinks: bool = False  # a resize to less than the session was told the target has ("set it to 2 cores")


# What a later "its called X" names the thing of: the same question, asked of it.
_READ_AGAIN: frozenset[str | None] = frozenset({"troubleshoot", "status", "explain"})


@dataclass(slots=True)
class Focus:
    resources: list[dict[str, Any]] = field(default_factory=list)
    target: str | None = None
    intent: IntentName | None = None
    pending: dict[str, Any] | None = None
    switched: bool = False
    mentioned: list[str] = field(default_factory=list)  # names in the order first said
    last_named: list[str] = field(default_factory=list)  # the names of the last message that named several
    targets: list[str] = field(default_factory=list)  # the last request's targets
    counts: dict[str, int] = field(default_factory=dict)  # how many instances a name has now, when said
    sizes: dict[str, dict[str, int]] = field(default_factory=dict)  # its cores, memory_mb, disk_gb, when said
    withdrawn: dict[str, Any] | None = None  # the action the last "wait, no" withdrew
    asked: IntentName | None = None  # the act the last question was about ("how do I delete a volume?")
    template: str | None = None  # the one template the last message named ("is there an ubuntu template?")
    measure: str | None = None  # "count" when the last message asked how many copies something runs

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
            _strings(state.get("mentioned")),
            _strings(state.get("last_named")),
            _strings(state.get("targets")),
            {k: v for k, v in (state.get("counts") or {}).items() if isinstance(k, str) and isinstance(v, int)},
            {
                k: {s: n for s, n in v.items() if isinstance(n, int)}
                for k, v in (state.get("sizes") or {}).items()
                if isinstance(k, str) and isinstance(v, dict)
            },
            state.get("withdrawn") if isinstance(state.get("withdrawn"), dict) else None,
            state.get("asked") if state.get("asked") in INTENTS else None,
            state.get("template") if isinstance(state.get("template"), str) else None,
            state.get("measure") if isinstance(state.get("measure"), str) else None,
        )

    def to_state(self) -> dict[str, Any]:
        return {
            "resources": self.resources,
            "target": self.target,
            "intent": self.intent,
            "pending": self.pending,
            "switched": self.switched,
            "mentioned": self.mentioned,
            "last_named": self.last_named,
            "targets": self.targets,
            "counts": self.counts,
            "sizes": self.sizes,
            "withdrawn": self.withdrawn,
            "asked": self.asked,
            "template": self.template,
            "measure": self.measure,
        }

    # ------------------------------------------------------------------ resolution

    def resolve(self, parsed: Intent) -> Resolved:
        """The parsed intent read in this focus: references resolved, follow-ups and confirmations applied."""
        name: IntentName = parsed.name
        target = parsed.target
        confidence = parsed.confidence
        direction, scale_to = parsed.direction, parsed.scale_to
        targets: tuple[str, ...] = tuple(n for n in parsed.names if n not in parsed.excluded)
        if parsed.reference == "one-of":
            targets = ()  # "shut down one of them": not all those named; which one is asked
        from_pending = False
        pending_destructive = False
        resources: tuple[Resource, ...] = parsed.resources
        if "continues:design" in parsed.signals and self.intent == "design" and not (parsed.proceed or parsed.cancel):
            return Resolved("design", None, parsed.resources, None, None, 0.6, False)  # "make it cheaper"
        if parsed.cancel:
            if "undo" in parsed.signals and self.pending is None and self.intent in _OPERATIONS:
                # "cancel that deploy" once it was carried out: nothing waits to be cancelled, so it is undone
                return Resolved("rollback", target or self.target, (), None, None, 0.7, False)
            kept = [n for n in parsed.names if n not in parsed.excluded]
            waiting = self.pending
            if waiting is not None and kept and (not waiting.get("target") or len(waiting.get("targets") or []) > 1):
                # "shut down all dev vms" … "wait, keep dev-db running": an exception, the rest still goes
                others = tuple(t for t in waiting.get("targets") or [] if isinstance(t, str) and t not in kept)
                return Resolved(
                    waiting["intent"] if waiting.get("intent") in INTENTS else "unknown",
                    others[0] if len(others) == 1 else None,
                    (),
                    waiting.get("direction"),
                    waiting.get("scale_to"),
                    0.7,
                    False,
                    targets=others if len(others) > 1 else (),
                    pending_destructive=bool(waiting.get("destructive")),
                )
            return Resolved("unknown", target or self.target, (), None, None, confidence, False, cancelled=True)
        if parsed.correction and parsed.resources and self.intent == "deploy" and self.resources:
            return self._redeployed(parsed)
        times = next((s.removeprefix("times:") for s in parsed.signals if s.startswith("times:")), None)
        # "how many replicas does checkout have?" … "double it": the count just asked about, multiplied; so too
        # after "deploy 3 nginx containers", where several copies were asked for
        counted = self.measure == "count" or (self.intent == "deploy" and self._copies() > 1)
        if name == "update" and times is not None and counted:
            name, direction = "scale", "down" if times == "down" else "up"
        if name == "plan" and self.intent == "design" and target is None and parsed.action in {None, "deploy"}:
            name = "design"  # "design a logging pipeline" … "what if we swap in loki?": the design, varied
        sized_by = {"memory": "memory_mb", "disk": "disk_gb", "cores": "cores"}.get(self.measure or "")
        if name == "scale" and "count-unsaid" in parsed.signals and sized_by and parsed.scale_to:
            # "how much ram does db-02 have?" … "32? way too much, cut it to 8": 8 of what was asked about
            value = parsed.scale_to * 1024 if sized_by == "memory_mb" and parsed.scale_to < 512 else parsed.scale_to
            resized = Resource(
                target or self.target,
                cores=value if sized_by == "cores" else None,
                memory_mb=value if sized_by == "memory_mb" else None,
                disk_gb=value if sized_by == "disk_gb" else None,
            )
            return Resolved("update", resized.name, (resized,), parsed.direction, None, 0.7, False)
        recount = name == "scale" and parsed.scale_to is not None and parsed.scale_to > 0
        if "amend" in parsed.signals and recount and self.intent == "deploy" and self.resources and not target:
            # "deploy 3 nginx containers" … "make that 5": the deploy just asked for, with that many
            resource = replace(_resources(self.resources[:1])[0], count=parsed.scale_to or 1)
            return Resolved("deploy", resource.name, (resource,), None, None, 0.7, False)
        if "names-each" in parsed.signals and self.intent == "deploy" and len(self.resources) == 1:
            # "spin up 3 alpine containers" … "call them node1 node2 node3": each of those, named
            spec = _resources(self.resources[:1])[0]
            if spec.count == len(parsed.resources):
                each = tuple(replace(spec, name=r.name, count=1) for r in parsed.resources)
                return Resolved("deploy", None, each, None, None, 0.7, False)
        amended = "amend" in parsed.signals and bool(parsed.resources) and parsed.target in {None, *parsed.names}
        if amended and self.intent == "deploy" and self.resources:
            named = self.resources[0].get("name")
            if not self._shrinks(named if isinstance(named, str) else None, parsed.resources):
                return self._redeployed(parsed)  # "oh and give it 128mb": the deploy just asked for, amended
        if parsed.correction and self._last_operation() is not None:
            return self._corrected(parsed)
        waiting_for_target = self.pending is not None and not self.pending.get("target")
        answer = next((s.removeprefix("answer:") for s in parsed.signals if s.startswith("answer:")), None)
        answered = parsed.target if "bare-name" in parsed.signals else answer
        if waiting_for_target and "bare-ordinal" in parsed.signals and parsed.reference is not None:
            answered = self._referent(parsed.reference)  # "shut down one of them" … "the first one"
        if waiting_for_target and answered is not None:
            # "go ahead and nuke it" … "the vm named scratch-7": which one, said afterwards; still that act
            assert self.pending is not None
            return Resolved(
                self.pending["intent"] if self.pending.get("intent") in INTENTS else "unknown",
                answered,
                (),
                self.pending.get("direction"),
                self.pending.get("scale_to"),
                0.7,
                False,
                pending_destructive=bool(self.pending.get("destructive")),
            )
        if parsed.proceed:
            waiting = self.pending or self.withdrawn  # "no wait" … "ok fine, do it": the withdrawn one, after all
            if waiting is None and self.asked is not None and target is not None:
                # "how do I delete a docker volume?" … "ok, do that for pgdata-old": the act asked about, on it
                return Resolved(self.asked, target, (), None, None, 0.7, False)
            if waiting is None:
                return Resolved("unknown", target, (), None, None, 0.4, False)
            name = waiting["intent"]
            target = waiting.get("target")
            resources = _resources(waiting.get("resources"))
            if "amend" in parsed.signals and parsed.resources and name in {"deploy", "plan"}:
                # "cool, do it, 1 core each": what waits, with the sizes said with the yes
                said = parsed.resources[0]
                resources = tuple(
                    replace(
                        r,
                        cores=said.cores or r.cores,
                        memory_mb=said.memory_mb or r.memory_mb,
                        disk_gb=said.disk_gb or r.disk_gb,
                    )
                    for r in resources
                )
            direction, scale_to = waiting.get("direction"), waiting.get("scale_to")
            from_pending = True
            pending_destructive = bool(waiting.get("destructive"))
        elif parsed.follow_up and self.intent is not None:
            asked = "asked-follow-up" in parsed.signals
            # "how would that work with 40TB?" after a design is more design; after an operation, a question
            name = self.intent if not asked or self.intent not in _OPERATIONS else "explain"
            confidence = 0.75
            last = self.pending or {}
            if name == last.get("intent") and direction is None and scale_to is None:
                # "scale worker down to 2" … "and cache too": the same change, there
                direction, scale_to = last.get("direction"), _number(last.get("scale_to"))
        else:
            context = next((s.split(":", 1)[1] for s in parsed.signals if s.startswith("context:")), None)
            continued = next((s.split(":", 1)[1] for s in parsed.signals if s.startswith("continues:")), None)
            if context in INTENTS and self.target is not None:
                name = context
                confidence = 0.6
            elif "names-focus" in parsed.signals and self.intent is not None and self.intent in _READ_AGAIN:
                name = self.intent  # "why does my container exit?" … "its called flask-app btw": about it
                confidence = 0.7
            elif continued is not None and self.intent is not None and continued == self.intent:
                name = continued  # "what should I do?" after a symptom; "with a VPN on top" after a design
                confidence = 0.6
        if parsed.reference == "them" and not from_pending:
            several = self.last_named or self.targets
            if len(several) > 1:
                targets = tuple(several)  # "restart them", "stop both": no single target
            else:
                target = several[0] if several else self.target
        elif target is None and parsed.reference is not None and not from_pending:
            target = self._referent(parsed.reference)  # (what waits says its own target: "cool, do it" names none)
        pointed = (parsed.reference or "")[5:] if (parsed.reference or "").startswith("word:") else ""
        # an everyday word, or a part of a thing ("restore the snapshot"), names nothing: the focus is meant
        weak = (everyday(pointed) and pointed not in SERVICE_ROLES) or pointed in _PARTS
        # "the network config looks fine, what else could it be?": a part of the thing a symptom is about
        weak = weak or (name in {"troubleshoot", "status"} and (parsed.reference or "").startswith("kind:"))
        if target is None and name in _TARGETED and not from_pending and (parsed.reference in {None, "it"} or weak):
            target = self.target  # "go back to the one from tuesday": an everyday word names nothing, the focus
        if target is None and name == "plan" and parsed.action is None and self.pending:
            target = self.pending.get("target")  # "what would that do to the schema?": a plan of what waits
        if target is None and parsed.reference == "kind:deployment":
            target = self._of_unknown_kind()  # "delete the whole deployment": what was deployed, the focus
        if target is not None and target in parsed.excluded:
            target = None
        if name == "scale" and direction is None and scale_to is not None:
            current = self._count(target)
            if scale_to == 0 or (current is not None and scale_to < current):
                direction = "down"
            elif current is not None and scale_to > current:
                direction = "up"
            elif current is None and (scale_to <= 1 or "enough" in parsed.signals):
                direction = "down"  # "scale api to 1", "3 is plenty": nothing known says it was that few already
        switched = parsed.topic_switch or (
            parsed.name == "unknown"
            and not (parsed.proceed or parsed.cancel or parsed.follow_up)
            and self.intent is not None
            and name == "unknown"
        )
        if parsed.target is not None and self.target is not None and parsed.target != self.target:
            switched = switched or not parsed.follow_up
        if name == "deploy" and "from-it" in parsed.signals and self.template is not None:
            # "is there an ubuntu template on pve1?" … "great, create a vm from it": that template
            resources = tuple(replace(r, template=r.template or self.template) for r in resources)
        if "alike" in parsed.signals and self.intent == "deploy" and self.resources and resources:
            # "and two more just like it": the last deploy's spec again, that many, named by the plan
            said = resources[0]
            copied = replace(_resources(self.resources[:1])[0], name=said.name, count=said.count)
            return Resolved("deploy", said.name, (copied,), None, None, 0.7, False)
        if parsed.follow_up and name == "deploy" and self.resources:
            # "and another one called edge-2": of the kind and template just deployed, unless it says otherwise
            last = self.resources[0]
            resources = tuple(
                replace(r, kind=r.kind or last.get("kind"), template=r.template or last.get("template"))
                if r.kind is None and r.template is None
                else replace(r, kind=last.get("kind"))
                if r.kind is None
                else r  # "and a redis one": that kind
                for r in resources
            )
        elif parsed.follow_up and name == "deploy":  # "deploy a redis one", nothing before: the software's role
            resources = tuple(replace(r, kind=r.kind or ROLE_OF_TEMPLATE.get(r.template or "")) for r in resources)
        return Resolved(
            name,
            target,
            resources,
            direction,
            scale_to,
            confidence,
            switched,
            False,
            from_pending,
            targets if len(targets) > 1 else (),
            pending_destructive,
            name == "update"
            and (self._shrinks(target, parsed.resources, parsed.signals) or "toward:down" in parsed.signals),
        )

    def _shrinks(self, target: str | None, resources: tuple[Resource, ...], signals: tuple[str, ...] = ()) -> bool:
        known = self.sizes.get(target or "", {})
        bare = next((int(s.split(":", 1)[1]) for s in signals if s.startswith("bare-number:")), None)
        if bare is not None and known:
            # "db-main has 64GB" … "give it 32 instead": the unit is unsaid, so below any known size is a shrink
            natural = {"cores": 1, "memory_mb": 1024, "disk_gb": 1}
            return any(bare * natural[k] < v for k, v in known.items() if k in natural)
        asked = resources[0] if len(resources) == 1 else None
        if asked is None or not known:
            return False
        wanted = {"cores": asked.cores, "memory_mb": asked.memory_mb, "disk_gb": asked.disk_gb}
        if asked.memory_mb is not None and "memory_mb" not in known and asked.disk_gb is None:
            wanted["disk_gb"] = asked.memory_mb // 1024  # "its disk is 2TB" … "make it 500GB": the size said before
        return any(v is not None and k in known and v < known[k] for k, v in wanted.items())

    def _copies(self) -> int:
        """How many copies the last deploy asked for, of its first resource (1 when it did not say)."""
        count = self.resources[0].get("count") if self.resources else None
        return count if isinstance(count, int) else 1

    def _last_operation(self) -> dict[str, Any] | None:
        if self.pending is not None:
            return self.pending
        if self.intent in _OPERATIONS and self.intent != "deploy":
            return {"intent": self.intent, "target": self.target, "targets": self.targets}
        return None

    def _corrected(self, parsed: Intent) -> Resolved:
        """The last request with the target the correction names (or what its exclusions leave)."""
        last = self._last_operation()
        assert last is not None
        candidates = [t for t in (last.get("targets") or []) if isinstance(t, str)]
        excluded = {self._referent(e, candidates) or e for e in parsed.excluded}
        target = parsed.target
        if target is None and parsed.reference is not None:
            target = self._referent(parsed.reference, candidates)
            word = parsed.reference[5:] if parsed.reference.startswith("word:") else ""
            if target is None and word and not everyday(word) and word not in excluded:
                target = word  # "scale the frontend up" … "wait, I meant the backend": one not named before
        remaining = [t for t in candidates if t not in excluded]
        if target is None and len(remaining) == 1:
            target = remaining[0]
        if target is None and not candidates and not excluded & {last.get("target")}:
            # "not that far, just one version back": what it rules out is no thing, so the same one is meant
            things = {e for e in excluded if e == last.get("target") or e in self.mentioned}
            target = None if things else last.get("target")
        name: IntentName = last["intent"] if last["intent"] in INTENTS else "unknown"
        resources = tuple(replace(r, name=target) for r in parsed.resources) if name == "update" else ()
        return Resolved(
            name,
            target,
            resources,
            last.get("direction"),
            last.get("scale_to"),
            0.7,
            False,
            targets=tuple(remaining) if target is None and len(remaining) > 1 else (),
            pending_destructive=bool(last.get("destructive")),  # a corrected removal is still a removal
        )

    def _redeployed(self, parsed: Intent) -> Resolved:
        """ "sorry, make that a debian lxc": the deploy just asked for, with what the correction says instead."""
        said = parsed.resources[0]
        last = self.resources[0]
        sized = self.sizes.get(last.get("name") or "", {})
        count = last.get("count") if said.count == 1 and isinstance(last.get("count"), int) else said.count
        renamed = "amend" in parsed.signals and said.name is not None  # "and name it pg-core"
        resource = Resource(
            said.name if renamed else last.get("name") if isinstance(last.get("name"), str) else None,
            said.kind or last.get("kind"),
            said.template or last.get("template"),
            said.cores or sized.get("cores") or _number(last.get("cores")),
            said.memory_mb or sized.get("memory_mb") or _number(last.get("memory_mb")),
            said.disk_gb or sized.get("disk_gb") or _number(last.get("disk_gb")),
            int(count or 1),
        )
        return Resolved("deploy", resource.name, (resource,), None, None, 0.7, False)

    def _referent(self, reference: str, among: list[str] | None = None) -> str | None:
        names = among or self.last_named or self.mentioned
        if reference == "other":  # "the other one": of the two just named, the one not meant so far
            others = [n for n in (among or self.last_named or self.targets) if n != self.target]
            return others[0] if len(others) == 1 else None
        if reference == "it":
            return self.target or next((r.get("name") for r in self.resources if r.get("name")), None)
        what, _, value = reference.partition(":")
        if what == "ordinal":
            ordered = among or self.last_named or self.mentioned
            position = len(ordered) - 1 if value == "last" else int(value) - 1
            return ordered[position] if 0 <= position < len(ordered) else None
        if what in {"word", "subject", "named"}:
            found = _matching(value, among or self.mentioned, {value})
            if found is not None or among:
                return found
            if what == "named":
                return value  # "the staging one": called so, whatever else the word means
            if what == "subject" and self.target is not None:
                return self.target  # a guessed subject gives way to what the conversation is about
            return None if (everyday(value) and value not in SERVICE_ROLES) or value in _PARTS else value
        for remembered in self.resources:
            template = remembered.get("template")
            kinds = {remembered.get("kind"), ROLE_OF_TEMPLATE.get(template or "")}
            if remembered.get("kind") == "deployment":
                kinds.add("container")  # "is the pod thing up?": a Kubernetes deployment's pods are its containers
            if (what == "kind" and value in kinds) or (what == "template" and value == template):
                name = remembered.get("name")
                if isinstance(name, str):
                    return name
        parts = NAME_PARTS.get(value, frozenset()) | {value} if what == "kind" else {value}
        found = _matching(value, names if among else self.mentioned, parts)
        if found is not None:
            return found
        return value if what == "template" else None

    def _of_unknown_kind(self) -> str | None:
        """The focus, when nothing says what kind of thing it is: "the deployment" (a Kubernetes workload, or
        in plain English what was deployed) can then only mean it. Other kinds never guess ("stop the
        database" after "is web-01 up?" resolves to nothing)."""
        if self.target is None:
            return None
        remembered = next((r for r in self.resources if r.get("name") == self.target), None)
        return self.target if remembered is None or remembered.get("kind") is None else None

    def _count(self, target: str | None) -> int | None:
        if target is not None and target in self.counts:
            return self.counts[target]
        for remembered in self.resources:
            if remembered.get("name") == target and isinstance(remembered.get("count"), int):
                count: int = remembered["count"]
                return count
        return None

    def _known(self, name: str) -> bool:
        return any(r.get("name") == name for r in self.resources)

    # ------------------------------------------------------------------ moving on

    def advance(
        self,
        parsed: Intent,
        resolved: Resolved,
        destructive: bool,
        token: str | None,
        proposed_destructive: bool = False,
    ) -> None:
        """Remember this turn: its resources, names, target, request, and what now awaits confirmation.
        ``proposed_destructive``: the operation a plan or a question proposes would be destructive."""
        self.switched = resolved.switched
        self.template = parsed.templates[0] if len(parsed.templates) == 1 else None
        self.measure = next((s.split(":", 1)[1] for s in parsed.signals if s.startswith("measure:")), None)
        for resource in reversed(resolved.resources):
            if resource.name:
                self.resources = [r for r in self.resources if r.get("name") != resource.name]
            remembered = {"name": resource.name, "kind": resource.kind, "template": resource.template}
            sizes = {"cores": resource.cores, "memory_mb": resource.memory_mb, "disk_gb": resource.disk_gb}
            sizes = {k: v for k, v in sizes.items() if v is not None}  # what a later amendment keeps
            self.resources.insert(0, {**remembered, **sizes, "count": resource.count})
        said = [n for n in parsed.names if n not in parsed.excluded]
        if len(said) > 1:
            self.last_named = said
        self.mentioned = [*self.mentioned, *[n for n in said if n not in self.mentioned]][-MAX_REMEMBERED:]
        if resolved.target is not None and (resolved.name != "list" or self.target is None):
            # a list's target (never a place: "on pve3" is not one) becomes the focus only when there is none
            # yet: "list snapshots for ledger-db" … "go back to the one from tuesday"
            self.target = resolved.target
            if not self._known(resolved.target):
                self.resources.insert(0, {"name": resolved.target, "kind": None, "template": None, "count": None})
            if resolved.target not in self.mentioned:
                self.mentioned = [*self.mentioned, resolved.target][-MAX_REMEMBERED:]
        if resolved.name in _OPERATIONS:
            self.targets = list(resolved.targets) or ([resolved.target] if resolved.target else [])
        if resolved.name == "scale" and resolved.scale_to is not None and resolved.target is not None:
            self.counts[resolved.target] = resolved.scale_to  # what was asked for is what to compare with next
        if parsed.stated is not None:
            who, count = parsed.stated
            who = who or resolved.target or self.target
            if who is not None:
                self.counts[who] = count
                if resolved.target is None and self.target is None:
                    self.target = who
        for resource in resolved.resources:
            if resource.name is not None:
                self._remember_size(resource.name, resource)
        if parsed.sizes and resolved.target is not None:
            self.sizes[resolved.target] = {**self.sizes.get(resolved.target, {}), **dict(parsed.sizes)}
        if resolved.name == "update" and resolved.target is not None and len(resolved.resources) == 1:
            self._remember_size(resolved.target, resolved.resources[0])  # what it is sized at from now on
        self.sizes = dict(list(self.sizes.items())[-MAX_REMEMBERED:])
        self.counts = dict(list(self.counts.items())[-MAX_REMEMBERED:])
        del self.resources[MAX_REMEMBERED:]
        if resolved.cancelled:
            self.withdrawn, self.pending = self.pending or self.withdrawn, None
        elif resolved.from_pending:
            self.withdrawn = None
        elif resolved.name == "plan" and parsed.action is not None:
            self.pending = _pending(parsed.action, resolved, None, proposed_destructive)
        elif resolved.name == "explain" and parsed.action is not None and resolved.target is not None:
            # "can I safely remove cache-2?": the act asked about, on it, is proposed; "ok, do it" carries it out
            self.pending = _pending(parsed.action, resolved, None, proposed_destructive)
        elif resolved.name == "plan" and self.pending is not None and resolved.target == self.pending.get("target"):
            pass  # "what would that do to the schema?": a question about what waits, which still waits
        elif destructive:
            self.pending = _pending(resolved.name, resolved, token, True)
        elif resolved.name != "unknown":
            self.pending = self.withdrawn = None
        if resolved.name != "unknown":
            self.intent = resolved.name
            self.asked = parsed.action if resolved.name == "explain" else None
        self.resources = [replace_none(r) for r in self.resources]

    def _remember_size(self, name: str, resource: Resource) -> None:
        values = {"cores": resource.cores, "memory_mb": resource.memory_mb, "disk_gb": resource.disk_gb}
        said = {k: v for k, v in values.items() if v is not None}
        if said:
            self.sizes[name] = {**self.sizes.get(name, {}), **said}


def _matching(word: str, names: list[str], parts: set[str] | frozenset[str]) -> str | None:
    """The one name that is ``word`` or has one of ``parts`` as a dash-separated part ("the db" → db-1)."""
    if word in names:
        return word
    found = [n for n in names if set(n.replace("_", "-").replace(".", "-").split("-")) & parts]
    if not found:
        found = [n for n in names if any(n.startswith(p) for p in parts if len(p) >= 2)]
    return found[0] if len(found) == 1 else None


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)][-MAX_REMEMBERED:] if isinstance(value, list) else []


def _pending(intent: IntentName, resolved: Resolved, token: str | None, destructive: bool) -> dict[str, Any]:
    return {
        "destructive": destructive,
        "intent": intent,
        "target": resolved.target,
        "targets": list(resolved.targets),
        "direction": resolved.direction,
        "scale_to": resolved.scale_to,
        "token": token,
        "resources": [r.as_json() for r in resolved.resources],  # what a planned deploy builds
    }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _resources(value: Any) -> tuple[Resource, ...]:
    """Resources kept in a pending action (JSON), read back; anything malformed is left out."""
    out: list[Resource] = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        out.append(
            Resource(
                _text(item.get("name")),
                _text(item.get("kind")),
                _text(item.get("template")),
                _number(item.get("cores")),
                _number(item.get("memory_mb")),
                _number(item.get("disk_gb")),
                _number(item.get("count")) or 1,
            )
        )
    return tuple(out)


def replace_none(remembered: dict[str, Any]) -> dict[str, Any]:
    """A remembered resource as stored: JSON-ready, no unknown keys."""
    kept = {key: remembered.get(key) for key in ("name", "kind", "template", "count")}
    sizes = {key: remembered[key] for key in ("cores", "memory_mb", "disk_gb") if _number(remembered.get(key))}
    return {**kept, **sizes}  # sizes only where said, so an amendment of an unnamed deploy keeps them
