"""``check_drift`` through the SDK's in-memory client: the service's typed report as structured output."""

from __future__ import annotations

from alma.bootstrap import Services
from alma.engines import Change, ResourceRef
from tests.unit.mcp.connect import STACK, call, connected, deploy, text
from tests.unit.services.test_drift import behind_almas_back


async def test_check_drift_reports_each_resource_and_what_a_plan_would_do(services: Services) -> None:
    async with connected(services) as client:
        await deploy(client)
        calm = await call(client, "check_drift", stack=STACK)
        async with behind_almas_back(services.settings) as engine:
            ref = ResourceRef(STACK, "db", "compute")
            seen = await engine.read(ref)
            assert seen is not None
            await engine.apply(Change("update", ref, {**seen.specs, "cores": 6}, seen))
        drifted = await call(client, "check_drift", stack=STACK)
    assert calm["drifted"] is False and calm["summary"]["in_sync"] == 3
    (db,) = [r for r in drifted["resources"] if r["drift"] != "in_sync"]
    assert (db["resource"], db["drift"], db["repair"]) == ("db", "changed", "update")
    assert db["fields"] == [{"path": "cores", "recorded": 2, "actual": 6, "forces_replace": False}]


async def test_check_drift_of_an_unknown_stack_is_a_tool_error(services: Services) -> None:
    async with connected(services, read_only=True) as client:
        refused = await client.call_tool("check_drift", {"stack": "nope"})
    assert refused.is_error
    assert "no stack named 'nope'" in text(refused)
