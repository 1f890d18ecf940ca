"""Drift against the real daemon: a container's restart policy changed with the Docker CLI's API, a
volume removed, and a volume labelled as the stack's that ALMA never recorded; the recorded blueprint
puts each back."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from pathlib import Path

import docker
import pytest

from alma.bootstrap import build
from alma.engines.docker import ownership
from alma.errors import TransientEngineError
from alma.services.operations import Operation
from tests.conftest import make_settings
from tests.helpers import run_plan
from tests.integration.docker.daemon import HOST, IMAGE_1, SLEEPER
from tests.integration.drift_cycle import drift_cycle
from tests.unit.services.test_drift import deploy


def _blueprint(stack: str) -> str:
    resources = [
        {"type": "service", "name": "web", "provider": "docker", "specs": {"image": IMAGE_1, "command": SLEEPER}},
        {"type": "storage", "name": "data", "provider": "docker", "specs": {}},
    ]
    return json.dumps({"version": "1.0", "name": stack, "resources": resources})


async def test_changed_missing_and_unmanaged_docker_objects_are_reported_and_repaired(
    sdk: docker.DockerClient, stack: str, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "home", docker_host=HOST)

    async def disturb() -> None:
        web = sdk.containers.get(f"{stack}_web")
        web.update(restart_policy={"Name": "always"})
        sdk.volumes.get(f"{stack}_data").remove()
        labels = {ownership.MANAGED: "true", ownership.STACK: stack, ownership.NAME: "ghost", ownership.TYPE: "storage"}
        sdk.volumes.create(name=f"{stack}_ghost", labels=labels)
        sdk.volumes.create(name=f"{stack}_unlabelled")  # not ALMA's: never reported, never removed

    try:
        report = await drift_cycle(
            settings,
            stack,
            _blueprint(stack),
            disturb,
            [("web", "changed", "update"), ("data", "missing", "create"), ("ghost", "unmanaged", "delete")],
        )
        web = next(r for r in report.resources if r.resource == "web")
        assert [(f.path, f.recorded, f.actual) for f in web.fields] == [("restart", "no", "always")]
        assert not sdk.volumes.list(filters={"name": f"{stack}_ghost"})
        assert sdk.volumes.get(f"{stack}_unlabelled") is not None
    finally:
        for volume in sdk.volumes.list(filters={"name": f"{stack}_unlabelled"}):
            volume.remove()


async def test_a_container_stopped_by_hand_is_drift_and_the_recorded_blueprint_starts_it_again(
    sdk: docker.DockerClient, stack: str, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "home", docker_host=HOST)
    made: list[str] = []

    async def disturb() -> None:
        web = sdk.containers.get(f"{stack}_web")
        made.append(web.id or "")
        web.stop(timeout=10)

    report = await drift_cycle(settings, stack, _blueprint(stack), disturb, [("web", "changed", "update")])
    web = next(r for r in report.resources if r.resource == "web")
    assert [(f.path, f.recorded, f.actual) for f in web.fields] == [("start", True, False)]
    again = sdk.containers.get(f"{stack}_web")
    assert (again.id, again.status) == (made[0], "running")  # started again, not replaced


async def test_stop_and_start_operations_stop_and_start_a_docker_container_in_place(
    sdk: docker.DockerClient, stack: str, tmp_path: Path
) -> None:
    async with await build(make_settings(tmp_path / "home", docker_host=HOST)) as services:
        await deploy(services, _blueprint(stack))
        made = sdk.containers.get(f"{stack}_web").id
        steps: tuple[tuple[Operation, str], ...] = (("stop", "exited"), ("start", "running"))
        for operation, status in steps:
            planned = await services.operations.plan(stack, "web", operation)
            actions = {a.resource: a.action for a in planned.plan.actions if a.action != "noop"}
            assert actions == {"web": "update"}, operation
            assert (await run_plan(services, planned.plan.id)).outcome == "succeeded", operation
            web = sdk.containers.get(f"{stack}_web")
            assert (web.id, web.status) == (made, status), operation
            assert not (await services.drift.report(stack)).drifted, operation


async def test_a_container_recorded_before_start_existed_is_in_sync_and_can_be_stopped(
    sdk: docker.DockerClient, stack: str, tmp_path: Path
) -> None:
    """Records written by an earlier version have no `start`: they meant a running container."""
    settings = make_settings(tmp_path / "home", docker_host=HOST)
    async with await build(settings) as services:
        await deploy(services, _blueprint(stack))
    with sqlite3.connect(tmp_path / "home" / "alma.db") as db:
        changed = db.execute(
            "UPDATE resources SET specs = json_remove(specs, '$.start') WHERE stack = ? AND name = 'web'", (stack,)
        ).rowcount
    assert changed == 1
    async with await build(settings) as services:
        assert "start" not in (await services.stacks.resource(stack, "web")).specs
        assert not (await services.drift.report(stack)).drifted
        stop = await services.operations.plan(stack, "web", "stop")
        assert {a.resource: a.action for a in stop.plan.actions if a.action != "noop"} == {"web": "update"}
        assert (await run_plan(services, stop.plan.id)).outcome == "succeeded"
    assert sdk.containers.get(f"{stack}_web").status == "exited"


async def test_a_stack_whose_daemon_is_unreachable_is_reported_as_not_compared_and_the_others_still_are(
    sdk: docker.DockerClient, stack: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    lab = json.dumps(
        {"version": "1.0", "name": "lab", "resources": [{"type": "compute", "name": "box", "provider": "fake"}]}
    )
    async with await build(make_settings(home, docker_host=HOST)) as services:
        await deploy(services, _blueprint(stack))
        await deploy(services, lab)
    # The daemon's address as it is from now on: nothing listens there.
    async with await build(make_settings(home, docker_host="tcp://127.0.0.1:9", docker_timeout_s=2)) as services:
        reports = {r.stack: r for r in await services.drift.reports()}
        with pytest.raises(TransientEngineError, match="unreachable"):
            await services.drift.report(stack)
    assert reports["lab"].error is None and not reports["lab"].drifted
    broken = reports[stack]
    assert broken.error is not None and "unreachable" in broken.error
    assert (broken.drifted, broken.resources) == (False, [])
    # The command says the same, and exits 3: an incomplete check must not read as "no drift".
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env.update(ALMA_HOME=str(home), ALMA_DOCKER_HOST="tcp://127.0.0.1:9", ALMA_DOCKER_TIMEOUT_S="2")
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "alma", "drift", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await command.communicate()
    assert command.returncode == 3, err.decode()
    assert f"{stack} (revision 1): could not be compared" in out.decode()
    assert "lab (revision 1): as recorded" in out.decode()
