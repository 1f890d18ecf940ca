"""CI and pre-commit as contributors get them: the GitHub workflow passes actionlint (it cannot run here, so
it is linted) and runs the README's test command with PostgreSQL and Redis as services; the pre-commit
hooks are the checks of scripts/test, only check, and pass on every file."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
PRE_COMMIT = ROOT / ".pre-commit-config.yaml"


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    # The linter is installed once per machine under the user's cache (the tests' HOME is a new directory).
    cache = Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "alma"
    result = subprocess.run(
        [str(ROOT / "scripts" / "actionlint"), *map(str, files)],
        env={**os.environ, "ALMA_CACHE_DIR": os.environ.get("ALMA_CACHE_DIR", str(cache))},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1), f"actionlint did not run:\n{result.stdout}{result.stderr}"
    return result


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_workflow_passes_actionlint() -> None:
    result = actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout


def test_actionlint_reports_a_broken_workflow_with_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.sha( }}\n",
        encoding="utf-8",
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert f"{broken}:6:" in result.stdout and "[expression]" in result.stdout


def test_the_workflow_runs_the_readme_test_command_with_postgresql_and_redis_services() -> None:
    workflow = load(WORKFLOW)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    assert [s["run"] for s in job["steps"] if "run" in s][-1] == "scripts/test"
    services, env = job["services"], job["env"]
    assert services["postgres"]["ports"] == ["5432:5432"] and "pg_isready" in services["postgres"]["options"]
    assert services["redis"]["ports"] == ["6379:6379"] and "redis-cli ping" in services["redis"]["options"]
    assert env["ALMA_TEST_POSTGRES_URL"] == "postgresql://postgres@127.0.0.1:5432/postgres"
    assert env["ALMA_TEST_REDIS_URL"] == "redis://127.0.0.1:6379/0"
    python = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.11"  # the Python the lock and the local base image have


def test_the_pre_commit_hooks_are_the_checks_of_scripts_test_and_none_rewrites_a_file() -> None:
    (repo,) = load(PRE_COMMIT)["repos"]
    assert repo["repo"] == "local"
    hooks = {h["id"]: h for h in repo["hooks"]}
    assert set(hooks) == {"ruff", "ruff-format", "mypy", "import-linter"}
    assert hooks["ruff"]["entry"] == ".venv/bin/ruff check --no-fix"
    assert hooks["ruff-format"]["entry"] == ".venv/bin/ruff format --check"
    assert hooks["mypy"]["entry"] == ".venv/bin/mypy" and hooks["mypy"]["pass_filenames"] is False
    assert hooks["import-linter"]["entry"] == ".venv/bin/lint-imports"
    for hook in hooks.values():
        assert "--fix " not in f"{hook['entry']} " and "args" not in hook, hook
    script = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    for check in ("ruff check src tests bench", "ruff format --check src tests bench", "mypy", "lint-imports"):
        assert f".venv/bin/{check}" in script  # the hooks check what the README's test command checks
    assert hooks["ruff"]["files"] == hooks["ruff-format"]["files"] == "^(src|tests|bench)/"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_pre_commit_run_all_files_passes(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: pre-commit runs over the files git tracks")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=ROOT,
        env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit")},
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    passed = [line for line in result.stdout.splitlines() if line.endswith("Passed")]
    assert len(passed) == 4, result.stdout  # every hook ran on something and passed
