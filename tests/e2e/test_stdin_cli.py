"""A blueprint piped in as ``-`` (``alma generate ... | alma deploy -``): read from standard input by every
command that reads a blueprint, with clear errors where a pipe cannot serve; real processes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.e2e.test_cli import Alma
from tests.helpers import blueprint_text, compute

V1 = blueprint_text("piped", [compute("web", cores=1)])


def _piped(alma: Alma, text: str | bytes, *args: str) -> subprocess.CompletedProcess[str]:
    data = text if isinstance(text, bytes) else text.encode()
    result = subprocess.run(alma.command(*args), env=alma.env, input=data, capture_output=True, timeout=60, check=False)
    out = subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(), result.stderr.decode())
    assert "Traceback" not in out.stderr, out.stderr
    return out


def test_a_blueprint_on_standard_input_is_validated_planned_deployed_and_formatted(tmp_path: Path) -> None:
    alma = Alma(tmp_path / "home")
    validated = _piped(alma, V1, "validate", "-", "--json")
    assert validated.returncode == 0 and json.loads(validated.stdout)["stack"] == "piped"
    planned = _piped(alma, V1, "plan", "-", "--out", str(tmp_path / "plan.json"))
    assert planned.returncode == 0 and f"alma apply {tmp_path / 'plan.json'}" in planned.stdout
    # The question cannot be answered on a pipe that holds the blueprint: --yes, or nothing happens.
    asked = _piped(alma, V1, "deploy", "-")
    assert asked.returncode == 5 and "pass --yes" in asked.stderr
    deployed = _piped(alma, V1, "deploy", "-", "--yes", "--json")
    assert deployed.returncode == 0 and json.loads(deployed.stdout)["revision"] == 1
    again = _piped(alma, V1, "deploy", "-", "--yes", "--json")  # the same pipe twice: nothing to do
    second = json.loads(again.stdout)
    assert again.returncode == 0 and (second["deployment_id"], second["revision"]) == (None, 1)
    legacy = V1.replace('"cores"', '"cpu"')
    formatted = _piped(alma, legacy, "fmt", "-")
    assert formatted.returncode == 0 and json.loads(formatted.stdout)["resources"][0]["specs"] == {"cores": 1}


def test_what_standard_input_cannot_give_is_refused_saying_what_to_do(tmp_path: Path) -> None:
    alma = Alma(tmp_path / "home")
    empty = _piped(alma, b"", "deploy", "-", "--yes")
    assert empty.returncode == 1 and "standard input is empty" in empty.stderr
    binary = _piped(alma, b"\xff\xfe\x00", "validate", "-")
    assert binary.returncode == 1 and "standard input is not UTF-8 text" in binary.stderr
    rewrite = _piped(alma, V1, "fmt", "-", "--write")
    assert rewrite.returncode == 1 and "drop --write" in rewrite.stderr
