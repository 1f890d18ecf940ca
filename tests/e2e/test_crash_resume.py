"""kill -9 in the middle of Execute, then `alma resume`: the deployment finishes with every resource
made exactly once and a state equal to the plan. Real processes, real kills, at several points."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import blueprint_text, compute

COUNT = 12


def count(database: Path, query: str) -> int:
    if not database.exists():
        return 0
    with sqlite3.connect(database) as conn:
        try:
            return int(conn.execute(query).fetchone()[0])
        except sqlite3.OperationalError:
            return 0  # not migrated yet


@pytest.mark.parametrize("kill_after", [1, 5, 9])
def test_a_deployment_killed_mid_execute_resumes_with_no_duplicates(tmp_path: Path, kill_after: int) -> None:
    home = tmp_path / "home"
    blueprint = tmp_path / "stack.yaml"
    blueprint.write_text(blueprint_text("crash", [compute(f"n-{i:02d}", cores=1 + i % 3) for i in range(COUNT)]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env.update(ALMA_HOME=str(home), ALMA_USER="ops", ALMA_APPROVAL_ACTIONS="", ALMA_APPROVAL_ENVIRONMENTS="")
    alma = [sys.executable, "-m", "alma"]
    database = home / "alma.db"

    slow = subprocess.Popen(
        [*alma, "deploy", str(blueprint), "--yes"],
        env={**env, "ALMA_FAKE_LATENCY_MS": "250", "ALMA_PARALLELISM": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    try:
        created = "SELECT count(*) FROM events WHERE kind = 'resource.created'"
        while count(database, created) < kill_after:
            assert slow.poll() is None, "the deploy finished before it could be killed"
            assert time.monotonic() < deadline, f"timed out waiting for {kill_after} resources to be created"
            time.sleep(0.01)  # polling another process's progress; the condition is what we wait on
    finally:
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=30)

    with sqlite3.connect(database) as conn:
        (deployment_id, status) = conn.execute("SELECT id, status FROM deployments").fetchone()
        assert status == "running"  # the process died without a word
        held = conn.execute("SELECT holder FROM locks").fetchone()
        assert held is not None  # and without releasing its lock

    resumed = subprocess.run(
        [*alma, "resume", deployment_id, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert report["status"] == "succeeded"
    assert report["deployment_id"] == deployment_id

    state = json.loads(
        subprocess.run(
            [*alma, "state", "list", "crash", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    )
    assert sorted(r["name"] for r in state) == [f"n-{i:02d}" for i in range(COUNT)]
    assert {r["name"]: r["specs"]["cores"] for r in state} == {f"n-{i:02d}": 1 + i % 3 for i in range(COUNT)}
    with sqlite3.connect(database) as conn:
        # The fake provider's world: exactly one object per resource, nothing else.
        keys = [k for (k,) in conn.execute("SELECT key FROM engine_kv WHERE namespace = 'fake'")]
        assert sorted(keys) == [f"crash/n-{i:02d}" for i in range(COUNT)]
        per_resource = conn.execute(
            "SELECT resource, sum(kind = 'resource.created'), sum(kind = 'resource.adopted') FROM events "
            "WHERE resource IS NOT NULL GROUP BY resource"
        ).fetchall()
        (deployments,) = conn.execute("SELECT count(*) FROM deployments").fetchone()
        kinds = {kind for (kind,) in conn.execute("SELECT kind FROM events")}
    assert deployments == 1  # resumed, not started again
    assert {"deployment.resumed", "lock.taken_over", "deployment.succeeded"} <= kinds
    for resource, made, adopted in per_resource:
        assert made <= 1, f"{resource} was created {made} times"
        assert made + adopted >= 1, f"{resource} was neither created nor adopted"
