"""Resources (things an agent can read by URI) and prompts (common tasks, as messages to start from).

``alma://stacks/{stack}/state``, ``alma://deployments/{id}`` and ``alma://iprs/{id}``: JSON documents in
the shapes the tools return. Prompts: deploying a service, troubleshooting a resource.
"""

from __future__ import annotations

import json

from mcp.server.mcpserver import MCPServer

from alma.bootstrap import Services
from alma.contracts import DeploymentOut, IprOut, LockOut, ResourceOut
from alma.errors import NotFoundError
from alma.mcp.failures import resource_guarded
from alma.mcp.inputs import MAX_ID

JSON = "application/json"
EVENTS_SHOWN = 200


def register_resources(server: MCPServer, services: Services) -> None:
    @server.resource("alma://stacks/{stack}/state", name="stack-state", mime_type=JSON)
    @resource_guarded
    async def stack_state(stack: str) -> str:
        """A stack's recorded state: revision, resources as applied, lock."""
        resources = await services.stacks.resources(stack)
        held = await services.stacks.lock(stack)
        lock = LockOut.of(held) if held is not None else None
        document = {
            "stack": stack,
            "revision": await services.stacks.revision(stack),
            "lock": lock.model_dump(mode="json") if lock is not None else None,
            "resources": [ResourceOut.of(r).model_dump(mode="json") for r in resources],
        }
        return _json(document)

    @server.resource("alma://deployments/{deployment_id}", name="deployment", mime_type=JSON)
    @resource_guarded
    async def deployment(deployment_id: str) -> str:
        """One deployment (revision N of a stack): its plan, actor, times, summary, error, and its events."""
        for summary in await services.stacks.stacks():
            for record in await services.stacks.history(summary.name):
                if record.id == deployment_id:
                    events = await services.stacks.events(summary.name, deployment_id, limit=EVENTS_SHOWN)
                    document = {
                        "stack": summary.name,
                        **DeploymentOut.of(record).model_dump(mode="json"),
                        "events": [
                            {"at": e.at.isoformat(), "kind": e.kind, "resource": e.resource, "message": e.message}
                            for e in events
                        ],
                    }
                    return _json(document)
        raise NotFoundError(f"no deployment '{deployment_id}'")

    @server.resource("alma://iprs/{ipr_id}", name="ipr", mime_type=JSON)
    @resource_guarded
    async def ipr(ipr_id: str) -> str:
        """An Infrastructure Pull Request: status, the plan under review, approvals, reviews."""
        # ASCII digits within PostgreSQL's integer: str.isdigit alone takes '٣' (3), and a larger number
        # reached the store and failed there.
        if not (ipr_id.isascii() and ipr_id.isdigit() and len(ipr_id) <= len(str(MAX_ID)) and int(ipr_id) <= MAX_ID):
            raise NotFoundError(f"no IPR #{ipr_id}: IPR ids are numbers from 1 to {MAX_ID}")
        return IprOut.of(await services.iprs.show(int(ipr_id)), rendered=True).model_dump_json(indent=2)


def register_prompts(server: MCPServer, *, read_only: bool) -> None:
    if not read_only:

        @server.prompt(name="deploy_service", title="Deploy a service")
        def deploy_service(description: str, provider: str = "fake") -> str:
            """Deploy a service described in plain words, through ALMA's plan and approval pipeline."""
            return (
                f"Deploy this with ALMA on the '{provider}' provider: {description}\n\n"
                f"1. Call generate_blueprint with this description and provider={provider}: it returns a blueprint "
                "only if it validates, with what it understood. If it cannot compose one, call list_templates and "
                "start from the closest example blueprint (version, name, resources with type, name, provider, "
                "specs, dependencies).\n"
                "2. Call validate_blueprint until it reports no errors; fix every error it lists.\n"
                "3. Call plan_blueprint. Show me the plan (its `rendered` text) and its risk.\n"
                "4. Follow the plan's next_step: apply_plan runs plans that only create or change things; a plan "
                "that stops something needs my confirmation first; a plan that deletes or replaces anything needs "
                "an approved Infrastructure Pull Request, which a person other than its author approves.\n"
                "5. Report the outcome and the new revision; on failure, read alma://deployments/{id}."
            )

    @server.prompt(name="troubleshoot_resource", title="Troubleshoot a resource")
    def troubleshoot_resource(stack: str, resource: str) -> str:
        """Find out why a resource misbehaves, from ALMA's records and the engines' health."""
        steps = (
            f"Troubleshoot resource '{resource}' of stack '{stack}' with ALMA.\n\n"
            f"1. Call get_resource (stack={stack}, name={resource}): status, specs as applied, dependencies.\n"
            f"2. Read alma://stacks/{stack}/state: is the stack locked, did its latest deployment fail?\n"
            "3. Read the latest deployment (alma://deployments/{id}) and look for this resource's events.\n"
            "4. Call engine_health for the resource's provider.\n"
            "5. Check its dependencies the same way.\n"
            "Say what you found and what you would change. "
        )
        if read_only:
            return steps + "This server is read-only: propose changes, do not try to make them."
        return steps + (
            "To restart it, call control_resource (operation=restart), show me the plan, and apply it only "
            "after I confirm."
        )


def _json(document: object) -> str:
    return json.dumps(document, indent=2, default=str)
