"""Connecting the SDK's own client to the real server, in memory (the real protocol, no mocks of ours)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp import Client
from mcp.types import CallToolResult, TextContent

from alma.bootstrap import Services
from alma.mcp import create_server
from tests.helpers import blueprint_text, compute

STACK = "demo"
RESOURCES = [compute("net"), compute("db", ["net"], cores=2), compute("web", ["db"])]


@asynccontextmanager
async def connected(services: Services, *, read_only: bool = False) -> AsyncIterator[Client]:
    async with Client(create_server(services, read_only=read_only)) as client:
        yield client


def structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, text(result)
    body = result.structured_content
    assert isinstance(body, dict)
    return body


def text(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    return structured(await client.call_tool(tool, arguments))


async def deploy(client: Client, resources: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """Plan and apply a blueprint of ``demo`` through the tools, as an agent would."""
    planned = await call(client, "plan_blueprint", blueprint=blueprint_text(STACK, resources or RESOURCES, **extra))
    applied = await call(client, "apply_plan", plan_id=planned["plan"]["plan_id"])
    assert applied["status"] == "succeeded", applied
    return applied
