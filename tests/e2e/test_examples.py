"""Every example blueprint in examples/ validates with the engines installed; the fake one deploys."""

from __future__ import annotations

from pathlib import Path

import pytest

from alma.bootstrap import build
from alma.settings import Settings
from tests.conftest import make_settings
from tests.helpers import apply_directly

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def test_there_are_examples() -> None:
    assert EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
async def test_each_example_validates(example: Path, tmp_path: Path) -> None:
    text = example.read_text()  # noqa: ASYNC240 - a small local file, read before the loop matters
    async with await build(make_settings(tmp_path)) as services:
        loaded = services.blueprints.load(text, str(example))
    assert loaded.desired
    assert [w.render() for w in loaded.warnings] == []


async def test_the_fake_example_deploys_and_replans_to_nothing(settings: Settings) -> None:
    text = (EXAMPLES[0].parent / "web-stack.yaml").read_text()
    async with await build(settings) as services:
        planned = await services.plans.plan_blueprint(text)
        report = await apply_directly(services, planned.plan.id)
        assert report.status == "succeeded"
        assert not (await services.plans.plan_blueprint(text)).plan.has_changes
