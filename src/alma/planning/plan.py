"""A plan: the exact, hashed list of per-resource actions that apply will carry out and nothing else."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from alma.engines import ACTIONS, Action, Change, FieldChange, JSONDict, Observed, ResourceRef

PlanKind = Literal["apply", "destroy", "rollback", "import", "operation"]


@dataclass(frozen=True, slots=True)
class PlannedAction:
    resource: str
    type: str
    provider: str
    action: Action
    before: JSONDict | None  # specs as observed when planning (None: absent)
    after: JSONDict | None  # desired, normalized specs (None: to be deleted)
    changes: tuple[FieldChange, ...] = ()
    dependencies: tuple[str, ...] = ()  # desired ones; for a delete, the recorded ones
    external_id: str | None = None
    reason: str = ""

    def ref(self, stack: str) -> ResourceRef:
        return ResourceRef(stack, self.resource, self.type)

    def change(self, stack: str) -> Change:
        """The engine call this action stands for, rebuilt only from what the plan stored."""
        ref = self.ref(stack)
        observed = None
        if self.before is not None:
            observed = Observed(ref, dict(self.before), "unknown", self.external_id or "")
        return Change(self.action, ref, self.after, observed, self.changes)

    def as_json(self) -> JSONDict:
        return {
            "resource": self.resource,
            "type": self.type,
            "provider": self.provider,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "changes": [c.as_json() for c in self.changes],
            "dependencies": list(self.dependencies),
            "external_id": self.external_id,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: JSONDict) -> PlannedAction:
        return cls(
            resource=data["resource"],
            type=data["type"],
            provider=data["provider"],
            action=data["action"],
            before=data["before"],
            after=data["after"],
            changes=tuple(
                FieldChange(c["path"], c["before"], c["after"], c["forces_replace"]) for c in data["changes"]
            ),
            dependencies=tuple(data["dependencies"]),
            external_id=data.get("external_id"),
            reason=data.get("reason", ""),
        )


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    stack: str
    kind: PlanKind
    base_revision: int
    actions: tuple[PlannedAction, ...]
    created_at: dt.datetime
    created_by: str
    blueprint_id: int | None = None
    target_revision: int | None = None  # for a rollback: the revision whose state it restores
    environment: str | None = None  # the blueprint's metadata.environment: approval policy reads it
    # An operation plan (start, stop, restart, scale, remove one resource): what was asked, and the desired
    # resources it was planned from, so it can be planned again without any blueprint text.
    operation: JSONDict | None = None
    hash: str = field(default="")

    def content(self) -> JSONDict:
        """Everything the hash covers: what will be done, to which stack, from which revision."""
        content: JSONDict = {
            "stack": self.stack,
            "kind": self.kind,
            "base_revision": self.base_revision,
            "target_revision": self.target_revision,
            "environment": self.environment,
            "actions": [a.as_json() for a in self.actions],
        }
        if self.operation is not None:  # only then: the hashes of every other plan stay as they were
            content["operation"] = self.operation
        return content

    def computed_hash(self) -> str:
        return content_hash(self.content())

    def summary(self) -> dict[str, int]:
        counts = Counter(a.action for a in self.actions)
        return {action: counts.get(action, 0) for action in ACTIONS}

    @property
    def has_changes(self) -> bool:
        return any(a.action != "noop" for a in self.actions)

    def as_json(self) -> JSONDict:
        """The CLI/API contract: ``{stack, plan_id, hash, summary, actions:[{resource, action, changes}]}``."""
        return {
            "stack": self.stack,
            "plan_id": self.id,
            "hash": self.hash,
            "kind": self.kind,
            "base_revision": self.base_revision,
            "target_revision": self.target_revision,
            "environment": self.environment,
            "summary": self.summary(),
            "actions": [a.as_json() for a in self.actions],
            **({"operation": self.operation} if self.operation is not None else {}),
        }

    @classmethod
    def from_content(
        cls,
        plan_id: str,
        content: JSONDict,
        *,
        created_at: dt.datetime,
        created_by: str,
        blueprint_id: int | None,
        stored_hash: str,
    ) -> Plan:
        return cls(
            id=plan_id,
            stack=content["stack"],
            kind=content["kind"],
            base_revision=content["base_revision"],
            target_revision=content.get("target_revision"),
            environment=content.get("environment"),
            operation=content.get("operation"),
            actions=tuple(PlannedAction.from_json(a) for a in content["actions"]),
            created_at=created_at,
            created_by=created_by,
            blueprint_id=blueprint_id,
            hash=stored_hash,
        )


def content_hash(content: Any) -> str:
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()
