"""Blueprints named by ``path``: a local (stdio) server reads regular files within the size limit, and an
HTTP server reads none — a key holder would otherwise read the server's files through the diagnostics,
which quote values. The SDK's client, in memory and over the in-process streamable-HTTP app."""

from __future__ import annotations

import os
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from alma.bootstrap import Services
from alma.mcp.server import http_app
from tests.helpers import blueprint_text, compute
from tests.unit.mcp.connect import call, connected, text
from tests.unit.mcp.test_http_auth import key, started

SECRET = "s3cr3t-Pa55word!!"


@pytest.mark.timeout(60)  # before the fix, /dev/zero and the pipe were read forever
async def test_a_local_server_reads_regular_files_within_the_limit_only(services: Services, tmp_path: Path) -> None:
    good = tmp_path / "demo.json"
    good.write_text(blueprint_text("demo", [compute("web")]))
    big = tmp_path / "big.json"
    big.write_text(blueprint_text("big", [compute("web")], description="x" * services.settings.max_blueprint_bytes))
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # nobody writes to it: opening it would wait forever
    async with connected(services) as client:
        valid = await call(client, "validate_blueprint", path=str(good))
        refused = {
            name: await client.call_tool(tool, {"path": name})
            for tool, name in (
                ("validate_blueprint", "/dev/zero"),  # endless: it was read until the server died
                ("validate_blueprint", str(fifo)),
                ("plan_blueprint", str(big)),
            )
        }
    assert valid["valid"] is True
    assert all(result.is_error for result in refused.values())
    assert "is not a regular file" in text(refused["/dev/zero"])
    assert "is not a regular file" in text(refused[str(fifo)])
    assert f"a blueprint has at most {services.settings.max_blueprint_bytes}" in text(refused[str(big)])
    assert await services.stacks.stacks() == []


async def test_an_http_server_reads_no_file_of_its_machine(services: Services, tmp_path: Path) -> None:
    private = tmp_path / "private.yaml"
    private.write_text(f'version: "1.0"\nname: "{SECRET}"\nresources: []\n')
    made = await key(services, "agent-a", "operator")
    app = http_app(services, host="127.0.0.1", read_only=False)
    async with started(app):
        http = httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app),
            base_url="http://127.0.0.1:8765",
            headers={"Authorization": f"Bearer {made}"},
        )
        async with http, Client(streamable_http_client("http://127.0.0.1:8765/mcp", http_client=http)) as client:
            results = [
                await client.call_tool(tool, {"path": str(private)})
                for tool in ("validate_blueprint", "plan_blueprint")
            ]
            by_text = await call(client, "validate_blueprint", blueprint=private.read_text())
    for result in results:
        assert result.is_error
        assert "RefusedError (refused)" in text(result) and "send the blueprint's text as `blueprint`" in text(result)
        assert SECRET not in text(result)
    assert by_text["valid"] is False  # the same text, sent by the client, is checked as usual
