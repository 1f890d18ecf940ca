"""`alma --version` and `alma examples`, as a user runs them: real processes, exit codes, files on disk.

The examples are the checkout's examples/ as the package sees them (``alma/examples`` is a link to it in a
checkout; a wheel carries the files, see test_packaging_wheel.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import alma

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(p.name for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def alma_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "alma", *args],
        env={k: v for k, v in os.environ.items() if not k.startswith("ALMA_")},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def newest_changelog_version() -> str:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    found = re.search(r"^## \[(\d+\.\d+\.\d+[^\]]*)\]", text, flags=re.MULTILINE)
    assert found, "CHANGELOG.md names no release (## [X.Y.Z])"
    return found.group(1)


def test_version_prints_the_package_version_which_the_changelog_names_as_the_newest_release() -> None:
    result = alma_cli("--version")
    assert result.returncode == 0
    assert result.stdout == f"alma {alma.__version__}\n"
    assert newest_changelog_version() == alma.__version__


def test_examples_lists_every_shipped_blueprint_with_what_it_builds() -> None:
    listed = json.loads(alma_cli("examples", "list", "--json").stdout)
    assert [e["file"] for e in listed] == SHIPPED
    web = next(e for e in listed if e["name"] == "web-stack")
    assert web["summary"].startswith("A small web stack on the fake provider")
    assert Path(web["path"]).read_bytes() == (ROOT / "examples" / "web-stack.yaml").read_bytes()
    bare = alma_cli("examples")  # without a subcommand: the same list, as a table
    assert bare.returncode == 0 and all(Path(name).stem in bare.stdout for name in SHIPPED)


def test_show_prints_an_example_byte_for_byte_and_an_unknown_name_says_which_exist() -> None:
    shown = alma_cli("examples", "show", "web-stack")
    assert shown.returncode == 0
    assert shown.stdout == (ROOT / "examples" / "web-stack.yaml").read_text(encoding="utf-8")
    assert alma_cli("examples", "show", "web-stack.yaml").stdout == shown.stdout

    unknown = alma_cli("examples", "show", "web-stak")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert "did you mean 'web-stack'" in unknown.stderr and "docker-stack" in unknown.stderr


def test_copy_twice_copies_then_reports_every_file_unchanged(tmp_path: Path) -> None:
    target = tmp_path / "new" / "examples"  # made when missing, parents included
    first = json.loads(alma_cli("examples", "copy", str(target), "--json").stdout)
    assert first == {"directory": str(target), "copied": SHIPPED, "unchanged": []}
    for name in SHIPPED:
        assert (target / name).read_bytes() == (ROOT / "examples" / name).read_bytes()
    again = json.loads(alma_cli("examples", "copy", str(target), "--json").stdout)
    assert again == {"directory": str(target), "copied": [], "unchanged": SHIPPED}
    assert sorted(p.name for p in target.iterdir()) == SHIPPED  # no temporary file left behind


def test_copy_refuses_to_overwrite_an_edited_file_and_then_writes_nothing_at_all(tmp_path: Path) -> None:
    edited = tmp_path / "web-stack.yaml"
    edited.write_text("# my own stack\n", encoding="utf-8")
    refused = alma_cli("examples", "copy", str(tmp_path))
    assert refused.returncode == 5
    assert str(edited) in refused.stderr and "--force" in refused.stderr
    assert edited.read_text(encoding="utf-8") == "# my own stack\n"
    assert [p.name for p in tmp_path.iterdir()] == ["web-stack.yaml"], "a refusal must not copy the others"

    forced = alma_cli("examples", "copy", str(tmp_path), "--force")
    assert forced.returncode == 0
    assert edited.read_bytes() == (ROOT / "examples" / "web-stack.yaml").read_bytes()


def test_copy_of_named_examples_copies_only_those_and_an_unknown_name_copies_nothing(tmp_path: Path) -> None:
    copied = json.loads(alma_cli("examples", "copy", str(tmp_path), "web-stack", "--json").stdout)
    assert copied["copied"] == ["web-stack.yaml"]
    unknown = alma_cli("examples", "copy", str(tmp_path / "other"), "web-stack", "nope")
    assert unknown.returncode == 1 and "no example named 'nope'" in unknown.stderr
    assert not (tmp_path / "other").exists()


def test_copy_into_a_path_that_is_a_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    a_file = tmp_path / "examples"
    a_file.write_text("not a directory", encoding="utf-8")
    result = alma_cli("examples", "copy", str(a_file), "--json")
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert "is not a directory" in error["message"] and error["exit_code"] == 1
    assert a_file.read_text(encoding="utf-8") == "not a directory"


def test_a_copied_example_deploys_from_the_directory_it_was_copied_to(tmp_path: Path) -> None:
    alma_cli("examples", "copy", "examples", "web-stack", cwd=tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env.update(ALMA_HOME=str(tmp_path / "home"))  # default settings, as the README runs it
    deployed = subprocess.run(
        [sys.executable, "-m", "alma", "deploy", "examples/web-stack.yaml", "--yes", "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert deployed.returncode == 0, deployed.stderr
    assert json.loads(deployed.stdout)["status"] == "succeeded"
