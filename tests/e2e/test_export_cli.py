"""``alma export`` as a user runs it: real processes, exit codes and JSON, on the fake engine (refused:
Terraform has no provider for it) and on the real Docker daemon."""

from __future__ import annotations

import json
from pathlib import Path

import docker
import pytest
import yaml

from tests.e2e.test_cli import Alma, alma
from tests.integration.docker.daemon import HOST, IMAGE_1, SLEEPER, require_docker, sweep, unique_stack
from tests.integration.export_check import terraform_document

__all__ = ["alma"]  # the fixture, shared


def write(path: Path, stack: str, resources: list[dict[str, object]]) -> str:
    path.write_text(json.dumps({"version": "1.0", "name": stack, "resources": resources}))
    return str(path)


def test_exporting_a_fake_stack_or_no_stack_is_refused_clearly(alma: Alma, tmp_path: Path) -> None:
    blueprint = write(tmp_path / "f.json", "fakes", [{"type": "compute", "name": "vm", "provider": "fake"}])
    assert alma("deploy", blueprint, "--yes").returncode == 0
    refused = alma("export", "terraform", "fakes")
    assert refused.returncode == 1
    assert "stack 'fakes' has resources Terraform has no provider for: vm (fake)" in refused.stderr
    assert alma.json("export", "compose", "fakes")["error"]["exit_code"] == 1
    unknown = alma("export", "terraform", "fakez")
    assert unknown.returncode == 1 and "no stack named 'fakez'; did you mean 'fakes'?" in unknown.stderr
    assert alma("export", "kubernetes", "fakes").returncode == 2  # not a format: usage


@pytest.fixture
def docker_stack(alma: Alma, tmp_path: Path) -> object:
    require_docker()
    stack = unique_stack("x")
    client = docker.DockerClient(base_url=HOST)
    resources: list[dict[str, object]] = [
        {"type": "network", "name": "net", "provider": "docker", "specs": {}},
        {
            "type": "service",
            "name": "app",
            "provider": "docker",
            "specs": {"image": IMAGE_1, "command": SLEEPER, "networks": ["net"]},
            "dependencies": ["net"],
        },
    ]
    deployed = alma("deploy", write(tmp_path / "d.json", stack, resources), "--yes", ALMA_DOCKER_HOST=HOST)
    assert deployed.returncode == 0, deployed.stderr
    try:
        yield stack
    finally:
        sweep(client, stack)
        client.close()


def test_export_terraform_writes_a_file_with_imports_and_json_says_where_each_resource_went(
    alma: Alma, tmp_path: Path, docker_stack: str
) -> None:
    out = tmp_path / "main.tf"
    written = alma("export", "terraform", docker_stack, "--out", str(out), ALMA_DOCKER_HOST=HOST)
    assert written.returncode == 0, written.stderr
    assert "2 object(s), 2 of them existing" in written.stderr
    document = terraform_document(out.read_text())
    assert {i["to"] for i in document["import"]} == {"${docker_network.net}", "${docker_container.app}"}
    reported = alma.json("export", "terraform", docker_stack, ALMA_DOCKER_HOST=HOST)
    assert reported["format"] == "terraform" and reported["revision"] == 1
    assert [(r["resource"], r["address"]) for r in reported["resources"]] == [
        ("net", "docker_network.net"),
        ("app", "docker_container.app"),
    ]
    again = alma.json("export", "terraform", docker_stack, ALMA_DOCKER_HOST=HOST)
    assert again["text"] == reported["text"] == out.read_text()  # the same stack exports the same text


def test_export_compose_prints_a_compose_file(alma: Alma, docker_stack: str) -> None:
    printed = alma("export", "compose", docker_stack, ALMA_DOCKER_HOST=HOST)
    assert printed.returncode == 0, printed.stderr
    compose = yaml.safe_load(printed.stdout)
    assert compose["services"]["app"]["container_name"] == f"{docker_stack}_app"
    assert compose["networks"]["net"]["name"] == f"{docker_stack}_net"


def test_an_engine_that_cannot_be_read_fails_the_export_and_writes_nothing(
    alma: Alma, tmp_path: Path, docker_stack: str
) -> None:
    out = tmp_path / "never.tf"
    failed = alma("export", "terraform", docker_stack, "--out", str(out), ALMA_DOCKER_HOST="unix:///nonexistent.sock")
    assert failed.returncode == 3, failed.stderr
    assert not out.exists()
