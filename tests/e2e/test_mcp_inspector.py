"""The MCP server through a real third-party client: the MCP Inspector's CLI (npm), over stdio and over
streamable HTTP, against `alma mcp` processes. Skipped where `npx` is missing; the first run downloads the
inspector into npm's cache."""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import blueprint_text, compute

INSPECTOR = "@modelcontextprotocol/inspector@2.12.0"
NPX_TIMEOUT_S = 240  # the first run downloads the inspector
READY_TIMEOUT_S = 30
KEY_FILE = "agent.key"
KEY_NAME = "agent-key"  # not the server's ALMA_USER: HTTP tool calls must act as the key's holder
# Read at import, before the tests' isolated HOME: the inspector is downloaded once and kept in npm's cache.
NPM_CACHE = os.environ.get("NPM_CONFIG_CACHE") or str(Path.home() / ".npm")
ALMA_ENV = {
    "ALMA_USER": "agent",
    "ALMA_RETRY_BASE_DELAY_S": "0.001",
    "ALMA_APPROVAL_ACTIONS": "delete,replace",
    "ALMA_APPROVAL_ENVIRONMENTS": "production",
}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(NPX_TIMEOUT_S * 2),
    pytest.mark.skipif(shutil.which("npx") is None, reason="the MCP Inspector runs with npx (Node.js)"),
]


def server_env(home: Path) -> dict[str, str]:
    return {"ALMA_HOME": str(home), **ALMA_ENV}


def inspector(*args: str, exit_code: int = 0) -> Any:
    """Run the inspector's CLI and return the JSON it prints (it exits 5 when a tool returns isError)."""
    result = subprocess.run(
        ["npx", "-y", INSPECTOR, "--cli", *args],
        capture_output=True,
        text=True,
        timeout=NPX_TIMEOUT_S,
        stdin=subprocess.DEVNULL,
        check=False,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}, "NPM_CONFIG_CACHE": NPM_CACHE},
    )
    assert result.returncode == exit_code, result.stderr[-3000:]
    return json.loads(result.stdout)


def stdio_target(home: Path) -> list[str]:
    env = [arg for key, value in server_env(home).items() for arg in ("-e", f"{key}={value}")]
    return [*env, sys.executable, "-m", "alma", "mcp"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[str]:
    """`alma mcp --http` on a free port with an operator key made by `alma keys create`; ready when uvicorn
    says it is listening. The fixture's value is the URL; the key is in ``KEY_FILE`` beside the home."""
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}, **server_env(tmp_path / "home")}
    created = subprocess.run(
        [sys.executable, "-m", "alma", "keys", "create", "--role", "operator", "--name", KEY_NAME],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    (tmp_path / KEY_FILE).write_text(created.stdout.strip().splitlines()[-1])
    process = subprocess.Popen(
        [sys.executable, "-m", "alma", "mcp", "--http", "--port", str(port)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: queue.Queue[str | None] = queue.Queue()

    def read(stream: Any) -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=read, args=(process.stderr,), daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        while True:
            line = lines.get(timeout=READY_TIMEOUT_S)
            assert line is not None, "alma mcp --http exited before it was ready:\n" + "".join(seen)
            seen.append(line)
            if f"running on http://127.0.0.1:{port}" in line:
                break
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=30)
        process.stderr.close()


def test_the_inspector_lists_every_tool_over_stdio_with_annotations(tmp_path: Path) -> None:
    listed = inspector(*stdio_target(tmp_path / "home"), "--method", "tools/list")
    tools = {t["name"]: t for t in listed["tools"]}
    assert {"list_stacks", "plan_blueprint", "apply_plan", "control_resource", "rollback"} <= set(tools)
    assert tools["apply_plan"]["annotations"]["destructiveHint"] is True
    assert tools["get_state"]["annotations"]["readOnlyHint"] is True
    assert "outputSchema" in tools["plan_blueprint"]


def test_the_inspectors_strict_check_finds_no_portability_problem_in_any_tool_schema(tmp_path: Path) -> None:
    # Every output schema comes from the one set of response models; free-form values say they are JSON.
    target = stdio_target(tmp_path / "home")
    result = subprocess.run(
        ["npx", "-y", INSPECTOR, "--cli", "--connect-timeout", "90000", *target, "--method", "tools/list", "--strict"],
        capture_output=True,
        text=True,
        timeout=NPX_TIMEOUT_S,
        stdin=subprocess.DEVNULL,
        check=False,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}, "NPM_CONFIG_CACHE": NPM_CACHE},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Warning" not in result.stderr and "Error" not in result.stderr, result.stderr[-3000:]
    assert len(json.loads(result.stdout)["tools"]) > 10


def test_the_inspector_lists_only_read_tools_of_a_read_only_server(tmp_path: Path) -> None:
    listed = inspector(*stdio_target(tmp_path / "home"), "--read-only", "--method", "tools/list")
    assert all(t["annotations"]["readOnlyHint"] for t in listed["tools"])
    assert "apply_plan" not in {t["name"] for t in listed["tools"]}


def test_the_inspector_plans_and_applies_over_stdio(tmp_path: Path) -> None:
    home = tmp_path / "home"
    blueprint = tmp_path / "demo.json"
    blueprint.write_text(blueprint_text("demo", [compute("net"), compute("web", ["net"])]))
    target = stdio_target(home)
    planned = inspector(
        *target, "--method", "tools/call", "--tool-name", "plan_blueprint", "--tool-arg", f"path={blueprint}"
    )
    plan = planned["structuredContent"]["plan"]
    assert planned["structuredContent"]["risk"]["gate"] == "apply"
    applied = inspector(
        *target, "--method", "tools/call", "--tool-name", "apply_plan", "--tool-arg", f"plan_id={plan['plan_id']}"
    )
    assert applied["isError"] is False
    assert applied["structuredContent"]["status"] == "succeeded"
    state = inspector(*target, "--method", "tools/call", "--tool-name", "get_state", "--tool-arg", "stack=demo")
    assert [r["name"] for r in state["structuredContent"]["resources"]] == ["net", "web"]
    destroy = inspector(
        *target, "--method", "tools/call", "--tool-name", "rollback", "--tool-arg", "stack=demo", "to_revision=0"
    )
    refused = inspector(
        *target,
        "--method",
        "tools/call",
        "--tool-name",
        "apply_plan",
        "--tool-arg",
        f"plan_id={destroy['structuredContent']['plan']['plan_id']}",
    )
    assert refused["structuredContent"]["status"] == "needs_approval"
    after = inspector(*target, "--method", "tools/call", "--tool-name", "list_resources", "--tool-arg", "stack=demo")
    assert len(after["structuredContent"]["resources"]) == 2


def test_the_inspector_reports_a_tool_error_with_the_cli_message(tmp_path: Path) -> None:
    result = inspector(
        *stdio_target(tmp_path / "home"),
        "--method",
        "tools/call",
        "--tool-name",
        "get_state",
        "--tool-arg",
        "stack=x",
        exit_code=5,
    )
    assert result["isError"] is True
    assert result["content"][0]["text"] == "NotFoundError (not_found): no stack named 'x'"


def test_the_http_server_refuses_a_client_without_a_key(http_server: str) -> None:
    answer = httpx.post(http_server, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, timeout=30)
    assert answer.status_code == 401
    assert "alma keys create" in answer.json()["detail"]


def test_the_inspector_talks_to_the_streamable_http_server(http_server: str, tmp_path: Path) -> None:
    bearer = ["--header", f"Authorization: Bearer {(tmp_path / KEY_FILE).read_text()}"]
    listed = inspector(http_server, *bearer, "--method", "tools/list")
    assert "apply_plan" in {t["name"] for t in listed["tools"]}
    # YAML: the inspector would turn a JSON value into an object before sending it.
    blueprint = 'version: "1.0"\nname: demo\nresources:\n  - {type: compute, name: net, provider: fake}\n'
    checked = inspector(
        http_server,
        *bearer,
        "--method",
        "tools/call",
        "--tool-name",
        "validate_blueprint",
        "--tool-arg",
        f"blueprint={blueprint}",
    )
    assert checked["structuredContent"]["valid"] is True
    templates = inspector(http_server, *bearer, "--method", "resources/templates/list")
    assert "alma://stacks/{stack}/state" in {t["uriTemplate"] for t in templates["resourceTemplates"]}


def test_http_tool_calls_act_as_the_keys_holder_not_the_servers_user(http_server: str, tmp_path: Path) -> None:
    bearer = ["--header", f"Authorization: Bearer {(tmp_path / KEY_FILE).read_text()}"]
    blueprint = 'version: "1.0"\nname: audited\nresources:\n  - {type: compute, name: net, provider: fake}\n'
    call = [http_server, *bearer, "--method", "tools/call", "--tool-name"]
    planned = inspector(*call, "plan_blueprint", "--tool-arg", f"blueprint={blueprint}")
    plan_id = planned["structuredContent"]["plan"]["plan_id"]
    opened = inspector(*call, "create_ipr", "--tool-arg", f"plan_id={plan_id}")
    assert opened["structuredContent"]["author"] == KEY_NAME


def test_a_session_belongs_to_its_key_and_each_key_acts_as_its_holder(http_server: str, tmp_path: Path) -> None:
    """A session opened with one key cannot be continued with another (403); in its own session each key's
    calls are its holder's."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}, **server_env(tmp_path / "home")}
    other = (
        subprocess.run(
            [sys.executable, "-m", "alma", "keys", "create", "--role", "operator", "--name", "second-key"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    first = (tmp_path / KEY_FILE).read_text()
    accept = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}

    def rpc(key: str, body: dict[str, Any], session: str | None = None) -> httpx.Response:
        headers = {**accept, "Authorization": f"Bearer {key}", **({"Mcp-Session-Id": session} if session else {})}
        return httpx.post(http_server, json=body, headers=headers, timeout=60)

    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
    opened = rpc(first, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello})
    assert opened.status_code == 200, opened.text
    session = opened.headers.get("mcp-session-id")
    rpc(first, {"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
    blueprint = 'version: "1.0"\nname: shared\nresources:\n  - {type: compute, name: net, provider: fake}\n'

    listing = {"jsonrpc": "2.0", "id": 9, "method": "tools/list"}
    taken = rpc(other, listing, session)
    assert taken.status_code == 403 and "another API key" in taken.json()["detail"]
    own = rpc(other, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello})
    other_session = own.headers["mcp-session-id"]
    rpc(other, {"jsonrpc": "2.0", "method": "notifications/initialized"}, other_session)

    def call(key: str, request_id: int, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        body = {
            "jsonrpc": "2.0",
            "id": request_id,
            "method": "tools/call",
            "params": {"name": tool, "arguments": arguments},
        }
        answer = rpc(key, body, other_session if key == other else session)
        assert answer.status_code == 200, answer.text
        text = answer.text
        payload = (
            text[text.index("{") :]
            if answer.headers.get("content-type", "").startswith("application/json")
            else next(line[len("data: ") :] for line in text.splitlines() if line.startswith("data: "))
        )
        result: dict[str, Any] = json.loads(payload)["result"]["structuredContent"]
        return result

    plan = call(other, 2, "plan_blueprint", {"blueprint": blueprint})["plan"]
    assert call(other, 3, "create_ipr", {"plan_id": plan["plan_id"]})["author"] == "second-key"
