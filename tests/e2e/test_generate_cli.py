"""`alma generate` and `alma council convene` as a user runs them: real processes, exit codes, JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = "a web app with two nginx containers behind a load balancer and a postgres database"


class Alma:
    def __init__(self, home: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
        # A wide terminal, so that the findings table does not wrap the phrases the tests look for.
        self.env.update({"ALMA_HOME": str(home), "ALMA_USER": "ops", "COLUMNS": "250"})

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "alma", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def json(self, *args: str) -> Any:
        result = self(*args, "--json")
        return json.loads(result.stdout)


@pytest.fixture
def alma(tmp_path: Path) -> Alma:
    return Alma(tmp_path / "home")


def test_generate_writes_a_docker_blueprint_that_alma_validate_accepts(alma: Alma, tmp_path: Path) -> None:
    out = tmp_path / "web.yaml"
    result = alma("generate", EXAMPLE, "--provider", "docker", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "2 × web server (nginx); 1 × load balancer; 1 × database (postgres)" in result.stdout
    assert alma("validate", str(out)).returncode == 0
    assert "127.0.0.1:8080:80" in out.read_text()


def test_a_generated_fake_blueprint_on_stdout_can_be_planned(alma: Alma, tmp_path: Path) -> None:
    result = alma("generate", EXAMPLE)
    assert result.returncode == 0
    assert result.stdout.startswith("version: '1.0'\n")
    assert "understood:" in result.stderr  # stdout holds the blueprint only
    blueprint = tmp_path / "fake.yaml"
    blueprint.write_text(result.stdout)
    plan = alma.json("plan", str(blueprint))
    assert plan["stack"] == "web-app"
    assert plan["summary"]["create"] == 5


def test_generate_json_gives_the_blueprint_and_what_was_understood(alma: Alma) -> None:
    body = alma.json("generate", "an app called shop with a redis cache", "--provider", "kubernetes")
    assert body["valid"] is True
    assert body["provider"] == "kubernetes"
    assert body["blueprint"]["name"] == "shop"
    assert body["understood"] == ["1 × web server", "1 × cache (redis)", "stack name shop"]


def test_generate_names_the_stack_as_the_text_does_and_says_what_it_cannot_build(alma: Alma) -> None:
    body = alma.json("generate", "an online store with two web servers and a wordpress site, called shop")
    assert body["blueprint"]["name"] == "shop"
    assert body["understood"][0] == "2 × web server"
    assert body["notes"] == ["'wordpress' is not a building block ALMA knows; it was left out"]


def test_generate_refuses_a_description_with_nothing_to_compose(alma: Alma) -> None:
    result = alma("generate", "make everything faster please")
    assert result.returncode == 1
    assert "nothing I could compose" in result.stderr
    body = alma.json("generate", "make everything faster please")
    assert body["error"]["exit_code"] == 1


def test_council_json_gives_findings_and_a_decree_whose_blueprint_validates(alma: Alma, tmp_path: Path) -> None:
    body = alma.json("council", "convene", "web app with database", "--provider", "docker")
    assert set(body) == {"blueprint", "findings", "decree"}
    assert {f["reviewer"] for f in body["findings"]} >= {"reliability", "cost"}
    assert body["decree"]["verdict"] == "approved_with_fixes"
    revised = tmp_path / "revised.json"
    revised.write_text(json.dumps(body["blueprint"]))
    assert alma("validate", str(revised)).returncode == 0


def test_council_reviews_a_blueprint_file_and_binds_its_ports_to_loopback(alma: Alma, tmp_path: Path) -> None:
    stack = tmp_path / "stack.yaml"
    stack.write_text(
        'version: "1.0"\nname: shop\nresources:\n'
        "  - {type: service, name: web, provider: docker, specs: {image: 'nginx:1.27', ports: ['0.0.0.0:80:80']}}\n"
    )
    result = alma("council", "convene", str(stack))
    assert result.returncode == 0, result.stderr
    assert "bind the ports to 127.0.0.1" in result.stdout
    assert "127.0.0.1:80:80" in result.stdout
    assert "decree: approved_with_fixes" in result.stdout
