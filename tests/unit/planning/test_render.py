"""Plans as people read them (Terraform's symbols and summary) and as programs read them (JSON, hash)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import pytest

from alma.engines import Change, ResourceRef
from alma.engines.fake import FakeEngine
from alma.engines.memory import MemoryKeyValueStore
from alma.planning import DesiredResource, Plan, PlannedAction, plan_actions, render_plan

STACK = "shop"


class Row:
    def __init__(self, name: str, type: str, specs: dict[str, Any], dependencies: list[str]) -> None:
        self.name, self.type, self.provider, self.specs, self.dependencies = name, type, "fake", specs, dependencies


async def mixed_actions() -> list[PlannedAction]:
    """One action of every kind, planned against a real fake world."""
    engine = FakeEngine(MemoryKeyValueStore(), seed=0)
    before: dict[str, tuple[str, dict[str, Any]]] = {
        "net": ("network", {"cidr": "10.0.0.0/24"}),
        "db": ("compute", {"cores": 1}),
        "web": ("compute", {"image": "debian-12"}),
        "old": ("compute", {}),
    }
    for name, (rtype, specs) in before.items():
        await engine.apply(Change("create", ResourceRef(STACK, name, rtype), engine.normalize(rtype, specs), None))
    recorded = [Row(name, rtype, engine.normalize(rtype, specs), []) for name, (rtype, specs) in before.items()]
    desired = [
        DesiredResource("net", "network", "fake", engine.normalize("network", {"cidr": "10.0.0.0/24"})),
        DesiredResource("db", "compute", "fake", engine.normalize("compute", {"cores": 4})),
        DesiredResource("web", "compute", "fake", engine.normalize("compute", {"image": "ubuntu-24.04"})),
        DesiredResource("cache", "compute", "fake", engine.normalize("compute", {"memory": "1G"})),
    ]
    return await plan_actions(STACK, desired, recorded, {"fake": engine}.__getitem__)


def make_plan(actions: list[PlannedAction], plan_id: str = "p-1", base_revision: int = 3) -> Plan:
    plan = Plan(
        id=plan_id,
        stack=STACK,
        kind="apply",
        base_revision=base_revision,
        actions=tuple(actions),
        created_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
        created_by="tester",
    )
    return replace(plan, hash=plan.computed_hash())


@pytest.fixture
async def plan() -> Plan:
    actions = await mixed_actions()
    assert sorted(a.action for a in actions) == ["create", "delete", "noop", "replace", "update"]
    return make_plan(actions)


def line_of(text: str, resource: str) -> str:
    return next(line for line in text.splitlines() if f" {resource} (" in line)


def test_each_kind_of_action_is_rendered_with_its_terraform_symbol(plan: Plan) -> None:
    text = render_plan(plan)
    assert line_of(text, "cache").startswith("  + cache (compute, fake)")
    assert line_of(text, "db").startswith("  ~ db (compute, fake)")
    assert line_of(text, "web").startswith("  -/+ web (compute, fake)")
    assert line_of(text, "old").startswith("  - old (compute, fake)")


def test_the_plan_ends_with_a_summary_of_every_kind_of_action(plan: Plan) -> None:
    text = render_plan(plan)
    assert text.splitlines()[-1] == "Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy, 1 unchanged."
    assert STACK in text.splitlines()[0]
    assert plan.id in text.splitlines()[0]


def test_changed_fields_are_shown_with_before_and_after_and_what_forces_replacement(plan: Plan) -> None:
    text = render_plan(plan)
    assert "      ~ cores: 1 → 4" in text
    assert '      ~ image: "debian-12" → "ubuntu-24.04"   # forces replacement' in text
    assert "# forces replacement" not in next(line for line in text.splitlines() if "~ cores" in line)


def test_unchanged_resources_are_hidden_unless_asked_for(plan: Plan) -> None:
    assert not any(" net (" in line for line in render_plan(plan).splitlines())
    assert " net (network, fake) is up to date" in render_plan(plan, show_unchanged=True)


def test_a_plan_without_changes_says_so(plan: Plan) -> None:
    quiet = make_plan([a for a in plan.actions if a.action == "noop"])
    text = render_plan(quiet)
    assert text.startswith(f"No changes. Stack '{STACK}'")
    assert text.splitlines()[-1] == "Plan: 0 to add, 0 to change, 0 to replace, 0 to destroy, 1 unchanged."


def test_the_json_form_carries_the_cli_and_api_contract(plan: Plan) -> None:
    data = plan.as_json()
    assert {"stack", "plan_id", "hash", "summary", "actions"} <= set(data)
    assert (data["stack"], data["plan_id"], data["hash"]) == (STACK, "p-1", plan.hash)
    assert data["summary"] == {"create": 1, "update": 1, "replace": 1, "delete": 1, "noop": 1}
    for entry in data["actions"]:
        assert {"resource", "action", "changes"} <= set(entry)
    web = next(a for a in data["actions"] if a["resource"] == "web")
    assert web["action"] == "replace"
    assert {"path": "image", "before": "debian-12", "after": "ubuntu-24.04", "forces_replace": True} in web["changes"]
    assert json.loads(json.dumps(data)) == data  # plain JSON, nothing a client cannot read


def test_the_plan_hash_depends_only_on_the_content(plan: Plan) -> None:
    twin = make_plan(list(plan.actions), plan_id="p-2")
    assert twin.hash == plan.hash
    rebuilt = Plan.from_content(
        "p-3",
        plan.content(),
        created_at=plan.created_at,
        created_by="someone-else",
        blueprint_id=None,
        stored_hash=plan.hash,
    )
    assert rebuilt.computed_hash() == plan.hash


def test_the_plan_hash_changes_when_any_action_changes(plan: Plan) -> None:
    actions = list(plan.actions)
    index = next(i for i, a in enumerate(actions) if a.resource == "db")
    after = actions[index].after
    assert after is not None
    actions[index] = replace(actions[index], after={**after, "cores": 8})
    assert make_plan(actions).hash != plan.hash
    reordered = make_plan(list(reversed(plan.actions)))
    assert reordered.hash != plan.hash


def test_the_plan_hash_changes_when_the_base_revision_changes(plan: Plan) -> None:
    assert make_plan(list(plan.actions), base_revision=4).hash != plan.hash


def many(plan: Plan, creates: int) -> Plan:
    """``plan`` with ``creates`` more resources to create (a big plan for the summary)."""
    template = next(a for a in plan.actions if a.action == "create")
    extra = [replace(template, resource=f"n-{i:04d}") for i in range(creates)]
    return make_plan([*plan.actions, *extra])


def test_a_plan_over_the_limit_is_summarised_with_counts_and_every_destructive_change_named(plan: Plan) -> None:
    from alma.planning.render import plan_lines

    big = many(plan, 300)
    lines = plan_lines(big, summary_over=200)
    text = "\n".join(lines)
    assert "  + 301 will be created (301 compute/fake)" in text
    assert "  ~ 1 will be updated in place (1 compute/fake)" in text
    assert "  -/+ 1 must be replaced (1 compute/fake)\n      web" in text
    assert "  - 1 will be destroyed (1 compute/fake)\n      old" in text
    assert "--full" in text
    assert len(lines) < 20  # not one line per field
    assert lines[-1] == "Plan: 301 to add, 1 to change, 1 to replace, 1 to destroy, 1 unchanged."


def test_a_plan_within_the_limit_or_without_one_is_shown_whole(plan: Plan) -> None:
    from alma.planning.render import plan_lines

    big = many(plan, 300)
    assert "\n".join(plan_lines(big)) == render_plan(big)
    assert plan_lines(plan, summary_over=200) == render_plan(plan).splitlines()
    assert sum(1 for line in plan_lines(big) if " will be created" in line) == 301


def test_a_summary_names_fifty_destroyed_resources_and_counts_the_rest(plan: Plan) -> None:
    from alma.planning.render import plan_lines

    old = next(a for a in plan.actions if a.action == "delete")
    doomed = make_plan([replace(old, resource=f"d-{i:03d}") for i in range(120)])
    text = "\n".join(plan_lines(doomed, summary_over=100))
    assert "  - 120 will be destroyed (120 compute/fake)" in text
    assert "d-000, d-001" in text and "d-049 and 70 more" in text and "d-050" not in text
