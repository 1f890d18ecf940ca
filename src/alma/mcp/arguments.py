"""A tool call with an argument the tool does not take is refused, naming it and the arguments there are.

The SDK drops unknown arguments silently, so an agent that sends ``apply_plan(plan_id, approved=true)``,
``plan_blueprint(blueprint_text=…)`` or a ``session`` to the read-only ``parse_intent`` (which keeps none)
would be told nothing, and believe its argument counted. A server middleware (it sees ``tools/call``
before the SDK validates it) compares the arguments with the tool's input schema, and ``tools/list``
says so in each schema (``additionalProperties: false``; JSON Schema's default would allow any).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.types import ListToolsResult, Tool

from alma.errors import InvalidInputError
from alma.mcp.failures import tool_error


class RefuseUnknownArguments:
    def __init__(self, server: MCPServer) -> None:
        self._server = server
        self._taken: dict[str, list[str]] | None = None  # tool -> its arguments, read on the first call

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        params = ctx.params
        if ctx.method == "tools/call" and params is not None:
            name, arguments = params.get("name"), params.get("arguments")
            if isinstance(name, str) and isinstance(arguments, Mapping):
                taken = (await self._arguments()).get(name)  # unknown tools: the SDK says so
                unknown = [str(a) for a in arguments if a not in taken] if taken is not None else []
                if taken is not None and unknown:
                    return tool_error(InvalidInputError(_refusal(name, unknown, taken)))
        result = await call_next(ctx)
        if ctx.method == "tools/list":
            return _closed(result)
        return result

    async def _arguments(self) -> dict[str, list[str]]:
        if self._taken is None:
            tools = await self._server.list_tools()
            self._taken = {t.name: list(t.input_schema.get("properties", {})) for t in tools}
        return self._taken


def _closed(listing: HandlerResult) -> HandlerResult:
    """The listing (a model or, serialized already, a dict) with ``additionalProperties: false`` in each schema."""
    if isinstance(listing, ListToolsResult):
        return listing.model_copy(update={"tools": [_closed_tool(t) for t in listing.tools]})
    if isinstance(listing, dict) and isinstance(tools := listing.get("tools"), list):
        schemas = [t for t in tools if isinstance(t, dict) and isinstance(t.get("inputSchema"), dict)]
        if len(schemas) == len(tools):
            return {
                **listing,
                "tools": [{**t, "inputSchema": {**t["inputSchema"], "additionalProperties": False}} for t in schemas],
            }
    return listing


def _closed_tool(tool: Tool) -> Tool:
    return tool.model_copy(update={"input_schema": {**tool.input_schema, "additionalProperties": False}})


def _refusal(tool: str, unknown: list[str], taken: list[str]) -> str:
    named = ", ".join(
        repr(a[:64]) for a in sorted(unknown)[:5]
    )  # repr: a name can hold anything + (" and more" if len(unknown) > 5 else "")
    which = f"its arguments are {', '.join(taken)}" if taken else "it takes none"
    return f"{tool} takes no argument {named}; {which} (nothing was done)"


__all__ = ["RefuseUnknownArguments"]
