"""Small builders shared by tests: blueprint text from resource lists."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from alma.planning import DesiredResource

if TYPE_CHECKING:
    from alma.bootstrap import Services
    from alma.services import DeploymentReport
    from alma.workflow import RunResult


def blueprint_text(name: str, resources: list[dict[str, Any]], **extra: Any) -> str:
    """A JSON blueprint (JSON is YAML, so it goes through the same parser)."""
    return json.dumps({"version": "1.0", "name": name, "resources": resources, **extra}, indent=2)


def compute(name: str, deps: list[str] | None = None, **specs: Any) -> dict[str, Any]:
    return {
        "type": "compute",
        "name": name,
        "provider": "fake",
        "specs": specs or {"cores": 1},
        "dependencies": deps or [],
    }


@dataclass(frozen=True)
class Row:
    """A recorded state row, as the store hands it to the planner."""

    name: str
    type: str
    provider: str
    specs: dict[str, Any]
    dependencies: list[str]


def rows(desired: Sequence[DesiredResource]) -> list[Row]:
    """The rows the store would hold after ``desired`` was applied."""
    return [Row(d.name, d.type, d.provider, d.specs, list(d.dependencies)) for d in desired]


async def apply_directly(services: Services, plan_id: str, **options: Any) -> DeploymentReport:
    """``DeploymentService.apply`` with the clearance the run use case gives a plan no review gates
    (refused, like the use case, when the policy gates it): for tests of the deployment lifecycle."""
    from alma.services.approvals import clear_without_review

    plan = await services.plans.get(plan_id)
    return await services.deployments.apply(plan_id, clearance=clear_without_review(plan, services.settings), **options)


async def run_plan(services: Services, plan_id: str, **options: Any) -> RunResult:
    """A plan through the one run use case, in this process (as the CLI does)."""
    from alma.workflow import RunResult

    result = await services.runs.apply(plan_id, **options)
    assert isinstance(result, RunResult)
    return result
