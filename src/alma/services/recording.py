"""Recording an apply as it happens: an event for every transition, and the resource's state row when
an action completes. Everything goes through the store's write buffer (group commit)."""

from __future__ import annotations

from typing import Protocol

from alma.engines import Observed
from alma.errors import EngineError
from alma.planning import Outcome, PlannedAction
from alma.services.metrics import DomainMetrics
from alma.store import Store, utcnow

ONGOING = {"create": "creating", "update": "updating", "replace": "replacing", "delete": "deleting"}
DONE = {"create": "created", "update": "updated", "replace": "replaced", "delete": "deleted"}


class ApplyProgress(Protocol):
    """What a surface shows while an apply runs (the CLI's progress bar)."""

    def begin(self, total: int) -> None: ...
    def advance(self, outcome: Outcome) -> None: ...


class DeploymentRecorder:
    def __init__(
        self,
        store: Store,
        stack: str,
        deployment_id: str,
        revision: int,
        actor: str,
        progress: ApplyProgress | None,
        metrics: DomainMetrics | None = None,
    ) -> None:
        self._store = store
        self._metrics = metrics
        self._stack = stack
        self._deployment_id = deployment_id
        self._revision = revision
        self._actor = actor
        self._progress = progress

    def event(self, kind: str, message: str, resource: str | None = None, **data: object) -> None:
        self._store.events.append(
            self._stack,
            kind,
            message,
            actor=self._actor,
            deployment_id=self._deployment_id,
            resource=resource,
            data=dict(data),
        )

    def started(self, action: PlannedAction, attempt: int) -> None:
        verb = ONGOING.get(action.action, action.action)
        self.event(f"resource.{verb}", f"{verb} {action.resource}", action.resource, attempt=attempt)

    def retrying(self, action: PlannedAction, attempt: int, error: EngineError, delay_s: float) -> None:
        self.event(
            "resource.retrying",
            f"{action.action} of {action.resource} failed ({error}); retrying in {delay_s:.2f}s",
            action.resource,
            attempt=attempt,
            delay_s=round(delay_s, 3),
        )

    def finished(self, outcome: Outcome) -> None:
        action = outcome.action
        if self._metrics is not None:
            self._metrics.resource_operations.labels(action.provider, action.action, outcome.status).inc()
        if outcome.status == "succeeded":
            verb = DONE.get(action.action, action.action)
            self.event(
                f"resource.{verb}",
                f"{action.resource} {verb}",
                action.resource,
                attempts=outcome.attempts,
                elapsed_s=round(outcome.elapsed_s, 4),
            )
            self._record_state(action, outcome.observed)
        else:
            self.event(
                f"resource.{outcome.status}",
                f"{action.resource}: {outcome.error}",
                action.resource,
                attempts=outcome.attempts,
            )
        if self._progress is not None:
            self._progress.advance(outcome)

    def adopted(self, action: PlannedAction, observed: Observed | None) -> None:
        """A resumed deployment found this action already done (before a crash): record, don't redo."""
        self.event(
            "resource.adopted",
            f"{action.resource} was already {DONE.get(action.action, action.action)}",
            action.resource,
        )
        self._record_state(action, observed)

    def _record_state(self, action: PlannedAction, observed: Observed | None) -> None:
        if action.action == "delete":
            self._store.buffer.remove_resource(self._stack, action.resource)
            return
        self._store.buffer.set_resource(
            {
                "stack": self._stack,
                "name": action.resource,
                "type": action.type,
                "provider": action.provider,
                "specs": action.after or {},
                "dependencies": list(action.dependencies),
                "status": observed.status if observed else "unknown",
                "external_id": observed.external_id if observed else None,
                "revision": self._revision,
                "updated_at": utcnow(),
            }
        )
