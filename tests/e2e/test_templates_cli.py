"""``alma templates`` and ``alma fmt`` as a user runs them: real processes, exit codes, JSON contracts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from tests.e2e.test_cli import Alma, alma
from tests.unit.services.test_blueprint_aliases import LEGACY
from tests.unit.services.test_formatting import CANONICAL

__all__ = ["alma"]  # the fixture, shared


def test_templates_list_names_at_least_twelve_templates_with_their_providers(alma: Alma) -> None:
    listed = alma.json("templates", "list")
    names = {t["name"]: t for t in listed["templates"]}
    assert len(names) >= 12
    assert names["ha-web"]["providers"] == ["fake", "docker", "kubernetes", "proxmox"]
    assert all(t["description"] and t["parameters"] for t in listed["templates"])
    only_kubernetes = alma.json("templates", "list", "--provider", "kubernetes")["templates"]
    assert {t["name"] for t in only_kubernetes} == {n for n, t in names.items() if "kubernetes" in t["providers"]}
    table = alma("templates", "list")
    assert table.returncode == 0 and "postgres-replicas" in table.stdout


def test_templates_show_describes_every_parameter(alma: Alma) -> None:
    shown = alma.json("templates", "show", "web-app")
    params = {p["name"]: p for p in shown["parameters"]}
    assert params["database"]["choices"] == ["postgres", "mysql", "mariadb"]
    assert params["db_size"]["default"] == "20G"
    assert params["replicas"]["constraints"] == "a whole number from 1 to 20"
    text = alma("templates", "show", "web-app")
    assert text.returncode == 0 and "db_memory" in text.stdout


def test_templates_use_writes_a_blueprint_that_validates_and_plans(alma: Alma, tmp_path: Path) -> None:
    out = tmp_path / "cache.yaml"
    used = alma(
        "templates", "use", "redis-cache", "--set", "max_memory=512M", "--set", "name=shop-cache", "--out", str(out)
    )
    assert used.returncode == 0, used.stderr
    assert "valid" in used.stderr
    data = yaml.safe_load(out.read_text())
    assert data["name"] == "shop-cache"
    assert alma("validate", str(out)).returncode == 0
    planned = alma.json("plan", str(out))
    assert planned["summary"]["create"] == len(data["resources"])


def test_templates_use_prints_the_blueprint_on_stdout_and_json_says_everything(alma: Alma) -> None:
    printed = alma("templates", "use", "ha-web", "--provider", "kubernetes", "--set", "replicas=4")
    assert printed.returncode == 0, printed.stderr
    assert yaml.safe_load(printed.stdout)["resources"][1]["specs"]["replicas"] == 4
    assert "note: lb: Kubernetes balances" in printed.stderr
    rendered = alma.json("templates", "use", "ha-web", "--provider", "docker", "--set", "algorithm=least_connections")
    assert (rendered["template"], rendered["provider"], rendered["stack"]) == ("ha-web", "docker", "ha-web")
    assert rendered["parameters"]["algorithm"] == "least_connections"
    assert rendered["parameters"]["memory"] == "512M"
    assert "least_conn;" in rendered["blueprint"]


def test_every_bad_parameter_is_named_at_once_and_nothing_is_written(alma: Alma, tmp_path: Path) -> None:
    out = tmp_path / "never.yaml"
    args = ["--set", "replicas=1", "--set", "replicaz=3", "--set", "bind", "--set", "memory=lots", "--out", str(out)]
    refused = alma("templates", "use", "ha-web", *args)
    assert refused.returncode == 1
    assert "parameter 'replicas': '1' is not a whole number from 2 to 50" in refused.stderr
    assert "has no parameter 'replicaz'; did you mean 'replicas'?" in refused.stderr
    assert "--set 'bind' is not KEY=VALUE" in refused.stderr
    assert "cannot read memory 'lots'" in refused.stderr
    assert not out.exists()
    as_json = alma.json("templates", "use", "ha-web", *args)
    assert as_json["error"]["type"] == "TemplateParametersError"
    assert {e["path"] for e in as_json["error"]["errors"]} == {
        "parameters",
        "parameters.replicas",
        "parameters.replicaz",
        "parameters.memory",
    }


def test_an_unknown_template_or_an_unsupported_provider_is_refused_clearly(alma: Alma) -> None:
    unknown = alma("templates", "use", "ha-webb")
    assert unknown.returncode == 1 and "no template named 'ha-webb'; did you mean 'ha-web'?" in unknown.stderr
    unsupported = alma("templates", "use", "kubernetes-app", "--provider", "proxmox")
    assert unsupported.returncode == 1
    assert "template 'kubernetes-app' is for kubernetes, fake, not 'proxmox'" in unsupported.stderr
    assert alma("templates", "show", "nope").returncode == 1


def test_the_same_template_rendered_twice_is_the_same_blueprint(alma: Alma) -> None:
    first = alma("templates", "use", "postgres-replicas", "--provider", "docker")
    second = alma("templates", "use", "postgres-replicas", "--provider", "docker")
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout


def test_fmt_prints_the_canonical_form_and_leaves_the_file_alone(alma: Alma, tmp_path: Path) -> None:
    file = tmp_path / "legacy.yaml"
    file.write_text(LEGACY)
    printed = alma("fmt", str(file))
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == CANONICAL
    assert "rewrite: line 9, column 7: resources[0].specs.cpu: 'cpu' is read as 'cores'" in printed.stderr
    assert file.read_text() == LEGACY


def test_fmt_write_rewrites_the_file_once_and_then_has_nothing_to_do(alma: Alma, tmp_path: Path) -> None:
    file = tmp_path / "legacy.yaml"
    file.write_text(LEGACY)
    file.chmod(0o640)
    written = alma.json("fmt", str(file), "--write")
    assert (written["changed"], written["written"], len(written["changes"])) == (True, True, 14)
    assert file.read_text() == CANONICAL
    assert file.stat().st_mode & 0o777 == 0o640
    again = alma.json("fmt", str(file), "--write")
    assert (again["changed"], again["written"], again["changes"]) == (False, False, [])
    assert alma.json("validate", str(file))["warnings"] == []


def test_fmt_refuses_a_file_where_it_would_have_to_guess_and_writes_nothing(alma: Alma, tmp_path: Path) -> None:
    file = tmp_path / "both.yaml"
    text = LEGACY.replace("cpu: 2          # two cores", "cpu: 2\n      cores: 4")
    file.write_text(text)
    refused = alma("fmt", str(file), "--write")
    assert refused.returncode == 1
    assert "'cpu' and 'cores' both give 'cores'" in refused.stderr
    assert file.read_text() == text
    missing = alma("fmt", str(tmp_path / "nowhere.yaml"))
    assert missing.returncode == 1 and "no such file" in missing.stderr
    assert json.loads(alma("fmt", str(tmp_path), "--json").stdout)["error"]["exit_code"] == 1


def test_two_fmt_writes_at_once_leave_the_canonical_file_whole(alma: Alma, tmp_path: Path) -> None:
    file = tmp_path / "legacy.yaml"
    file.write_text(LEGACY)
    both = [
        subprocess.Popen(
            alma.command("fmt", str(file), "--write"), env=alma.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    for process in both:
        process.communicate(timeout=60)
        assert process.returncode == 0
    assert file.read_text() == CANONICAL  # each replaced the file whole: never a mix, never half written
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".legacy.yaml.")]  # no temporary left
