"""Importing existing infrastructure: an engine puts ALMA's ownership marker on it, then a plan of kind
``import`` records it as the stack's next revision (so history and rollback know about it)."""

from __future__ import annotations

from alma.engines import Adopter, EngineRegistry, ResourceRef
from alma.errors import InvalidInputError
from alma.planning import DesiredResource
from alma.services.actor import actor
from alma.services.approvals import clear_without_review
from alma.services.deployments import DeploymentReport, DeploymentService
from alma.services.plans import PlanService
from alma.settings import Settings
from alma.store import Store


class ImportService:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        engines: EngineRegistry,
        plans: PlanService,
        deployments: DeploymentService,
    ) -> None:
        self._settings = settings
        self._store = store
        self._engines = engines
        self._plans = plans
        self._deployments = deployments

    async def import_guest(
        self, stack: str, node: str, vmid: int, name: str, provider: str = "proxmox"
    ) -> DeploymentReport:
        engine = self._engines.get(provider)
        if not isinstance(engine, Adopter):
            raise InvalidInputError(f"the {provider} engine cannot import existing resources")
        if any(r.name == name for r in await self._store.stacks.resources(stack)):
            raise InvalidInputError(f"stack '{stack}' already has a resource named '{name}'")
        ref = ResourceRef(stack, name, "compute")
        observed = await engine.adopt(ref, node, vmid)
        self._store.events.append(
            stack,
            "resource.imported",
            f"{provider} guest {vmid} on node {node} imported as {name}",
            actor=actor(self._settings),
            resource=name,
            data={"node": node, "vmid": vmid, "provider": provider},
        )
        plan = await self._plans.plan_import(stack, DesiredResource(name, "compute", provider, observed.specs))
        # Recording what already exists changes nothing: the policy, decided here, decides whether it may.
        return await self._deployments.apply(plan.id, clearance=clear_without_review(plan, self._settings))
