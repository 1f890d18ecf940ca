"""The deployment workflow through its service: approval waits durably, drift is healed only when
harmless, verification failures roll back when configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from alma.bootstrap import Services, build
from alma.errors import ApprovalRequiredError
from alma.workflow import RunResult
from tests.conftest import make_settings
from tests.helpers import blueprint_text, compute

V1 = blueprint_text("wf", [compute("net"), compute("db", ["net"], cores=2)])
V2 = blueprint_text("wf", [compute("net"), compute("db", ["net"], cores=4), compute("web", ["db"])])
V3 = blueprint_text("wf", [compute("net")])  # deletes db


async def run(services: Services, plan_id: str, ipr_id: int | None = None) -> RunResult:
    result = await services.runs.apply(plan_id, ipr_id=ipr_id, when_approved=ipr_id is not None)
    assert isinstance(result, RunResult)
    return result


async def resume(services: Services, run_id: str) -> RunResult:
    result = await services.runs.resume(run_id)
    assert isinstance(result, RunResult)
    return result


async def deploy(services: Services, text: str) -> str:
    plan = (await services.plans.plan_blueprint(text)).plan
    result = await run(services, plan.id)
    assert result.outcome == "succeeded", result
    return result.deployment_id


async def specs(services: Services) -> dict[str, dict[str, object]]:
    return {r.name: r.specs for r in await services.stacks.resources("wf")}


async def test_a_run_validates_checks_executes_and_verifies(tmp_path: Path, database_url: str) -> None:
    async with await build(make_settings(tmp_path, database_url)) as services:
        plan = (await services.plans.plan_blueprint(V1)).plan
        result = await run(services, plan.id)
        assert result.outcome == "succeeded"
        assert result.report is not None and result.report.deployment_id == result.deployment_id
        assert [n.split(":")[0] for n in result.notes] == ["validate", "execute", "verify"]
        kinds = [e.kind for e in await services.stacks.events("wf", result.deployment_id)]
        assert "deployment.verified" in kinds


async def test_a_gated_plan_without_an_ipr_is_refused_by_the_approval_node(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, approval_actions=["delete"])
    async with await build(settings) as services:
        await deploy(services, V1)
        plan = (await services.plans.plan_blueprint(V3)).plan
        with pytest.raises(ApprovalRequiredError, match="alma ipr create"):
            await run(services, plan.id)
        assert set(await specs(services)) == {"net", "db"}


async def test_an_ipr_gated_run_waits_durably_for_approval_and_resumes(tmp_path: Path, database_url: str) -> None:
    # Over both databases: on PostgreSQL the checkpoints live there too.
    alice = make_settings(tmp_path, database_url, user="alice", approval_actions=["delete"])
    bob = make_settings(tmp_path, database_url, user="bob", approval_actions=["delete"])
    async with await build(alice) as services:
        await deploy(services, V1)
        plan = (await services.plans.plan_blueprint(V3)).plan
        ipr = await services.iprs.create(plan, "drop the database")
        waiting = await run(services, plan.id, ipr.ipr.id)
        assert waiting.outcome == "waiting"
        assert waiting.waiting_for is not None and waiting.waiting_for["ipr"] == ipr.ipr.id
        assert set(await specs(services)) == {"net", "db"}
    # A new process (as a reviewer would be) approves; the run then resumes from its checkpoint.
    async with await build(bob) as services:
        await services.iprs.review(ipr.ipr.id, "approve")
    async with await build(alice) as services:
        done = await resume(services, waiting.deployment_id)
        assert done.outcome == "succeeded"
        assert set(await specs(services)) == {"net"}
        assert (await services.iprs.show(ipr.ipr.id)).ipr.status == "applied"


async def test_a_rejected_ipr_ends_the_waiting_run_without_changes(tmp_path: Path) -> None:
    alice = make_settings(tmp_path, user="alice", approval_actions=["delete"])
    async with await build(alice) as services:
        await deploy(services, V1)
        plan = (await services.plans.plan_blueprint(V3)).plan
        ipr = await services.iprs.create(plan)
        waiting = await run(services, plan.id, ipr.ipr.id)
    async with await build(make_settings(tmp_path, user="bob", approval_actions=["delete"])) as services:
        await services.iprs.review(ipr.ipr.id, "reject", "not today")
        done = await resume(services, waiting.deployment_id)
        assert done.outcome == "rejected"
        assert set(await specs(services)) == {"net", "db"}


async def test_harmless_drift_is_healed_by_planning_again(tmp_path: Path) -> None:
    async with await build(make_settings(tmp_path)) as services:
        await deploy(services, V1)
        plan = (await services.plans.plan_blueprint(V2)).plan
        # The stack moves (to V3 and back to V1): the plan's actions are still exactly right.
        await deploy(services, V3)
        await deploy(services, V1)
        result = await run(services, plan.id)
        assert result.outcome == "succeeded"
        assert any("harmless" in note for note in result.notes)
        assert set(await specs(services)) == {"net", "db", "web"}


async def test_drift_that_changes_the_plan_is_refused(tmp_path: Path) -> None:
    async with await build(make_settings(tmp_path)) as services:
        await deploy(services, V1)
        plan = (await services.plans.plan_blueprint(V2)).plan
        await deploy(services, V3)
        result = await run(services, plan.id)
        assert result.outcome == "abandoned"
        assert result.error is not None and "no longer describes" in result.error
        assert set(await specs(services)) == {"net"}


async def test_a_failed_verification_rolls_back_automatically_when_configured(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, auto_rollback=True, fake_unhealthy_resources=["web"])
    async with await build(settings) as services:
        await deploy(services, V1)
        v1 = await specs(services)
        plan = (await services.plans.plan_blueprint(V2)).plan
        result = await run(services, plan.id)
        assert result.outcome == "rolled_back"
        assert result.verify_failures == ["web is not ready: web failed its health check (injected)"]
        assert result.rollback is not None and result.rollback["status"] == "succeeded"
        assert result.rollback["target_revision"] == 1 and result.rollback["verify_failures"] == []
        assert await specs(services) == v1
        history = await services.stacks.history("wf")
        assert [(d.revision, d.kind, d.status) for d in history] == [
            (1, "apply", "succeeded"),
            (2, "apply", "failed"),
            (3, "rollback", "succeeded"),
        ]
        assert history[1].error is not None and "verification failed" in history[1].error
        kinds = [e.kind for e in await services.stacks.events("wf")]
        assert "deployment.verify_failed" in kinds and "approval.waived" in kinds


async def test_without_auto_rollback_a_failed_verification_leaves_the_deployment_failed(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, fake_unhealthy_resources=["web"])
    async with await build(settings) as services:
        await deploy(services, V1)
        plan = (await services.plans.plan_blueprint(V2)).plan
        result = await run(services, plan.id)
        assert result.outcome == "failed"
        assert result.rollback is None
        assert set(await specs(services)) == {"net", "db", "web"}
        assert (await services.stacks.history("wf"))[-1].status == "failed"


async def test_resuming_a_run_another_process_just_finished_says_so_instead_of_failing(tmp_path: Path) -> None:
    # The use case looks, then takes the lock; a run finished in between is reported, never an error.
    async with await build(make_settings(tmp_path)) as services:
        plan = (await services.plans.plan_blueprint(V1)).plan
        done = await run(services, plan.id)
        again = await services.workflow.resume(done.deployment_id, lease=None)
        assert again.outcome == "succeeded" and again.nothing_done is not None
        assert "already finished" in again.nothing_done
