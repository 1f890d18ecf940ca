"""The MCP server through the SDK's in-memory client: tools, annotations, errors, progress, resources,
prompts and the read-only mode, over the real services (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp.shared.exceptions import MCPError
from mcp.types import TextResourceContents

from alma.bootstrap import Services
from tests.helpers import blueprint_text, compute
from tests.unit.mcp.connect import RESOURCES, STACK, call, connected, deploy, structured, text

READ_TOOLS = {
    "list_stacks",
    "get_state",
    "list_resources",
    "get_resource",
    "validate_blueprint",
    "get_ipr",
    "engine_health",
    "check_drift",
    "list_templates",
    "render_template",
    "generate_blueprint",
}
# parse_intent stores the message in its session: ALMA's records change (never infrastructure).
CHANGE_TOOLS = {
    "plan_blueprint",
    "create_ipr",
    "apply_plan",
    "resume_run",
    "control_resource",
    "rollback",
    "parse_intent",
}


async def test_every_tool_has_typed_inputs_an_output_schema_and_truthful_annotations(services: Services) -> None:
    async with connected(services) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == READ_TOOLS | CHANGE_TOOLS
    for name, tool in tools.items():
        assert tool.input_schema["type"] == "object", name
        assert tool.output_schema is not None, name
        assert tool.description, name
        hints = tool.annotations
        assert hints is not None
        assert hints.read_only_hint is (name in READ_TOOLS), name
        # The only tools that can delete anything: applying a plan, and finishing a run that applies one.
        assert hints.destructive_hint is (name in ("apply_plan", "resume_run")), name
        # Reading, and resuming (a run's work is done once however often it is resumed), can be repeated.
        assert hints.idempotent_hint is (name in READ_TOOLS or name == "resume_run"), name


async def test_read_only_mode_exposes_only_the_tools_that_read(services: Services) -> None:
    async with connected(services, read_only=True) as client:
        tools = (await client.list_tools()).tools
        prompts = (await client.list_prompts()).prompts
        refused = await client.call_tool("apply_plan", {"plan_id": "x"})
    # parse_intent is there without sessions: it stores nothing, so it reads only.
    assert {t.name for t in tools} == READ_TOOLS | {"parse_intent"}
    assert all(t.annotations is not None and t.annotations.read_only_hint for t in tools)
    assert [p.name for p in prompts] == ["troubleshoot_resource"]
    assert refused.is_error
    assert "apply_plan" in text(refused)


async def test_plan_then_apply_deploys_a_stack_and_reports_progress_per_resource(services: Services) -> None:
    steps: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        steps.append((progress, total, message))

    async with connected(services) as client:
        planned = await call(client, "plan_blueprint", blueprint=blueprint_text(STACK, RESOURCES))
        assert planned["risk"] == {"gate": "apply", "destructive": False, "reasons": []}
        assert planned["plan"]["summary"]["create"] == 3
        assert "+ create" in planned["plan"]["rendered"] or "create" in planned["plan"]["rendered"]
        result = await client.call_tool(
            "apply_plan", {"plan_id": planned["plan"]["plan_id"]}, progress_callback=on_progress
        )
        applied = structured(result)
        state = await call(client, "get_state", stack=STACK)
        stacks = await call(client, "list_stacks")
    assert applied["status"] == "succeeded"
    assert applied["run"]["revision"] == 1
    assert applied["run"]["summary"]["create"] == 3
    assert steps[0] == (0.0, 3.0, "applying 3 action(s)")
    assert [s[0] for s in steps[1:]] == [1.0, 2.0, 3.0]
    assert {s[2] for s in steps[1:]} == {"create net: succeeded", "create db: succeeded", "create web: succeeded"}
    assert [r["name"] for r in state["resources"]] == ["db", "net", "web"]
    assert state["revision"] == 1
    assert state["history"][-1]["status"] == "succeeded"
    assert stacks["stacks"][0]["name"] == STACK


async def test_a_plan_is_applied_once_and_a_second_apply_is_refused_with_the_cli_message(services: Services) -> None:
    async with connected(services) as client:
        planned = await call(client, "plan_blueprint", blueprint=blueprint_text(STACK, RESOURCES))
        plan_id = planned["plan"]["plan_id"]
        assert (await call(client, "apply_plan", plan_id=plan_id))["status"] == "succeeded"
        again = await client.call_tool("apply_plan", {"plan_id": plan_id})
    # A plan runs once: the second apply says where it went (not "drift"), as `alma apply` does.
    assert again.is_error
    assert text(again).startswith("AlreadyAppliedError (conflict): plan ")
    assert "was already applied as revision 1 of 'demo'" in text(again)
    assert "make a new plan" in text(again)


async def test_errors_are_tool_errors_with_the_messages_the_cli_prints(services: Services) -> None:
    async with connected(services) as client:
        await deploy(client)
        missing = await client.call_tool("get_resource", {"stack": STACK, "name": "wbe"})
        no_stack = await client.call_tool("get_state", {"stack": "nope"})
        bad = await client.call_tool("plan_blueprint", {"blueprint": "version: '1.0'\nname: Bad_Name\nresources: []\n"})
        both = await client.call_tool("validate_blueprint", {"blueprint": "x", "path": "y"})
        not_a_plan = await client.call_tool("apply_plan", {"plan_id": "nope"})
    assert missing.is_error
    assert text(missing) == "NotFoundError (not_found): stack 'demo' has no resource 'wbe'; did you mean 'web'?"
    assert no_stack.is_error and "no stack named 'nope'" in text(no_stack)
    assert bad.is_error
    assert text(bad).startswith("BlueprintInvalidError (invalid): ")
    assert "not a lowercase DNS label" in text(bad)
    assert text(bad).endswith("nothing was changed")
    assert both.is_error and "one of them" in text(both)
    assert not_a_plan.is_error
    assert text(not_a_plan) == ("NotFoundError (not_found): no plan with id 'nope'; make one with `alma plan FILE`")


async def test_validate_reports_every_problem_with_line_and_column(services: Services, tmp_path: Path) -> None:
    bad = (
        'version: "1.0"\nname: demo\nresources:\n'
        "  - {type: compute, name: Web_01, provider: fake, specs: {cores: -1, memroy: 2G}}\n"
        "  - {type: compute, name: db, provider: fakee, dependencies: [web]}\n"
    )
    good = tmp_path / "good.yaml"
    good.write_text(blueprint_text(STACK, RESOURCES))
    async with connected(services) as client:
        report = await call(client, "validate_blueprint", blueprint=bad)
        from_file = await call(client, "validate_blueprint", path=str(good))
        stacks = await call(client, "list_stacks")
    assert report["valid"] is False
    messages = [e["message"] for e in report["errors"]]
    assert any("did you mean 'memory'" in m for m in messages)
    assert any("unknown provider 'fakee'" in m for m in messages)
    assert all(e["line"] is not None for e in report["errors"])
    assert from_file == {"valid": True, "stack": STACK, "resources": 3, "errors": [], "warnings": []}
    assert stacks == {"stacks": []}  # validating stores nothing


async def test_list_templates_serves_the_catalogue_with_typed_parameters(services: Services) -> None:
    async with connected(services) as client:
        found = await call(client, "list_templates")
    names = {t["name"]: t for t in found["templates"]}
    assert {"web-app", "ha-web", "kubernetes-app"} <= set(names)
    assert names["ha-web"]["providers"] == ["fake", "docker", "kubernetes", "proxmox"]
    replicas = next(p for p in names["ha-web"]["parameters"] if p["name"] == "replicas")
    assert (replicas["type"], replicas["default"], replicas["minimum"]) == ("integer", 3, 2)
    assert any("not listed" in note for note in found["notes"])


async def test_render_template_gives_a_validated_blueprint_and_names_every_bad_parameter(services: Services) -> None:
    async with connected(services) as client:
        rendered = await call(client, "render_template", name="redis-cache", parameters={"max_memory": "1G"})
        planned = await call(client, "plan_blueprint", blueprint=rendered["blueprint"])
        refused = await client.call_tool("render_template", {"name": "ha-web", "parameters": {"replicas": 1, "x": 2}})
    assert (rendered["provider"], rendered["parameters"]["max_memory"]) == ("fake", "1G")
    assert planned["plan"]["summary"]["create"] == rendered["resources"]
    assert refused.is_error
    assert "parameters.replicas" in text(refused) and "has no parameter 'x'" in text(refused)


async def test_engine_health_reports_every_installed_engine(services: Services) -> None:
    async with connected(services) as client:
        health = await call(client, "engine_health", providers=["fake"])
    assert health == {"engines": [{"name": "fake", "ok": True, "detail": health["engines"][0]["detail"]}]}


async def test_control_resource_plans_a_stop_with_the_start_spec_flipped_and_applies_it_after_confirmation(
    services: Services,
) -> None:
    async with connected(services) as client:
        await deploy(client)
        stop = await call(client, "control_resource", stack=STACK, resource="web", operation="stop")
        actions = {a["resource"]: a for a in stop["plan"]["actions"]}
        assert actions["web"]["action"] == "update"
        assert actions["web"]["changes"] == [{"path": "start", "before": True, "after": False, "forces_replace": False}]
        assert {a["action"] for n, a in actions.items() if n != "web"} == {"noop"}
        assert stop["risk"]["gate"] == "confirm"
        unconfirmed = await call(client, "apply_plan", plan_id=stop["plan"]["plan_id"])
        assert unconfirmed["status"] == "needs_confirmation"
        assert (await call(client, "get_resource", stack=STACK, name="web"))["specs"]["start"] is True
        confirmed = await call(client, "apply_plan", plan_id=stop["plan"]["plan_id"], confirm=True)
        assert confirmed["status"] == "succeeded"
        stopped = await call(client, "get_resource", stack=STACK, name="web")
        restart = await call(client, "control_resource", stack=STACK, resource="web", operation="restart")
    assert stopped["specs"]["start"] is False
    assert stopped["status"] == "stopped"
    # A stopped resource restarts by starting: no confirmation needed, nothing left to do after it.
    assert restart["risk"]["gate"] == "apply"
    assert restart["then"] is None


async def test_restarting_a_running_resource_is_a_stop_plan_then_a_start(services: Services) -> None:
    async with connected(services) as client:
        await deploy(client)
        restart = await call(client, "control_resource", stack=STACK, resource="db", operation="restart")
        await call(client, "apply_plan", plan_id=restart["plan"]["plan_id"], confirm=True)
        start = await call(client, "control_resource", stack=STACK, resource="db", operation="start")
        started = await call(client, "apply_plan", plan_id=start["plan"]["plan_id"])
        db = await call(client, "get_resource", stack=STACK, name="db")
    assert restart["risk"]["gate"] == "confirm"
    assert restart["then"] == "call control_resource again with operation=start"
    assert started["status"] == "succeeded"
    assert db["specs"]["start"] is True


async def test_control_resource_refuses_a_resource_without_a_start_setting(services: Services) -> None:
    network = {"type": "network", "name": "lan", "provider": "fake", "specs": {"cidr": "10.0.0.0/24"}}
    async with connected(services) as client:
        await deploy(client, [network])
        refused = await client.call_tool("control_resource", {"stack": STACK, "resource": "lan", "operation": "stop"})
    assert refused.is_error
    assert "has no `start` setting" in text(refused)


async def test_resources_serve_state_deployments_and_iprs_as_json(services: Services) -> None:
    async with connected(services) as client:
        applied = await deploy(client)
        destroy = await call(client, "rollback", stack=STACK, to_revision=0)
        ipr = await call(client, "create_ipr", plan_id=destroy["plan"]["plan_id"], title="tear down")
        state = await client.read_resource(f"alma://stacks/{STACK}/state")
        deployment = await client.read_resource(f"alma://deployments/{applied['run']['deployment_id']}")
        request = await client.read_resource(f"alma://iprs/{ipr['id']}")
        templates = (await client.list_resource_templates()).resource_templates
        with pytest.raises(MCPError, match="no IPR #99"):
            await client.read_resource("alma://iprs/99")
        with pytest.raises(MCPError, match="no deployment 'nope'"):
            await client.read_resource("alma://deployments/nope")

    def body(result: object) -> object:
        contents = getattr(result, "contents")  # noqa: B009 - the SDK's result type
        assert isinstance(contents[0], TextResourceContents)
        return json.loads(contents[0].text)

    assert {t.uri_template for t in templates} == {
        "alma://stacks/{stack}/state",
        "alma://deployments/{deployment_id}",
        "alma://iprs/{ipr_id}",
    }
    state_doc = body(state)
    assert isinstance(state_doc, dict) and [r["name"] for r in state_doc["resources"]] == ["db", "net", "web"]
    deployment_doc = body(deployment)
    assert isinstance(deployment_doc, dict)
    assert deployment_doc["revision"] == 1 and deployment_doc["status"] == "succeeded"
    assert any(e["kind"] == "deployment.started" for e in deployment_doc["events"])
    request_doc = body(request)
    assert isinstance(request_doc, dict)
    assert (request_doc["title"], request_doc["status"]) == ("tear down", "open")


async def test_prompts_guide_deploying_and_troubleshooting_through_the_tools(services: Services) -> None:
    async with connected(services) as client:
        deploy_prompt = await client.get_prompt("deploy_service", {"description": "a web server", "provider": "fake"})
        trouble = await client.get_prompt("troubleshoot_resource", {"stack": STACK, "resource": "web"})
    deploy_text = str(deploy_prompt.messages[0].content)
    assert "plan_blueprint" in deploy_text and "apply_plan" in deploy_text
    trouble_text = str(trouble.messages[0].content)
    assert f"alma://stacks/{STACK}/state" in trouble_text and "get_resource" in trouble_text


async def test_a_blueprint_warning_travels_with_the_plan(services: Services) -> None:
    async with connected(services) as client:
        planned = await call(client, "plan_blueprint", blueprint=blueprint_text(STACK, [compute("solo")]))
    assert planned["warnings"] == [] or all("message" in w for w in planned["warnings"])
    assert planned["next_step"].startswith("call apply_plan with plan_id=")
