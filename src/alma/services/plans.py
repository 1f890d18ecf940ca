"""Making plans: for a blueprint, for destroying a stack, and for rolling a stack back to a revision.

Every plan is persisted with its content hash and the stack revision it was made against, before
anyone sees it; apply later loads it by id and refuses it if either no longer holds.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from alma.diagnostics import Diagnostic
from alma.engines import EngineRegistry
from alma.errors import InvalidInputError, NotFoundError, PlanTamperedError, RolledBackAlreadyError
from alma.planning import DesiredResource, Plan, PlanKind, content_hash, plan_actions
from alma.services.actor import actor
from alma.services.blueprints import BlueprintService
from alma.settings import Settings
from alma.store import DeploymentRecord, PlanRecord, Store, utcnow

# Plans stored or loaded (hash checked) lately, by id: a run asks for its plan at every step, and a plan of
# 10,000 actions costs half a second to load and check. Stored plans never change, so the copy stays true.
RECENT_PLANS = 4


@dataclass(frozen=True, slots=True)
class PlanResult:
    plan: Plan
    warnings: list[Diagnostic]


class PlanService:
    def __init__(self, settings: Settings, store: Store, engines: EngineRegistry, blueprints: BlueprintService) -> None:
        self._settings = settings
        self._store = store
        self._engines = engines
        self._blueprints = blueprints
        self._recent: OrderedDict[str, Plan] = OrderedDict()

    def _remember(self, plan: Plan) -> Plan:
        self._recent[plan.id] = plan
        self._recent.move_to_end(plan.id)
        while len(self._recent) > RECENT_PLANS:
            self._recent.popitem(last=False)
        return plan

    async def plan_blueprint(self, text: str, filename: str = "<blueprint>") -> PlanResult:
        loaded = await self._blueprints.read(text, filename)
        stack = loaded.blueprint.name
        blueprint_id, _version = await self._store.plan_saves.save_blueprint(stack, text, actor(self._settings))
        environment = loaded.blueprint.metadata.get("environment")
        plan = await self._make(
            stack,
            "apply",
            loaded.desired,
            blueprint_id=blueprint_id,
            environment=str(environment) if environment is not None else None,
        )
        return PlanResult(plan, loaded.warnings)

    async def preview_blueprint(self, text: str, filename: str = "<blueprint>") -> Plan:
        """The plan ``text`` would make now, kept nowhere: no blueprint version, no stored plan (its id is
        not one apply accepts). What a preview shows."""
        loaded = await self._blueprints.read(text, filename)
        environment = loaded.blueprint.metadata.get("environment")
        return await self._make(
            loaded.blueprint.name,
            "apply",
            loaded.desired,
            environment=str(environment) if environment is not None else None,
            persist=False,
        )

    async def replan(self, plan: Plan) -> Plan:
        """A fresh plan for the same intent (the same blueprint version, destroy, or rollback target)."""
        if plan.kind == "destroy":
            return await self.plan_destroy(plan.stack)
        if plan.kind == "rollback":
            return await self.plan_rollback(plan.stack, plan.target_revision)
        if plan.kind == "operation" and plan.operation is not None:
            desired = [desired_from_json(item) for item in plan.operation["desired"]]
            return await self.plan_operation(plan.stack, desired, plan.operation)
        text = await self._store.stacks.blueprint_text(plan.blueprint_id) if plan.blueprint_id else None
        if text is None:
            raise InvalidInputError(f"plan {plan.id} has no stored blueprint to plan again; give the file")
        return (await self.plan_blueprint(text, f"blueprint #{plan.blueprint_id}")).plan

    async def recorded_blueprint(
        self, stack: str, overrides: dict[str, dict[str, Any]] | None = None, drop: str | None = None
    ) -> str:
        """A blueprint of the stack as recorded (its environment kept, so the approval policy sees the same
        stack), with ``overrides`` merged into named resources' specs and ``drop`` left out: how surfaces
        plan an operation on one resource (stop it, remove it) as an ordinary plan."""
        history = await self._store.deployments.history(stack)
        if not history:
            raise InvalidInputError(f"stack '{stack}' has no recorded deployment to start from")
        latest = max(history, key=lambda d: d.revision)
        environment = (await self.get(latest.plan_id)).environment
        records = await self._store.stacks.resources(stack)
        if drop is not None:
            needing = sorted(r.name for r in records if drop in r.dependencies)
            if needing:
                raise InvalidInputError(
                    f"{', '.join(needing)} depend(s) on {drop}; destroy the stack '{stack}' instead, or those first"
                )
        overrides = overrides or {}
        resources = [
            {
                "type": r.type,
                "name": r.name,
                "provider": r.provider,
                "specs": {**r.specs, **overrides.get(r.name, {})},
                "dependencies": list(r.dependencies),
            }
            for r in records
            if r.name != drop
        ]
        document: dict[str, Any] = {"version": "1.0", "name": stack, "resources": resources}
        if environment is not None:
            document["metadata"] = {"environment": environment}
        return json.dumps(document, indent=2)

    async def plan_import(self, stack: str, resource: DesiredResource) -> Plan:
        """Record a resource that already exists (and now carries ALMA's ownership marker) in ``stack``;
        every other resource stays as recorded."""
        recorded = await self._store.stacks.resources(stack)
        if any(r.name == resource.name for r in recorded):
            raise InvalidInputError(f"stack '{stack}' already has a resource named '{resource.name}'")
        desired = [DesiredResource(r.name, r.type, r.provider, r.specs, tuple(r.dependencies)) for r in recorded]
        environment = await self._store.plans.latest_environment(stack)
        return await self._make(stack, "import", [*desired, resource], environment=environment)

    async def plan_operation(self, stack: str, desired: list[DesiredResource], operation: dict[str, Any]) -> Plan:
        """A plan to ``desired`` (the recorded state with one resource changed): no blueprint text is made or
        stored; the plan keeps ``desired`` so it can be planned again (``replan``)."""
        environment = await self._store.plans.latest_environment(stack)
        meta = {**operation, "desired": [desired_to_json(d) for d in desired]}
        return await self._make(stack, "operation", desired, environment=environment, operation=meta)

    async def plan_destroy(self, stack: str) -> Plan:
        await self._require_stack(stack)
        environment = await self._store.plans.latest_environment(stack)
        return await self._make(stack, "destroy", [], environment=environment)

    async def plan_rollback(self, stack: str, to_revision: int | None = None, *, again: bool = False) -> Plan:
        """A plan back to ``to_revision`` (default: the last revision before the current one that succeeded).

        Without a target right after a rollback, that default is the revision the rollback undid: a second
        ``alma rollback`` would flip back. It is refused, naming both, unless ``again`` (the automatic
        rollback of a run undoes whatever failed verification, a rollback too)."""
        await self._require_stack(stack)
        current = await self._store.stacks.revision(stack)
        history = await self._store.deployments.history(stack)
        if to_revision is None:
            latest = next((d for d in history if d.revision == current), None)
            if latest is not None and latest.kind == "rollback" and not again:
                await self._refuse_second_rollback(latest, history)
            earlier = [d.revision for d in history if d.revision < current and d.status == "succeeded"]
            to_revision = max(earlier, default=0)
        if to_revision < 0 or to_revision >= current:
            raise InvalidInputError(
                f"cannot roll stack '{stack}' back to revision {to_revision}: it is at revision {current}; "
                f"choose one of 0..{current - 1} (see `alma history {stack}`)"
            )
        desired: list[DesiredResource] = []
        if to_revision > 0:
            target = next((d for d in history if d.revision == to_revision), None)
            if target is None or target.snapshot is None:
                raise InvalidInputError(f"stack '{stack}' has no recorded state at revision {to_revision}")
            if target.status != "succeeded":
                raise InvalidInputError(
                    f"revision {to_revision} of '{stack}' {target.status}; roll back to a revision that succeeded"
                )
            for item in target.snapshot:
                problem = self._engines.problem_with(item["provider"])
                if problem is not None:
                    raise InvalidInputError(f"cannot restore {item['name']}: {problem}")
                desired.append(
                    DesiredResource(
                        item["name"],
                        item["type"],
                        item["provider"],
                        item["specs"],
                        tuple(item["dependencies"]),
                    )
                )
        environment = await self._store.plans.latest_environment(stack)
        return await self._make(stack, "rollback", desired, target_revision=to_revision, environment=environment)

    async def _refuse_second_rollback(self, latest: DeploymentRecord, history: list[DeploymentRecord]) -> None:
        """Refuse an untargeted rollback after ``latest`` (a rollback), naming what it restored and undid."""
        stack = latest.stack
        target = (await self.get(latest.plan_id)).target_revision or 0
        flip = max((d.revision for d in history if d.revision < latest.revision and d.status == "succeeded"), default=0)
        undone = [d for d in history if target < d.revision < latest.revision]
        undid = ""
        if undone:
            last = undone[-1]
            span = (
                f"revisions {undone[0].revision}-{last.revision} (the last: "
                if len(undone) > 1
                else f"revision {last.revision} ("
            )
            undid = f", undoing {span}deployment {last.id}, {last.kind} by {last.actor})"
        done = "restored" if latest.status == "succeeded" else f"{latest.status} to restore"
        choices = [f"`alma rollback {stack} --to {target}` tries it again"] if latest.status != "succeeded" else []
        if flip != target:
            choices.append(f"`alma rollback {stack} --to {flip}` restores revision {flip} on purpose")
        choices.append(f"`alma history {stack}` lists every revision")
        raise RolledBackAlreadyError(
            f"stack '{stack}' was just rolled back: revision {latest.revision} (deployment {latest.id}, rollback by "
            f"{latest.actor}) {done} revision {target}{undid}. A rollback without a target would restore revision "
            f"{flip}, undoing that rollback, so it is refused: name the revision to restore with --to "
            f"({'; '.join(choices)})",
            stack=stack,
            restored=target,
            undone=flip,
        )

    async def get(self, plan_id: str) -> Plan:
        if plan_id in self._recent:
            self._recent.move_to_end(plan_id)
            return self._recent[plan_id]
        record = await self._store.plans.get(plan_id)
        if record is None:
            raise NotFoundError(f"no plan with id '{plan_id}'; make one with `alma plan FILE`")
        plan = Plan.from_content(
            record.id,
            record.body,
            created_at=record.created_at,
            created_by=record.created_by,
            blueprint_id=record.blueprint_id,
            stored_hash=record.hash,
        )
        if plan.computed_hash() != record.hash:
            raise PlanTamperedError(f"plan {plan_id} in the store no longer matches its hash; make a new plan")
        return self._remember(plan)

    async def _require_stack(self, stack: str) -> None:
        if not await self._store.stacks.exists(stack):
            known = [s.name for s in await self._store.stacks.summaries()]
            hint = f"; known stacks: {', '.join(known)}" if known else "; no stack has been deployed yet"
            raise NotFoundError(f"no stack named '{stack}'{hint}")

    async def _make(
        self,
        stack: str,
        kind: PlanKind,
        desired: list[DesiredResource],
        *,
        blueprint_id: int | None = None,
        target_revision: int | None = None,
        environment: str | None = None,
        operation: dict[str, Any] | None = None,
        persist: bool = True,
    ) -> Plan:
        # The revision is read before refreshing, so a change made while we plan makes the plan stale.
        base_revision = await self._store.reads.revision(stack)
        recorded = await self._store.reads.resources(stack)
        actions = await plan_actions(stack, desired, recorded, self._engines.get)
        plan = Plan(
            id=uuid.uuid4().hex,
            stack=stack,
            kind=kind,
            base_revision=base_revision,
            actions=tuple(actions),
            created_at=utcnow(),
            created_by=actor(self._settings),
            blueprint_id=blueprint_id,
            target_revision=target_revision,
            environment=environment,
            operation=operation,
        )
        content = plan.content()
        digest = content_hash(content)
        plan = dataclasses.replace(plan, hash=digest)
        if not persist:
            return plan
        await self._store.plan_saves.save_plan(
            PlanRecord(
                plan.id,
                stack,
                base_revision,
                kind,
                digest,
                blueprint_id,
                content,
                plan.created_at,
                plan.created_by,
            )
        )
        return self._remember(plan)


def desired_to_json(resource: DesiredResource) -> dict[str, Any]:
    return {
        "name": resource.name,
        "type": resource.type,
        "provider": resource.provider,
        "specs": resource.specs,
        "dependencies": list(resource.dependencies),
    }


def desired_from_json(item: dict[str, Any]) -> DesiredResource:
    return DesiredResource(item["name"], item["type"], item["provider"], item["specs"], tuple(item["dependencies"]))
