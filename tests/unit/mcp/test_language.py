"""parse_intent and generate_blueprint through the SDK's in-memory client, over the real services."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import yaml

from alma.bootstrap import Services, build
from alma.generation import PROVIDERS
from alma.mcp.language import GenerateProvider
from tests.conftest import make_settings
from tests.unit.mcp.connect import call, connected, text

DESCRIPTION = "a web app with two nginx containers behind a load balancer and a postgres database"


async def test_parse_intent_reads_a_message_in_its_session_context(services: Services) -> None:
    async with connected(services) as client:
        stop = await call(client, "parse_intent", message="stop web-01", session="s1")
        start = await call(client, "parse_intent", message="now start it", session="s1")
        elsewhere = await call(client, "parse_intent", message="now start it", session="s2")
        alone = await call(client, "parse_intent", message="now start it")
    assert (stop["intent"], stop["target"], stop["destructive"]) == ("stop", "web-01", True)
    assert stop["risk"]["decision"] == "confirm"
    assert stop["risk"]["token"].startswith("cfm-")
    assert stop["next_step"].startswith("it is destructive: ask the person to confirm it first; then control_resource")
    assert stop["session"] == "s1"
    # "it" is web-01 in the same session only.
    assert (start["intent"], start["target"], start["destructive"]) == ("start", "web-01", False)
    assert start["risk"]["decision"] == "allow"
    assert start["next_step"] == "control_resource (operation=start), then apply_plan"
    assert elsewhere["target"] is None
    assert alone["target"] is None and alone["session"] is None


async def test_parse_intent_returns_the_alma_intent_contract_and_more(services: Services) -> None:
    message = "Deploy an Alpine LXC named web-01 with 2 cores and 1GB RAM"
    async with connected(services) as client:
        result = await call(client, "parse_intent", message=message, session="s1")
    contract = (await services.conversation.interpret(message)).as_json()
    assert {k: result[k] for k in contract if k != "risk"} == {k: v for k, v in contract.items() if k != "risk"}
    web = {"name": "web-01", "kind": "lxc", "template": "alpine", "cores": 2, "memory_mb": 1024, "disk_gb": None}
    assert result["resources"] == [{**web, "count": 1}]
    assert {k: result["risk"][k] for k in ("decision", "frustration")} == contract["risk"]
    assert result["reply"]
    assert result["next_step"].startswith("describe it to generate_blueprint")


async def test_parse_intent_reads_what_is_not_infrastructure_as_unknown_and_refuses_a_bad_session(
    services: Services,
) -> None:
    async with connected(services) as client:
        unknown = await call(client, "parse_intent", message="make me a sandwich")
        bad_session = await client.call_tool("parse_intent", {"message": "stop web-01", "session": "no spaces"})
        missing = await client.call_tool("parse_intent", {})
    assert (unknown["intent"], unknown["destructive"], unknown["risk"]["decision"]) == ("unknown", False, "allow")
    assert unknown["next_step"] == "nothing: no infrastructure request was recognized"
    assert bad_session.is_error
    assert text(bad_session).startswith("InvalidInputError (invalid): invalid session id 'no spaces'")
    assert missing.is_error and "message" in text(missing)


async def test_parse_intent_blocks_a_destructive_request_from_a_frustrated_person_and_acts_on_nothing(
    services: Services,
) -> None:
    async with connected(services) as client:
        await call(client, "parse_intent", message="why is web-01 STILL DOWN?!! this is the third time", session="f")
        blocked = await call(client, "parse_intent", message="JUST DELETE web-01 RIGHT NOW!!!", session="f")
        stacks = await call(client, "list_stacks")
    assert (blocked["intent"], blocked["target"]) == ("destroy", "web-01")
    assert blocked["risk"]["decision"] == "block"
    assert blocked["risk"]["next_step"]
    assert blocked["next_step"].startswith("do not act on it now")
    assert stacks == {"stacks": []}


async def test_read_only_mode_reads_requests_without_sessions(services: Services) -> None:
    async with connected(services, read_only=True) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        stop = await call(client, "parse_intent", message="stop web-01")
        status = await call(client, "parse_intent", message="is web-01 up?")
    schema = tools["parse_intent"].input_schema
    assert set(schema["properties"]) == {"message"}
    assert stop["session"] is None
    assert "this server is read-only" in stop["next_step"]
    assert status["next_step"] == "get_resource or get_state"


async def test_generate_blueprint_returns_a_valid_blueprint_that_plans(services: Services) -> None:
    async with connected(services) as client:
        generated = await call(client, "generate_blueprint", description=DESCRIPTION)
        stacks = await call(client, "list_stacks")  # generating stores nothing
        validated = await call(client, "validate_blueprint", blueprint=generated["blueprint"])
        planned = await call(client, "plan_blueprint", blueprint=generated["blueprint"])
    data = yaml.safe_load(generated["blueprint"])
    assert generated["valid"] is True
    assert generated["understood"] == ["2 × web server (nginx)", "1 × load balancer", "1 × database (postgres)"]
    assert (generated["stack"], generated["provider"], generated["drafter"]) == ("web-app", "fake", "building-blocks")
    assert generated["resources"] == len(data["resources"]) == validated["resources"]
    assert generated["next_step"].startswith("show the person the blueprint, then call plan_blueprint")
    assert stacks == {"stacks": []}
    assert validated["valid"] is True and validated["errors"] == []
    assert planned["plan"]["summary"]["create"] == generated["resources"]


async def test_generate_blueprint_for_another_provider_says_what_it_decided(services: Services) -> None:
    async with connected(services) as client:
        generated = await call(client, "generate_blueprint", description="a web server", provider="docker")
    assert generated["provider"] == "docker"
    assert any("127.0.0.1:8080" in note for note in generated["notes"])


async def test_generate_blueprint_refuses_what_it_cannot_compose_or_validate(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home", quotas={"fake": {"cores": 1}})
    async with await build(settings) as services, connected(services) as client:
        nothing = await client.call_tool("generate_blueprint", {"description": "make me a sandwich"})
        provider = await client.call_tool("generate_blueprint", {"description": "a web server", "provider": "vmware"})
        over_quota = await client.call_tool("generate_blueprint", {"description": "a postgres database with 4 cores"})
    assert nothing.is_error
    assert text(nothing).startswith("InvalidInputError (invalid): no blueprint: nothing I could compose")
    assert "Building blocks: load balancer" in text(nothing)
    assert nothing.structured_content is None
    assert provider.is_error and "vmware" in text(provider)
    # A draft that does not validate is never handed out: the error carries every diagnostic.
    assert over_quota.is_error and over_quota.structured_content is None
    assert text(over_quota).startswith("BlueprintInvalidError (invalid): ")
    assert "quota exceeded for provider 'fake'" in text(over_quota)
    assert text(over_quota).endswith("nothing was changed")


async def test_read_only_mode_generates_blueprints(services: Services) -> None:
    async with connected(services, read_only=True) as client:
        generated = await call(client, "generate_blueprint", description="a redis cache")
    assert generated["valid"] is True
    assert "plan_blueprint" not in generated["next_step"]


def test_the_providers_offered_are_the_ones_generation_maps() -> None:
    assert get_args(GenerateProvider) == PROVIDERS
