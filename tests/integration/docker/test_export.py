"""Exporting a stack on the real daemon: Terraform for kreuzwerker/docker with imports of the objects'
real ids, and a Compose file that Debian's docker-compose accepts (`config`) and runs (`up`): the
containers it makes are the ones ALMA recorded, so drift finds nothing afterwards."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import docker
import pytest
import yaml

from alma.bootstrap import build
from alma.errors import InvalidInputError
from tests.conftest import make_settings
from tests.integration.docker.daemon import HOST, IMAGE_1, SLEEPER
from tests.integration.export_check import check_terraform
from tests.unit.services.test_drift import deploy


def _blueprint(stack: str) -> str:
    sleeper = {"image": IMAGE_1, "command": SLEEPER}
    resources = [
        {"type": "network", "name": "backend", "provider": "docker", "specs": {"subnet": "10.79.0.0/24"}},
        {"type": "storage", "name": "data", "provider": "docker", "specs": {}},
        {
            "type": "service",
            "name": "cache",
            "provider": "docker",
            "specs": sleeper | {"networks": ["backend"], "volumes": ["data:/data"], "memory": "64M"},
            "dependencies": ["backend", "data"],
        },
        {
            "type": "service",
            "name": "web",
            "provider": "docker",
            "specs": sleeper | {"networks": ["backend"], "env": {"GREETING": "a ${literal} $dollar"}, "cpus": 0.5},
            "dependencies": ["cache"],
        },
    ]
    return json.dumps({"version": "1.0", "name": stack, "resources": resources})


def compose(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("docker-compose")
    assert tool is not None, "Debian's docker-compose is missing: scripts/dockerd installs it"
    return subprocess.run(
        [tool, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"DOCKER_HOST": HOST, "PATH": "/usr/bin:/bin"},
    )


async def test_terraform_of_a_docker_stack_imports_every_object_by_its_real_id(
    sdk: docker.DockerClient, stack: str, tmp_path: Path
) -> None:
    async with await build(make_settings(tmp_path / "home", docker_host=HOST)) as services:
        await deploy(services, _blueprint(stack))
        exported = await services.export.export(stack, "terraform")
        recorded = await services.stacks.resources(stack)
    document = check_terraform(exported, recorded)
    imports = {r.resource: r.imported for r in exported.resources}
    assert imports["web"] == sdk.containers.get(f"{stack}_web").id
    assert imports["backend"] == sdk.networks.get(f"{stack}_backend").id
    assert imports["data"] == f"{stack}_data"
    web = next(iter(document["resource"][-1].values()))["web"]
    assert web["env"] == ["GREETING=a $${literal} $dollar"]


async def test_compose_of_a_docker_stack_runs_the_same_containers_so_nothing_drifts(
    sdk: docker.DockerClient, stack: str, tmp_path: Path
) -> None:
    async with await build(make_settings(tmp_path / "home", docker_host=HOST)) as services:
        await deploy(services, _blueprint(stack))
        exported = await services.export.export(stack, "compose")
        (tmp_path / "compose.yml").write_text(exported.text)
        checked = compose("-f", "compose.yml", "config", cwd=tmp_path)
        assert checked.returncode == 0, checked.stderr
        config = yaml.safe_load(checked.stdout)
        assert set(config["services"]) == {"cache", "web"}
        assert set(config["networks"]) == {"backend"} and set(config["volumes"]) == {"data"}
        assert list(config["services"]["web"]["depends_on"]) == ["cache"]
        assert config["services"]["cache"]["volumes"] == ["data:/data:rw"]
        assert list(config["services"]["cache"]["networks"]) == ["backend"]
        for name in ("web", "cache"):  # Compose makes the containers anew: ALMA's hold the names
            sdk.containers.get(f"{stack}_{name}").remove(force=True)
        try:
            up = compose("-p", stack, "-f", "compose.yml", "up", "-d", cwd=tmp_path)
            assert up.returncode == 0, up.stderr
            assert sdk.containers.get(f"{stack}_web").attrs["Config"]["Env"][:1] == ["GREETING=a ${literal} $dollar"]
            report = await services.drift.report(stack)
            assert not report.drifted, report.differences()
        finally:
            compose("-p", stack, "-f", "compose.yml", "down", cwd=tmp_path)


async def test_compose_refuses_a_stack_that_is_not_only_docker(tmp_path: Path) -> None:
    fake = json.dumps(
        {"version": "1.0", "name": "mixed", "resources": [{"type": "compute", "name": "vm", "provider": "fake"}]}
    )
    async with await build(make_settings(tmp_path / "home")) as services:
        await deploy(services, fake)
        with pytest.raises(InvalidInputError, match=r"also has vm \(fake\)"):
            await services.export.export("mixed", "compose")
        with pytest.raises(InvalidInputError, match="Terraform has no provider for: vm"):
            await services.export.export("mixed", "terraform")
