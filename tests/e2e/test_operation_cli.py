"""`alma start|stop|restart [STACK] RESOURCE` and `alma scale [STACK] RESOURCE N` as people run them."""

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


def test_a_resource_named_alone_is_found_in_the_one_stack_that_holds_it(deployed: Alma, tmp_path: Path) -> None:
    # People write `alma stop web`, not `alma stop ops web`: it was "Missing argument 'resource'".
    assert deployed("stop", "web", "--yes").returncode == 0
    assert specs(deployed)["web"]["start"] is False
    assert deployed("start", "ops/web", "--yes").returncode == 0
    assert specs(deployed)["web"]["start"] is True
    assert deployed("scale", "api", "3", "--yes").returncode == 0
    assert specs(deployed)["api"]["replicas"] == 3
    unknown = deployed("stop", "wbe", "--yes")
    assert unknown.returncode == 1 and "no stack has a resource named 'wbe'; did you mean 'web'" in unknown.stderr
    stack = deployed("stop", "ops", "--yes")
    assert stack.returncode == 1 and "'ops' is a stack: name one of its resources too" in stack.stderr
    assert deployed("scale", "api", "many", "--yes").returncode == 2  # a usage error, nothing planned
    # A second stack with a resource of the same name: the stack must be said, and nothing changes until it is.
    other = tmp_path / "other.json"
    other.write_text(blueprint_text("other", [compute("web")]))
    assert deployed("deploy", str(other), "--yes").returncode == 0
    ambiguous = deployed("stop", "web", "--yes")
    assert (
        ambiguous.returncode == 1 and "'web' is a resource in 2 stacks (ops, other): name the stack" in ambiguous.stderr
    )
    assert specs(deployed)["web"]["start"] is True
    assert deployed("stop", "other", "web", "--yes").returncode == 0
