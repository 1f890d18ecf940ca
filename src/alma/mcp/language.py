"""The tools that read plain language: ``parse_intent`` and ``generate_blueprint``.

Neither changes infrastructure, and neither acts on what it reads: acting goes through the plan tools
and ``apply_plan``, which gate by the stored plan, never by what a message says.

- ``generate_blueprint`` (``services.generation``, as ``alma generate``) returns only a blueprint that
  passed the same validation as ``validate_blueprint``; anything else is a tool error that says what was
  understood and what failed. It stores nothing: read-only and idempotent, in both modes.
- ``parse_intent`` (``services.conversation``, as ``alma intent``) reads a message in a session: the
  session's focus (what "it" is), messages and frustration are stored in ALMA's records so the next
  message is read in context. So it is not read-only, and not idempotent (repeating a message is read
  as frustration), though it never changes infrastructure. Without a session nothing is stored.
  In ``--read-only`` mode it is offered without a session (each message read on its own, nothing
  stored), annotated read-only.
"""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations
from pydantic import Field

from alma.bootstrap import Services
from alma.contracts import DiagnosticOut
from alma.contracts.conversation import GuardOut, MentionOut
from alma.conversation import IntentName, Interpretation
from alma.mcp.failures import guarded
from alma.mcp.inputs import MAX_TEXT, Reviewed, Text, Utterance
from alma.mcp.reading import read_only as read_only_hints
from alma.mcp.schemas import GeneratedOut, IntentOut

# The providers generation has mappings for (``alma.generation.PROVIDERS``; a test keeps them equal).
GenerateProvider = Literal["fake", "docker", "kubernetes", "proxmox"]

# Stores the message and the session's focus: ALMA's records change, infrastructure does not.
CONVERSES = ToolAnnotations(
    title="Read a request in plain language",
    read_only_hint=False,
    destructive_hint=False,
    idempotent_hint=False,
    open_world_hint=False,
)

Message = Annotated[
    Utterance, Field(description=f"What the person said, as they said it (at most {MAX_TEXT} characters).")
]
# Plain ``str`` (empty: none), like the blueprint inputs: the SDK pre-parses other annotations as JSON.
SessionId = Annotated[
    Text,
    Field(
        description=(
            "A conversation id of your choosing (up to 64 letters, digits, '-', '_', '.', ':'): messages in the "
            "same session are read in context ('it', 'that one', follow-ups). Empty: no context, nothing stored."
        )
    ),
]
Description = Annotated[
    Reviewed,
    Field(
        description=(
            "The system in plain words, e.g. 'a web app with two nginx containers behind a load balancer and a "
            f"postgres database' (at most {MAX_TEXT} characters)."
        )
    ),
]

_CHANGES: dict[IntentName, str] = {
    "deploy": "describe it to generate_blueprint, then plan_blueprint its blueprint and apply_plan the plan",
    "design": "describe it to generate_blueprint, then plan_blueprint its blueprint and apply_plan the plan",
    "scale": "change the count in the stack's blueprint, then plan_blueprint and apply_plan",
    "update": "change the stack's blueprint, then plan_blueprint and apply_plan",
    "start": "control_resource (operation=start), then apply_plan",
    "stop": "control_resource (operation=stop); apply_plan runs it with confirm=true once the person saw the plan",
    "restart": (
        "control_resource (operation=restart); apply_plan runs it with confirm=true once the person saw the plan"
    ),
    "destroy": (
        "plan_blueprint the stack's blueprint without it; a plan that deletes runs only through an IPR a person "
        "approves"
    ),
    "rollback": "rollback (stack, to_revision); a rollback that deletes runs only through an IPR a person approves",
}
_READS: dict[IntentName, str] = {
    "status": "get_resource or get_state",
    "list": "list_stacks or list_resources",
    "plan": "plan_blueprint or validate_blueprint: a plan changes nothing until apply_plan runs it",
    "troubleshoot": "get_resource, get_state, engine_health (the troubleshoot_resource prompt lists the steps)",
    "explain": "nothing to run: answer the question",
    "unknown": "nothing: no infrastructure request was recognized",
}


def _tools_for(intent: IntentName, *, read_only: bool) -> str:
    if intent in _READS:
        return _READS[intent]
    if read_only:
        return "this server is read-only: nothing here can do it; use a full ALMA MCP server or the `alma` CLI"
    return _CHANGES[intent]


def next_step(result: Interpretation, *, read_only: bool) -> str:
    """What to call for this request (nothing has been done by reading it)."""
    risk = result.risk
    if risk.decision == "block":
        return f"do not act on it now: {risk.reason}" + (f"; {risk.next_step}" if risk.next_step else "")
    step = _tools_for(result.reading.name, read_only=read_only)
    if risk.decision == "confirm":
        return f"it is destructive: ask the person to confirm it first; then {step}"
    return step


def intent_out(result: Interpretation, session: str | None, *, read_only: bool) -> IntentOut:
    contract = result.as_json()
    risk = result.risk
    return IntentOut(
        intent=result.reading.name,
        destructive=result.destructive,
        resources=[MentionOut.model_validate(r) for r in contract["resources"]],
        target=result.reading.target,
        risk=GuardOut(
            decision=risk.decision,
            frustration=risk.frustration,
            reason=risk.reason,
            next_step=risk.next_step,
            token=risk.token,
        ),
        persona=result.persona,
        confidence=contract["confidence"],
        reply=result.reply,
        session=session,
        next_step=next_step(result, read_only=read_only),
    )


def register_language_tools(server: MCPServer, services: Services, *, read_only: bool) -> None:
    if read_only:

        @server.tool(name="parse_intent", annotations=read_only_hints("Read a request in plain language"))
        @guarded
        async def parse_intent_alone(message: Message) -> IntentOut:
            """Read a request in plain language: the intent, the resources it describes, its target, whether
            it is destructive and the risk guard's decision, with ALMA's reply. Each message is read on its
            own (this read-only server keeps no sessions) and nothing is stored or done."""
            return intent_out(await services.conversation.interpret(message), None, read_only=True)

    else:

        @server.tool(annotations=CONVERSES)
        @guarded
        async def parse_intent(message: Message, session: SessionId = "") -> IntentOut:
            """Read a request in plain language: the intent, the resources it describes, its target ('it'
            resolved from the session), whether it is destructive and the risk guard's decision, with ALMA's
            reply and which tools act on it. Stores the message in the session (its context for the next
            message); changes no infrastructure and acts on nothing."""
            result = await services.conversation.interpret(message, session or None)
            return intent_out(result, session or None, read_only=False)

    @server.tool(annotations=read_only_hints("Generate a blueprint from a description"))
    @guarded
    async def generate_blueprint(description: Description, provider: GenerateProvider = "fake") -> GeneratedOut:
        """Compose a blueprint from a plain description (deterministic building blocks: load balancer, web
        server, database, cache, queue, server, network, volume) and validate it as validate_blueprint does.
        Returns it only if it is valid, with what was understood; otherwise an error saying why. Stores
        nothing: give the blueprint to plan_blueprint."""
        generated = await services.generation.generate(description, provider)
        loaded = generated.loaded  # exists only because the blueprint validated
        return GeneratedOut(
            blueprint=generated.text,
            stack=loaded.blueprint.name,
            provider=provider,
            resources=len(loaded.desired),
            understood=list(generated.understood),
            notes=list(generated.notes),
            warnings=[DiagnosticOut.of(w) for w in loaded.warnings],
            attempts=generated.attempts,
            drafter=generated.drafter,
            next_step=(
                "show the person the blueprint; validate_blueprint and list_templates help refine it"
                if read_only
                else "show the person the blueprint, then call plan_blueprint with it to see what applying it does"
            ),
        )


__all__ = ["GenerateProvider", "intent_out", "next_step", "register_language_tools"]
