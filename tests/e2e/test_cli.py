"""The CLI as a user runs it: a real process per command, exit codes and JSON contracts."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import blueprint_text, compute

ROOT = Path(__file__).resolve().parents[2]


class Alma:
    def __init__(self, home: Path, **env: str) -> None:
        self.home = home
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
        self.env.update(
            {
                "ALMA_HOME": str(home),
                "ALMA_USER": "ops",
                "ALMA_RETRY_BASE_DELAY_S": "0.001",
                # The approval policy is tested in test_ipr_cli.py; here it is off.
                "ALMA_APPROVAL_ACTIONS": "",
                "ALMA_APPROVAL_ENVIRONMENTS": "",
                **env,
            }
        )

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "alma", *args]

    def __call__(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self.command(*args),
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def json(self, *args: str, **env: str) -> Any:
        result = self(*args, "--json", **env)
        return json.loads(result.stdout)


@pytest.fixture
def alma(tmp_path: Path) -> Alma:
    return Alma(tmp_path / "home")


@pytest.fixture
def blueprint(tmp_path: Path) -> Path:
    path = tmp_path / "stack.yaml"
    path.write_text(blueprint_text("demo", [compute("net"), compute("db", ["net"], cores=2), compute("web", ["db"])]))
    return path


def test_validate_reports_every_problem_with_line_and_column_as_json(alma: Alma, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'version: "1.0"\nname: demo\nresources:\n'
        "  - {type: compute, name: Web_01, provider: fake, specs: {cores: -1, memroy: 2G}}\n"
        "  - {type: compute, name: db, provider: fakee, dependencies: [web]}\n"
    )
    result = alma("validate", str(bad), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    messages = {e["message"]: (e["path"], e["line"], e["column"]) for e in report["errors"]}
    assert any("did you mean 'memory'" in m for m in messages)
    assert any("not a lowercase DNS label" in m for m in messages)
    assert any("unknown provider 'fakee'" in m and "did you mean 'fake'" in m for m in messages)
    assert any("unknown dependency 'web'" in m for m in messages)
    assert all(line is not None and column is not None for _, line, column in messages.values())


def test_validate_of_a_good_file_exits_zero(alma: Alma, blueprint: Path) -> None:
    result = alma("validate", str(blueprint), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"valid": True, "errors": [], "warnings": [], "stack": "demo", "resources": 3}


def test_a_yaml_syntax_error_is_a_located_message_not_a_traceback(alma: Alma, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('version: "1.0"\nname: demo\nresources: [\n  {type: compute\n')
    result = alma("validate", str(bad))
    assert result.returncode == 1
    assert "YAML syntax error" in result.stderr
    assert "line " in result.stderr


def test_a_missing_file_and_bad_usage_have_their_own_exit_codes(alma: Alma) -> None:
    assert alma("validate", "/nonexistent.yaml").returncode == 1
    assert alma("apply").returncode == 2
    assert alma("rollback", "demo", "--to", "-3").returncode == 2


def test_deploy_then_state_and_history_follow_their_json_contracts(alma: Alma, blueprint: Path) -> None:
    deployed = alma.json("deploy", str(blueprint), "--yes")
    assert deployed["status"] == "succeeded"
    assert deployed["revision"] == 1
    assert set(deployed) >= {"deployment_id", "stack", "revision", "status", "summary", "elapsed_s"}
    state = alma.json("state", "list", "demo")
    assert [r["name"] for r in state] == ["db", "net", "web"]
    assert set(state[0]) >= {"name", "type", "provider", "status", "specs", "dependencies"}
    assert state[0]["specs"]["cores"] == 2
    assert state[0]["specs"]["memory"] == 512
    shown = alma.json("state", "show", "demo", "web")
    assert shown["dependencies"] == ["db"]
    history = alma.json("history", "demo")
    assert [(h["revision"], h["status"]) for h in history] == [(1, "succeeded")]
    assert set(history[0]) >= {"revision", "status", "started_at", "finished_at", "summary"}


def test_state_show_takes_a_resource_alone_stack_slash_resource_or_a_stack(alma: Alma, blueprint: Path) -> None:
    assert alma.json("deploy", str(blueprint), "--yes")["status"] == "succeeded"
    assert alma.json("state", "show", "web")["dependencies"] == ["db"]  # the stack that holds it
    assert alma.json("state", "show", "demo/web") == alma.json("state", "show", "demo", "web")
    assert [r["name"] for r in alma.json("state", "show", "demo")] == ["db", "net", "web"]  # a stack: its resources
    missing = alma("state", "show", "wbe")
    assert missing.returncode == 1 and "no stack or resource named 'wbe'; did you mean 'web'?" in missing.stderr


def test_plan_json_and_a_plan_file_applied_exactly(alma: Alma, blueprint: Path, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan = alma.json("plan", str(blueprint), "--out", str(plan_file))
    assert plan["summary"] == {"create": 3, "update": 0, "replace": 0, "delete": 0, "noop": 0}
    assert [a["resource"] for a in plan["actions"]] == ["net", "db", "web"]
    assert set(plan["actions"][0]) >= {"resource", "action", "changes"}
    applied = alma.json("apply", str(plan_file))
    assert applied["status"] == "succeeded"
    # The same plan again is stale: the stack moved to revision 1.
    again = alma("apply", str(plan_file))
    assert again.returncode == 4
    assert "revision" in again.stderr


def test_an_edited_plan_file_is_refused(alma: Alma, blueprint: Path, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    alma("plan", str(blueprint), "--out", str(plan_file))
    data = json.loads(plan_file.read_text())
    data["hash"] = "f" * 64
    plan_file.write_text(json.dumps(data))
    result = alma("apply", str(plan_file))
    assert result.returncode == 5
    assert alma.json("state", "list") == []


def test_apply_without_confirmation_is_refused_when_nobody_can_answer(alma: Alma, blueprint: Path) -> None:
    result = alma("apply", str(blueprint))
    assert result.returncode == 5
    assert "--yes" in result.stderr
    assert alma.json("state", "list") == []


def test_plan_output_reads_like_terraform(alma: Alma, blueprint: Path, tmp_path: Path) -> None:
    alma("deploy", str(blueprint), "--yes")
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        blueprint_text("demo", [compute("net"), compute("db", ["net"], cores=4), compute("cache", ["net"])])
    )
    result = alma("plan", str(changed))
    assert result.returncode == 0
    out = result.stdout
    assert "+ cache (compute, fake) will be created" in out
    assert "~ db (compute, fake) will be updated in place" in out
    assert "~ cores: 2 → 4" in out
    assert "- web (compute, fake) will be destroyed" in out
    assert "Plan: 1 to add, 1 to change, 0 to replace, 1 to destroy, 1 unchanged." in out


def test_a_permanent_fault_exits_3_and_rollback_recovers(alma: Alma, blueprint: Path) -> None:
    failed = alma("deploy", str(blueprint), "--yes", "--json", ALMA_FAKE_FAIL_RESOURCES="db")
    assert failed.returncode == 3
    report = json.loads(failed.stdout)
    assert report["status"] == "failed"
    assert {f["resource"]: f["status"] for f in report["failures"]} == {"db": "failed", "web": "skipped"}
    assert [r["name"] for r in alma.json("state", "list", "demo")] == ["net"]
    rolled = alma("rollback", "demo", "--yes")
    assert rolled.returncode == 0, rolled.stderr
    assert alma.json("state", "list", "demo") == []
    history = alma.json("history", "demo")
    assert [(h["revision"], h["status"], h["kind"]) for h in history] == [
        (1, "failed", "apply"),
        (2, "succeeded", "rollback"),
    ]


def test_destroy_empties_the_stack(alma: Alma, blueprint: Path) -> None:
    alma("deploy", str(blueprint), "--yes")
    result = alma("destroy", "demo", "--yes")
    assert result.returncode == 0, result.stderr
    assert alma.json("state", "list", "demo") == []
    assert alma("destroy", "nope", "--yes").returncode == 1


def test_a_concurrent_mutation_exits_4_naming_the_holder_and_force_unlock_clears_it(
    alma: Alma, blueprint: Path
) -> None:
    slow = subprocess.Popen(
        alma.command("deploy", str(blueprint), "--yes"),
        env={**alma.env, "ALMA_FAKE_LATENCY_MS": "20000"},  # it is killed long before it could finish
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        database = alma.home / "alma.db"
        deadline = time.monotonic() + 30
        while True:  # wait until the first process holds the lock
            if database.exists():
                with sqlite3.connect(database) as conn:
                    try:
                        if conn.execute("SELECT count(*) FROM locks").fetchone()[0]:
                            break
                    except sqlite3.OperationalError:
                        pass  # tables not migrated yet
            assert time.monotonic() < deadline, "the first deploy never took the lock"
            time.sleep(0.01)
        second = alma("destroy", "demo", "--yes")
        assert second.returncode == 4
        assert "locked by ops@" in second.stderr
        assert "force-unlock" in second.stderr
    finally:
        slow.kill()  # a holder that dies without releasing its lock
        slow.communicate(timeout=30)
    assert alma("destroy", "demo", "--yes").returncode == 4
    unlocked = alma("force-unlock", "demo")
    assert unlocked.returncode == 0
    assert "ops@" in unlocked.stdout
    events = alma.json("events", "demo")
    assert "lock.forced" in [e["kind"] for e in events]


def test_help_lists_every_command(alma: Alma) -> None:
    result = alma("--help")
    assert result.returncode == 0
    for command in ("validate", "plan", "apply", "deploy", "destroy", "rollback", "state", "history", "force-unlock"):
        assert command in result.stdout


def test_invalid_settings_are_a_clear_error(alma: Alma, blueprint: Path) -> None:
    result = alma("plan", str(blueprint), ALMA_FAKE_FAIL_RATE="2")
    assert result.returncode == 1
    assert "ALMA_FAKE_FAIL_RATE" in result.stderr
    # A rule across settings says what to do, with no field of its own to name.
    queued = alma("plan", str(blueprint), ALMA_QUEUE="procrastinate")
    assert queued.returncode == 1
    assert "invalid settings: ALMA_QUEUE=procrastinate needs ALMA_DATABASE_URL on PostgreSQL" in queued.stderr
