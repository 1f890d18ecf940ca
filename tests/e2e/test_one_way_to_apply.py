"""Every surface applies through the one run use case: the same gated, stale and superseded cases driven
through the CLI (a real process), the HTTP API, MCP, chat and the worker's job give the same decision,
each in its own words (exit code, HTTP status, tool result, reply, job error) — and nothing is applied.

A new surface that applies plans belongs in ``SURFACES`` and in each case below.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from alma.bootstrap import Services, build
from alma.errors import ApprovalRequiredError, StalePlanError
from alma.settings import Settings
from alma.workflow import RunResult
from tests.conftest import make_settings
from tests.e2e.test_cli import Alma
from tests.helpers import blueprint_text, compute, run_plan
from tests.unit.api.harness import Api, serving
from tests.unit.mcp.connect import connected, text

SURFACES = ("cli", "api", "mcp", "chat", "worker")
STACK = "one"
V1 = blueprint_text(STACK, [compute("db"), compute("web", ["db"]), compute("cache-9")])
SHRINK = blueprint_text(STACK, [compute("db"), compute("web", ["db"])])  # deletes cache-9: gated
GROW = blueprint_text(STACK, [compute("db", cores=2), compute("web", ["db"]), compute("cache-9")])  # ungated
MOVE = blueprint_text(STACK, [compute("db"), compute("web", ["db"], cores=4), compute("cache-9")])  # ungated


def policy(tmp_path: Path, user: str = "alice") -> Settings:
    return make_settings(tmp_path / "home", user=user, approval_actions=["delete"], api_key=None)


@pytest.fixture
async def team(tmp_path: Path) -> AsyncIterator[tuple[Services, Services]]:
    """Alice and Bob over one SQLite file (the CLI's home too), the stack deployed, deletes gated."""
    async with await build(policy(tmp_path)) as alice, await build(policy(tmp_path, "bob")) as bob:
        planned = (await alice.plans.plan_blueprint(V1)).plan
        assert (await run_plan(alice, planned.id)).outcome == "succeeded"
        yield alice, bob


def cli(tmp_path: Path) -> Alma:
    return Alma(tmp_path / "home", ALMA_USER="alice", ALMA_APPROVAL_ACTIONS="delete")


async def revision(services: Services) -> int:
    return await services.stacks.revision(STACK)


async def api_call(tmp_path: Path, method: str, path: str) -> tuple[int, dict[str, Any]]:
    async for api in serving(policy(tmp_path), [("alice", "operator")], Api):
        answer = await api.client.request(method, path, headers=api.as_("alice"))
        return answer.status_code, answer.json()
    raise AssertionError("the app did not start")


@pytest.mark.parametrize("surface", SURFACES)
async def test_a_gated_plan_without_an_approved_ipr_is_applied_by_no_surface(
    surface: str, team: tuple[Services, Services], tmp_path: Path
) -> None:
    alice, _bob = team
    gated = (await alice.plans.plan_blueprint(SHRINK)).plan
    before = await revision(alice)
    if surface == "cli":
        plan_file = tmp_path / "plan.json"
        plan_file.write_text(json.dumps({"format": "alma-plan/1", **gated.as_json()}))
        refused = cli(tmp_path)("apply", str(plan_file))
        assert refused.returncode == 5 and "needs an approved Infrastructure Pull Request" in refused.stderr
    elif surface == "api":
        status, body = await api_call(tmp_path, "POST", f"/api/v1/plans/{gated.id}/apply")
        assert status == 403 and "needs an approved Infrastructure Pull Request" in body["detail"]
    elif surface == "mcp":
        async with connected(alice) as client:
            answer = await client.call_tool("apply_plan", {"plan_id": gated.id})
        assert answer.structured_content is not None and answer.structured_content["status"] == "needs_approval"
    elif surface == "chat":
        turn = await alice.chat.turn("delete cache-9", "s-gated")
        assert turn.outcome == "ipr_opened", turn.reply
    else:
        with pytest.raises(ApprovalRequiredError):
            await alice.runs.run_queued(gated.id, "0" * 32, None)
    assert await revision(alice) == before
    assert {r.name for r in await alice.stacks.resources(STACK)} == {"db", "web", "cache-9"}


@pytest.mark.parametrize("surface", SURFACES)
async def test_a_stale_plan_is_applied_by_no_surface(
    surface: str, team: tuple[Services, Services], tmp_path: Path
) -> None:
    alice, bob = team
    stale = (await alice.plans.plan_blueprint(GROW)).plan
    if surface == "chat":  # chat makes its plan from the words; it is the stack that moves under it
        first = await alice.chat.turn("stop web", "s-stale")
        assert first.outcome == "planned" and first.plan is not None
        stale = first.plan
    moved = (await bob.plans.plan_blueprint(MOVE)).plan
    assert (await run_plan(bob, moved.id)).outcome == "succeeded"  # the stack moves on under the plan
    before = await revision(alice)
    if surface == "cli":
        plan_file = tmp_path / "plan.json"
        plan_file.write_text(json.dumps({"format": "alma-plan/1", **stale.as_json()}))
        refused = cli(tmp_path)("apply", str(plan_file))
        assert refused.returncode == 4 and "no longer describes what would happen" in refused.stdout + refused.stderr
    elif surface == "api":
        status, body = await api_call(tmp_path, "POST", f"/api/v1/plans/{stale.id}/apply")
        assert status == 409 and body["outcome"] == "abandoned"
    elif surface == "mcp":
        async with connected(alice) as client:
            answer = await client.call_tool("apply_plan", {"plan_id": stale.id, "confirm": True})
        assert answer.structured_content is not None and answer.structured_content["status"] == "abandoned"
    elif surface == "chat":
        turn = await alice.chat.turn("yes", "s-stale")
        assert turn.outcome == "failed" and turn.run is not None and turn.run.outcome == "abandoned", turn.reply
    else:
        result = await alice.runs.run_queued(stale.id, "1" * 32, None)
        assert isinstance(result, RunResult) and result.outcome == "abandoned"
    assert await revision(alice) == before
    assert (await alice.stacks.resource(STACK, "web")).specs["cores"] == 4


@pytest.mark.parametrize("surface", [s for s in SURFACES if s != "chat"])  # chat opens IPRs, never applies them
async def test_a_superseded_ipr_is_applied_by_no_surface(
    surface: str, team: tuple[Services, Services], tmp_path: Path
) -> None:
    alice, bob = team
    gated = (await alice.plans.plan_blueprint(SHRINK)).plan
    number = (await alice.iprs.create(gated)).ipr.id
    await bob.iprs.review(number, "approve")
    moved = (await bob.plans.plan_blueprint(MOVE)).plan
    assert (await run_plan(bob, moved.id)).outcome == "succeeded"
    before = await revision(alice)
    if surface == "cli":
        refused = cli(tmp_path)("ipr", "apply", str(number))
        assert refused.returncode == 4 and f"alma ipr revise {number}" in refused.stderr
    elif surface == "api":
        status, body = await api_call(tmp_path, "POST", f"/api/v1/iprs/{number}/apply")
        assert status == 409 and f"alma ipr revise {number}" in body["detail"]
    elif surface == "mcp":
        async with connected(alice) as client:
            answer = await client.call_tool("apply_plan", {"plan_id": gated.id, "ipr_id": number})
        assert answer.is_error and text(answer).startswith("StalePlanError (conflict)")
    else:
        with pytest.raises(StalePlanError, match="superseded"):
            await alice.runs.run_queued(gated.id, "2" * 32, number)
    assert await revision(alice) == before
    assert (await alice.iprs.show(number)).ipr.status == "superseded"
    assert {r.name for r in await alice.stacks.resources(STACK)} == {"db", "web", "cache-9"}
