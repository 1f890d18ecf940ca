"""Every template that claims a provider, rendered and planned against that provider's real engine (the
servers of the engine tests: dockerd, fakepve, kmock). Shared by those engines' integration tests."""

from __future__ import annotations

from alma.bootstrap import build
from alma.settings import Settings
from alma.templates import CATALOGUE


async def plan_every_template(settings: Settings, provider: str, prefix: str) -> list[str]:
    """The names of the templates planned. Each is rendered into a stack of its own that does not exist
    yet, so the engine must answer "absent" for every resource: the plan is all creates, one per resource,
    in an order that puts every dependency first."""
    planned: list[str] = []
    async with await build(settings) as services:
        for index, template in enumerate(t for t in CATALOGUE if provider in t.providers):
            stack = f"{prefix}-{index}"
            rendered = services.templates.render(template.name, provider, {"name": stack})
            plan = (await services.plans.plan_blueprint(rendered.blueprint, f"{template.name}.yaml")).plan
            assert [a.action for a in plan.actions] == ["create"] * rendered.resources, template.name
            order = [a.resource for a in plan.actions]
            for position, action in enumerate(plan.actions):
                assert set(action.dependencies) <= set(order[:position]), (template.name, action.resource)
            planned.append(template.name)
    return planned
