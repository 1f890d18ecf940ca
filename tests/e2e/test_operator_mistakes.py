"""Mistakes an operator makes on the step after the documented one, with real processes: each is refused
saying what to do next, and nothing the operator wrote is lost."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli import Alma
from tests.helpers import blueprint_text, compute

V1 = blueprint_text("shop", [compute("web", cores=1)])


def test_a_plan_written_over_its_own_blueprint_is_refused_and_the_blueprint_kept(tmp_path: Path) -> None:
    alma = Alma(tmp_path / "home")
    blueprint = tmp_path / "shop.yaml"
    blueprint.write_text(V1)
    refused = alma("plan", str(blueprint), "--out", str(tmp_path / "." / "shop.yaml"))
    assert refused.returncode == 1 and "is the blueprint itself" in refused.stderr
    assert blueprint.read_text() == V1
    assert alma("history", "shop").returncode == 1  # nothing was planned or stored for it either
    planned = alma("plan", str(blueprint), "--out", str(tmp_path / "plan.json"))
    assert planned.returncode == 0 and alma("apply", str(tmp_path / "plan.json")).returncode == 0
