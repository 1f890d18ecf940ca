"""One drift cycle over a real engine, shared by the engines' integration tests: deploy, see no drift,
change things behind ALMA's back on the real server, see each difference reported, plan the recorded
blueprint (which must plan exactly the repairs), apply it, and see no drift again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from alma.bootstrap import build
from alma.services.drift import DriftReport
from alma.settings import Settings
from tests.unit.services.test_drift import deploy

Expected = list[tuple[str, str, str]]  # (resource, drift, repair)


async def drift_cycle(
    settings: Settings, stack: str, blueprint: str, disturb: Callable[[], Awaitable[None]], expected: Expected
) -> DriftReport:
    """The report that ``disturb`` caused (for engine-specific checks of its fields)."""
    async with await build(settings) as services:
        await deploy(services, blueprint)
        calm = await services.drift.report(stack)
        assert not calm.drifted, calm.differences()
        await disturb()
        report = await services.drift.report(stack)
        found = sorted((r.resource, r.drift, r.repair) for r in report.differences())
        assert found == sorted(expected), found
        recorded = await services.drift.recorded_blueprint(stack)
        repair = (await services.plans.plan_blueprint(recorded)).plan
        planned = sorted((a.resource, a.action) for a in repair.actions if a.action != "noop")
        assert planned == sorted((name, action) for name, _drift, action in expected), planned
        await deploy(services, recorded)
        after = await services.drift.report(stack)
        assert not after.drifted, after.differences()
        return report
