"""The one place where ALMA's errors become MCP results (as ``cli/failures.py`` is for exit codes).

A tool that meets an ``AlmaError`` returns a tool error (``isError: true``) whose text is the message the
CLI prints, so the agent can read it and correct itself; a blueprint's diagnostics follow, one per line,
as ``alma validate`` shows them. A resource that meets one raises the SDK's ``ResourceError`` (unknown
things: ``ResourceNotFoundError``) with the same message. Anything else is a bug: the SDK reports it as
"Error executing tool NAME" and logs the traceback, and no internal detail reaches the client.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp.types import CallToolResult, TextContent

from alma.errors import AlmaError, BlueprintInvalidError, ConflictError, EngineError, NotFoundError, RefusedError

P = ParamSpec("P")
T = TypeVar("T")


def kind_of(error: AlmaError) -> str:
    """The class of failure, in the words of the CLI's exit codes (1 invalid, 3 failed, 4 conflict, 5 refused)."""
    if isinstance(error, ConflictError):
        return "conflict"
    if isinstance(error, RefusedError):
        return "refused"
    if isinstance(error, EngineError):
        return "engine_failed"
    if isinstance(error, NotFoundError):
        return "not_found"
    return "invalid"


def message_of(error: AlmaError) -> str:
    lines = [f"{type(error).__name__} ({kind_of(error)}): {error}"]
    if isinstance(error, BlueprintInvalidError):
        listed = error.diagnostics
        if len(listed) == 1 and listed[0].render() == str(error):
            listed = []  # the message is that one diagnostic: saying it twice tells the agent nothing more
        lines += [f"{d.severity}: {d.render()}" for d in listed]
        lines.append("nothing was changed")
    return "\n".join(lines)


def tool_error(error: AlmaError) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message_of(error))], is_error=True)


def guarded(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T | CallToolResult]]:
    """Wrap a tool body: our errors become tool errors. The wrapper keeps the body's signature (the SDK
    reads the inputs, the Context parameter and the output model from it through ``__wrapped__``)."""

    @functools.wraps(fn)
    async def tool(*args: P.args, **kwargs: P.kwargs) -> T | CallToolResult:
        try:
            return await fn(*args, **kwargs)
        except AlmaError as error:
            return tool_error(error)

    return tool


def resource_guarded(fn: Callable[P, Awaitable[str]]) -> Callable[P, Awaitable[str]]:
    """Wrap a resource reader: unknown things are 'not found', every other error of ours a ResourceError."""

    @functools.wraps(fn)
    async def resource(*args: P.args, **kwargs: P.kwargs) -> str:
        try:
            return await fn(*args, **kwargs)
        except NotFoundError as error:
            raise ResourceNotFoundError(str(error)) from error
        except AlmaError as error:
            raise ResourceError(str(error)) from error

    return resource
