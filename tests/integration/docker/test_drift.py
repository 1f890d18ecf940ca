"""Drift against the real daemon: a container's restart policy changed with the Docker CLI's API, a
volume removed, and a volume labelled as the stack's that ALMA never recorded; the recorded blueprint
puts each back."""

from __future__ import annotations

import json
from pathlib import Path

import docker

from alma.engines.docker import ownership
from tests.conftest import make_settings
from tests.integration.docker.daemon import HOST, IMAGE_1, SLEEPER
from tests.integration.drift_cycle import drift_cycle


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
