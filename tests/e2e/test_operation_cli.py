"""`alma start|stop|restart STACK RESOURCE` and `alma scale STACK RESOURCE N` as people run them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_cli import Alma
from tests.helpers import blueprint_text, compute

SERVICE = {"type": "service", "name": "api", "provider": "fake", "specs": {"replicas": 2}, "dependencies": []}


@pytest.fixture
def deployed(tmp_path: Path) -> Alma:
    alma = Alma(tmp_path / "home")
    blueprint = tmp_path / "ops.json"
    blueprint.write_text(blueprint_text("ops", [compute("db"), compute("web", ["db"]), SERVICE]))
    assert alma("deploy", str(blueprint), "--yes").returncode == 0
    return alma


def specs(alma: Alma) -> dict[str, dict[str, object]]:
    return {r["name"]: r["specs"] for r in alma.json("state", "list", "ops")}


def test_stop_start_and_restart_a_resource(deployed: Alma) -> None:
    stopped = deployed("stop", "ops", "web", "--yes")
    assert stopped.returncode == 0, stopped.stderr
    assert "stop web in stack 'ops'" in stopped.stdout and "0 created, 1 updated" in stopped.stdout
    assert specs(deployed)["web"]["start"] is False
    assert deployed("start", "ops", "web", "--yes").returncode == 0
    assert specs(deployed)["web"]["start"] is True
    restarted = deployed.json("restart", "ops", "web", "--yes")
    assert restarted["outcome"] == "succeeded" and specs(deployed)["web"]["start"] is True
    kinds = [e["kind"] for e in deployed.json("events", "ops")]
    assert kinds.count("deployment.succeeded") == 5  # deploy, stop, start, and the restart's stop and start


def test_scale_a_service_and_refuse_what_cannot_be_scaled(deployed: Alma) -> None:
    assert deployed("scale", "ops", "api", "4", "--yes").returncode == 0
    assert specs(deployed)["api"]["replicas"] == 4
    refused = deployed("scale", "ops", "web", "3", "--yes")
    assert refused.returncode == 1 and "has no `replicas` setting" in refused.stderr
    unknown = deployed("stop", "ops", "wbe", "--yes")
    assert unknown.returncode == 1 and "did you mean 'web'" in unknown.stderr
    assert deployed("scale", "ops", "api", "-1", "--yes").returncode == 2  # a usage error


def test_an_operation_without_yes_and_without_a_terminal_is_refused(deployed: Alma) -> None:
    refused = deployed("stop", "ops", "web")
    assert refused.returncode == 5 and "pass --yes" in refused.stderr
    assert specs(deployed)["web"]["start"] is True
