"""The whole pipeline through the services, on both databases."""

from __future__ import annotations

from alma.bootstrap import Services
from tests.helpers import apply_directly, blueprint_text, compute


async def test_apply_then_replan_is_all_noop(services: Services) -> None:
    text = blueprint_text("smoke", [compute("a"), compute("b", ["a"], cores=2, memory="1G")])
    first = await services.plans.plan_blueprint(text)
    assert first.plan.summary()["create"] == 2
    report = await apply_directly(services, first.plan.id)
    assert report.status == "succeeded"
    assert report.revision == 1
    again = await services.plans.plan_blueprint(text)
    assert again.plan.summary() == {"create": 0, "update": 0, "replace": 0, "delete": 0, "noop": 2}
