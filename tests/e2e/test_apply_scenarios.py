"""The next step an operator takes, with real `alma` processes: resumes of waiting and crashed runs, a
stack that moved on, force-unlock under a live holder, kill -9 during an automatic rollback, kill -9
while waiting for approval, plan files that were edited, cut short or come from elsewhere.

Every scenario checks exit codes, that nothing was made twice (the fake provider's own objects, not only
events), that state is what the last successful change or the plan says, that the stack ends unlocked,
and that the run checkpoints stay small. Long because each scenario is a whole story; each is one test.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_cli import Alma
from tests.helpers import blueprint_text, compute

MAX_CHECKPOINTS_BYTES = 3 * 1024 * 1024


class Operator(Alma):
    """`alma` as the operator runs it, plus what the tests look at behind it (its SQLite file)."""

    @property
    def database(self) -> Path:
        return self.home / "alma.db"

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        if not self.database.exists():
            return []
        with sqlite3.connect(self.database) as conn:
            try:
                return list(conn.execute(sql, params).fetchall())
            except sqlite3.OperationalError:
                return []  # not migrated yet

    def count(self, sql: str, *params: object) -> int:
        rows = self.query(sql, *params)
        return int(rows[0][0]) if rows else 0

    def world(self) -> dict[str, dict[str, Any]]:
        """The fake provider's objects (its engine-side truth): key → {id, generation, specs}."""
        return {key: json.loads(value) for key, value in self.query("SELECT key, value FROM engine_kv")}

    def locked(self, stack: str) -> bool:
        return self.count("SELECT count(*) FROM locks WHERE stack = ?", stack) > 0

    def checkpoint_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.home.glob("workflow.db*"))


def threads_in(ops: Operator) -> list[str]:
    """Run ids with a checkpoint (LangGraph's threads)."""
    try:
        with sqlite3.connect(ops.home / "workflow.db") as conn:
            return [t for (t,) in conn.execute("SELECT DISTINCT thread_id FROM checkpoints")]
    except sqlite3.OperationalError:
        return []


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)  # polling another process's progress; the condition is what we wait on


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)  # reaps it and closes its pipes


def ok(result: subprocess.CompletedProcess[str], code: int = 0) -> subprocess.CompletedProcess[str]:
    assert result.returncode == code, f"exit {result.returncode} (wanted {code})\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture
def ops(tmp_path: Path) -> Operator:
    return Operator(tmp_path / "home")


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


# 1. A waiting run, resumed again and again -----------------------------------------------------------


def test_a_waiting_run_can_be_resumed_any_number_of_times_and_applies_once(ops: Operator, tmp_path: Path) -> None:
    gate = {"ALMA_APPROVAL_ACTIONS": "delete"}
    v1 = write(tmp_path / "v1.json", blueprint_text("gate", [compute("net"), compute("db"), compute("old")]))
    v2 = write(tmp_path / "v2.json", blueprint_text("gate", [compute("net"), compute("db", cores=2)]))
    ok(ops("deploy", v1, "--yes"))
    opened = json.loads(ok(ops("ipr", "create", v2, "--json", **gate)).stdout)
    number = str(opened["id"])

    waiting = json.loads(ok(ops("ipr", "apply", number, "--when-approved", "--json", **gate)).stdout)
    run = waiting["run_id"]
    assert waiting["outcome"] == "waiting" and waiting["deployment_id"] == run  # never null (item 9)
    for _ in range(3):  # resumed while nobody approved: it says so, and does nothing
        again = ok(ops("resume", run, **gate))
        assert "still waiting for approval" in again.stdout.lower() and "Waiting for approval of IPR" in again.stdout
    assert ops.checkpoint_bytes() < MAX_CHECKPOINTS_BYTES

    ok(ops("ipr", "review", number, "--approve", ALMA_USER="bob", **gate))
    done = json.loads(ok(ops("resume", run, "--json", **gate)).stdout)
    assert (done["outcome"], done["deployment_id"], done["revision"]) == ("succeeded", run, 2)
    for _ in range(2):  # and again: it has finished; nothing runs twice
        finished = json.loads(ok(ops("resume", run, "--json", **gate)).stdout)
        assert finished["outcome"] == "succeeded" and "already finished" in finished["nothing_done"]
    assert ops.json("ipr", "show", number)["status"] == "applied"
    assert "applied already" in ok(ops("ipr", "apply", number, **gate), 4).stderr
    assert sorted(ops.world()) == ["gate/db", "gate/net"]
    assert ops.count("SELECT count(*) FROM deployments") == 2
    assert not ops.locked("gate")
    assert ops.checkpoint_bytes() < MAX_CHECKPOINTS_BYTES


def test_two_resumes_of_one_approved_run_at_once_apply_it_once(ops: Operator, tmp_path: Path) -> None:
    gate = {"ALMA_APPROVAL_ACTIONS": "delete"}
    v1 = write(tmp_path / "v1.json", blueprint_text("twice", [compute(f"n-{i}") for i in range(6)]))
    v2 = write(tmp_path / "v2.json", blueprint_text("twice", [compute(f"n-{i}", cores=2) for i in range(5)]))
    ok(ops("deploy", v1, "--yes"))
    number = str(ops.json("ipr", "create", v2, **gate)["id"])
    run = ops.json("ipr", "apply", number, "--when-approved", **gate)["run_id"]
    ok(ops("ipr", "review", number, "--approve", ALMA_USER="bob", **gate))

    slow = {**gate, "ALMA_FAKE_LATENCY_MS": "150", "ALMA_PARALLELISM": "1"}
    first = ops.start("resume", run, "--json", **slow)
    try:
        wait_for(lambda: ops.count("SELECT count(*) FROM deployments WHERE id = ?", run) == 1, "the first to start")
        second = ops("resume", run, **slow)
    finally:
        out, err = first.communicate(timeout=60)  # reaped whatever happened, its pipes closed
    assert first.returncode == 0, err
    assert json.loads(out)["outcome"] == "succeeded"
    # The second found the run being continued (the stack's lock names who) or already finished.
    assert second.returncode in (0, 4), second.stderr
    if second.returncode == 4:
        assert "is locked by" in second.stderr and f"run {run}" in second.stderr
    assert all(o["generation"] == 2 for k, o in ops.world().items())  # each updated exactly once
    assert sorted(ops.world()) == [f"twice/n-{i}" for i in range(5)]
    assert ops.json("ipr", "show", number)["status"] == "applied"
    assert not ops.locked("twice")


# 2. A crashed run resumed after the stack moved on ---------------------------------------------------


def test_a_crashed_run_cannot_be_resumed_after_the_stack_moved_on(ops: Operator, tmp_path: Path) -> None:
    names = [f"n-{i:02d}" for i in range(40)]
    v1 = write(tmp_path / "v1.json", blueprint_text("moved", [compute(n) for n in names]))
    v2 = write(tmp_path / "v2.json", blueprint_text("moved", [compute(n, cores=3) for n in names]))
    slow = ops.start("deploy", v1, "--yes", "--parallelism", "4", ALMA_FAKE_LATENCY_MS="300")
    try:
        wait_for(lambda: ops.count("SELECT count(*) FROM events WHERE kind = 'resource.created'") >= 8, "8 creates")
    finally:
        kill(slow)
    (run,) = ops.query("SELECT id FROM deployments")[0]

    blocked = ok(ops("deploy", v2, "--yes"), 4)  # the lock of a dead process: resume it first, or unlock
    assert f"alma resume {run}" in blocked.stderr and "its holder is gone" in blocked.stderr
    ok(ops("force-unlock", "moved"))
    second = ops.json("deploy", v2, "--yes")
    assert (second["status"], second["revision"]) == ("succeeded", 2)
    before = ops.world()

    refused = ok(ops("resume", run), 4)
    assert "moved on to revision 2" in refused.stderr and "abandoned" in refused.stderr
    assert ops.world() == before  # the stale plan did not run: not one object touched
    assert {o["specs"]["cores"] for o in ops.world().values()} == {3}
    assert len(ops.world()) == 40 and all(o["generation"] <= 2 for o in ops.world().values())
    history = ops.json("history", "moved")
    assert [(d["revision"], d["status"]) for d in history] == [(1, "abandoned"), (2, "succeeded")]
    assert "moved on to revision 2" in history[0]["error"]
    still = ok(ops("resume", run), 4)  # and it stays refused
    assert "moved on to revision 2" in still.stdout + still.stderr
    assert not ops.locked("moved")


# 3. force-unlock under a live holder -----------------------------------------------------------------


def test_force_unlock_refuses_a_live_holder_and_a_forced_unlock_stops_it(ops: Operator, tmp_path: Path) -> None:
    first_names = [f"a-{i:02d}" for i in range(60)]
    v1 = write(tmp_path / "v1.json", blueprint_text("live", [compute(n) for n in first_names]))
    v2 = write(tmp_path / "v2.json", blueprint_text("live", [compute(n, cores=2) for n in first_names[:4]]))
    # Slow enough (60 × 1 s, one at a time) that it is still running whatever the machine's load.
    holder = ops.start("deploy", v1, "--yes", "--parallelism", "1", ALMA_FAKE_LATENCY_MS="1000")
    try:
        wait_for(lambda: ops.count("SELECT count(*) FROM events WHERE kind = 'resource.created'") >= 1, "a create")
        refused = ok(ops("force-unlock", "live"), 4)
        assert "alive on this host" in refused.stderr and "--force" in refused.stderr
        assert ops.locked("live")
        second = ops("deploy", v2, "--yes")
        assert second.returncode == 4 and "is locked by" in second.stderr  # names the holder, not "drift"

        forced = json.loads(ok(ops("force-unlock", "live", "--force", "--json")).stdout)
        assert forced["released"] is True
        out, err = holder.communicate(timeout=60)
    finally:
        if holder.poll() is None:
            kill(holder)
    assert holder.returncode == 4, err
    assert "lock" in out + err
    kinds = [k for (k,) in ops.query("SELECT kind FROM events ORDER BY id")]
    assert "lock.lost" in kinds
    forced_at = kinds.index("lock.forced")
    assert "lock.released" not in kinds[forced_at:]  # it never "released" a lock it no longer had
    made = ops.world()
    assert all(o["generation"] == 1 for o in made.values())  # nothing created twice
    created = ops.count("SELECT count(*) FROM events WHERE kind = 'resource.created'")
    assert len(made) == created < 60  # it stopped dispatching
    assert not ops.locked("live")
    # The next change runs alone, and the stack ends as that plan says.
    third = ops.json("deploy", v2, "--yes")
    assert third["status"] == "succeeded"
    assert sorted(ops.world()) == [f"live/{n}" for n in first_names[:4]]


# 4. kill -9 during an automatic rollback -------------------------------------------------------------


def test_kill_during_an_automatic_rollback_then_resume_restores_and_verifies(ops: Operator, tmp_path: Path) -> None:
    base = [compute("db"), compute("web-01")]
    more = [compute(f"w-{i:02d}") for i in range(10)]
    v1 = write(tmp_path / "v1.json", blueprint_text("undo", base))
    v2 = write(tmp_path / "v2.json", blueprint_text("undo", [*base, *more, compute("bad")]))
    ok(ops("deploy", v1, "--yes"))
    env = {
        "ALMA_AUTO_ROLLBACK": "true",
        "ALMA_FAKE_UNHEALTHY_RESOURCES": "bad",
        "ALMA_APPROVAL_ACTIONS": "",
    }
    slow = ops.start("deploy", v2, "--yes", "--parallelism", "2", ALMA_FAKE_LATENCY_MS="200", **env)
    try:
        wait_for(lambda: ops.count("SELECT count(*) FROM events WHERE kind = 'resource.deleted'") >= 2, "rollback")
        assert ops.locked("undo")
    finally:
        kill(slow)
    # Until the kill, one lock: nothing was released between the failed apply and its rollback.
    kinds = [k for (k,) in ops.query("SELECT kind FROM events ORDER BY id")]
    assert kinds.count("lock.acquired") == 2 and kinds.count("lock.released") == 1  # v1's, then v2's run's
    (run,) = ops.query("SELECT id FROM deployments WHERE revision = 2")[0]

    resumed = ops("resume", run, "--json", **env)
    assert resumed.returncode == 3, resumed.stderr  # rolled back: the change failed, the stack is restored
    report = json.loads(resumed.stdout)
    assert report["outcome"] == "rolled_back"
    assert report["rollback"]["status"] == "succeeded" and report["rollback"]["verify_failures"] == []
    assert report["rollback"]["target_revision"] == 1
    assert sorted(ops.world()) == ["undo/db", "undo/web-01"]
    assert all(o["generation"] == 1 for o in ops.world().values())
    history = ops.json("history", "undo")
    assert [(d["revision"], d["kind"], d["status"]) for d in history] == [
        (1, "apply", "succeeded"),
        (2, "apply", "failed"),
        (3, "rollback", "succeeded"),
    ]
    assert not ops.locked("undo")
    assert ops.checkpoint_bytes() < MAX_CHECKPOINTS_BYTES


def test_an_automatic_rollback_that_cannot_fix_it_says_what_still_fails(ops: Operator, tmp_path: Path) -> None:
    v1 = write(tmp_path / "v1.json", blueprint_text("sick", [compute("db"), compute("web-01")]))
    v2 = write(tmp_path / "v2.json", blueprint_text("sick", [compute("db"), compute("web-01", cores=2)]))
    ok(ops("deploy", v1, "--yes"))
    env = {"ALMA_AUTO_ROLLBACK": "true", "ALMA_FAKE_UNHEALTHY_RESOURCES": "web-01"}
    shown = ok(ops("deploy", v2, "--yes", **env), 3)
    assert "Rolled back automatically to revision 1" in shown.stdout
    assert "did not restore everything" in shown.stdout
    assert "still failing web-01 is not ready" in shown.stdout
    assert "succeeded." not in shown.stdout
    report = ops.json("history", "sick")
    assert [d["status"] for d in report] == ["succeeded", "failed", "failed"]


# 5. kill -9 while waiting for approval, then approve and resume ---------------------------------------


def test_kill_while_waiting_for_approval_then_approve_and_resume_twice(ops: Operator, tmp_path: Path) -> None:
    gate = {"ALMA_APPROVAL_ACTIONS": "delete"}
    names = [f"k-{i:02d}" for i in range(12)]
    v1 = write(tmp_path / "v1.json", blueprint_text("wait", [compute(n) for n in names]))
    v2 = write(tmp_path / "v2.json", blueprint_text("wait", [compute(n, cores=2) for n in names[:-1]]))
    ok(ops("deploy", v1, "--yes"))
    number = str(ops.json("ipr", "create", v2, **gate)["id"])
    earlier = set(threads_in(ops))
    waiting = ops.start("ipr", "apply", number, "--when-approved", "--json", **gate)
    wait_for(lambda: len(threads_in(ops)) > len(earlier) or waiting.poll() is not None, "its run's first checkpoint")
    kill(waiting)  # wherever it was: before, at or after the approval interrupt
    runs = [r for (r,) in ops.query("SELECT DISTINCT data FROM events WHERE kind = 'ipr.applying'")]
    assert runs == []  # nothing claimed: it was never approved

    # Which run? The one the killed process started (its id is in the checkpoint store).
    threads = [t for t in threads_in(ops) if t not in earlier]
    if not threads:  # killed before its first checkpoint: start it again, and it waits
        threads = [ops.json("ipr", "apply", number, "--when-approved", **gate)["run_id"]]
    (run,) = threads
    ok(ops("ipr", "review", number, "--approve", ALMA_USER="bob", **gate))

    slow = {**gate, "ALMA_FAKE_LATENCY_MS": "200", "ALMA_PARALLELISM": "1"}
    resuming = ops.start("resume", run, **slow)
    try:
        wait_for(
            lambda: (
                ops.count("SELECT count(*) FROM events WHERE kind = 'resource.updated'") >= 2
                or resuming.poll() is not None
            ),
            "2 updates",
        )
        assert resuming.poll() is None, resuming.communicate()
    finally:
        kill(resuming)
    assert ops.json("ipr", "show", number)["status"] == "applying"
    again = ok(ops("ipr", "apply", number, **gate), 4)  # it says how to recover, not "approved (1/1)"
    assert f"alma resume {run}" in again.stderr

    done = json.loads(ok(ops("resume", run, "--json", **gate)).stdout)
    assert done["outcome"] == "succeeded"
    assert ops.json("ipr", "show", number)["status"] == "applied"
    world = ops.world()
    assert sorted(world) == [f"wait/{n}" for n in names[:-1]]
    assert all(o["generation"] == 2 and o["specs"]["cores"] == 2 for o in world.values())
    assert not ops.locked("wait")
    assert ops.checkpoint_bytes() < MAX_CHECKPOINTS_BYTES


def test_an_ipr_whose_run_died_can_be_closed_and_the_run_is_then_abandoned(ops: Operator, tmp_path: Path) -> None:
    gate = {"ALMA_APPROVAL_ACTIONS": "delete"}
    names = [f"c-{i:02d}" for i in range(10)]
    v1 = write(tmp_path / "v1.json", blueprint_text("dead", [compute(n) for n in names]))
    v2 = write(tmp_path / "v2.json", blueprint_text("dead", [compute(n, cores=2) for n in names[:-1]]))
    ok(ops("deploy", v1, "--yes"))
    number = str(ops.json("ipr", "create", v2, **gate)["id"])
    ok(ops("ipr", "review", number, "--approve", ALMA_USER="bob", **gate))
    applying = ops.start("ipr", "apply", number, **gate, ALMA_FAKE_LATENCY_MS="200", ALMA_PARALLELISM="1")
    try:
        wait_for(lambda: ops.count("SELECT count(*) FROM events WHERE kind = 'resource.updated'") >= 1, "an update")
        still = ok(ops("ipr", "close", number, **gate), 4)  # its run is alive: not yet
        assert "being applied right now" in still.stderr
    finally:
        kill(applying)
    (run,) = ops.query("SELECT id FROM deployments WHERE revision = 2")[0]
    ok(ops("ipr", "close", number, "--comment", "giving up", **gate))
    assert ops.json("ipr", "show", number)["status"] == "closed"
    refused = ok(ops("resume", run, **gate), 4)
    assert "abandoned" in refused.stderr
    assert [d["status"] for d in ops.json("history", "dead")] == ["succeeded", "abandoned"]
    assert all(o["generation"] <= 2 for o in ops.world().values())
    assert not ops.locked("dead")


# 6. Plan files: edited, cut short, foreign -----------------------------------------------------------


def test_plan_files_are_checked_whole(ops: Operator, tmp_path: Path) -> None:
    v1 = write(tmp_path / "v1.json", blueprint_text("pf", [compute("a", image="nginx:1"), compute("b")]))
    v2 = write(tmp_path / "v2.json", blueprint_text("pf", [compute("a", image="nginx:2"), compute("b", cores=2)]))
    ok(ops("deploy", v1, "--yes"))
    plan_file = tmp_path / "plan.json"
    ok(ops("plan", v2, "--out", str(plan_file)))
    content = json.loads(plan_file.read_text())
    assert {a["resource"]: a["action"] for a in content["actions"]} == {"a": "replace", "b": "update"}

    edited = dict(content, actions=[a for a in content["actions"] if a["action"] != "replace"])
    (tmp_path / "edited.json").write_text(json.dumps(edited, indent=2))
    refused = ok(ops("apply", str(tmp_path / "edited.json")), 5)
    assert "does not match stored plan" in refused.stderr and "action of a missing" in refused.stderr

    changed = json.loads(plan_file.read_text())
    changed["actions"][1]["after"]["cores"] = 64
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    assert "action of b changed" in ok(ops("apply", str(tmp_path / "changed.json")), 5).stderr

    text = plan_file.read_text()
    (tmp_path / "cut.json").write_text(text[: len(text) // 2])
    cut = ok(ops("apply", str(tmp_path / "cut.json")), 1)
    assert "not an ALMA plan file (it is not complete JSON" in cut.stderr
    (tmp_path / "foreign.json").write_text(json.dumps({**content, "format": "alma-plan/9"}))
    foreign = ok(ops("apply", str(tmp_path / "foreign.json")), 1)
    assert "not an ALMA plan file (format 'alma-plan/9'" in foreign.stderr
    assert ops.count("SELECT count(*) FROM deployments") == 1  # none of them ran
    assert {o["specs"].get("image") for o in ops.world().values()} == {"nginx:1", None}

    applied = ops.json("apply", str(plan_file))
    assert applied["status"] == "succeeded" and applied["revision"] == 2
    twice = ok(ops("apply", str(plan_file)), 4)
    assert "already applied as revision 2" in twice.stderr  # where it went, not "drift"
    assert not ops.locked("pf")


# The summary counts what happened --------------------------------------------------------------------


def test_the_summary_counts_outcomes_not_plans(ops: Operator, tmp_path: Path) -> None:
    names = [f"s-{i}" for i in range(8)]
    v1 = write(tmp_path / "v1.json", blueprint_text("count", [compute(n) for n in names]))
    failed = ok(ops("deploy", v1, "--yes", "--parallelism", "1", ALMA_FAKE_FAIL_RESOURCES="s-3"), 3)
    made = len(ops.world())
    assert made == 3  # s-0..s-2; s-3 failed; the rest never started
    assert f"({made} created, 0 updated, 0 replaced, 0 destroyed, 1 failed, 4 not started)" in failed.stdout
    report = json.loads(ok(ops("history", "count", "--json")).stdout)[0]
    assert (report["summary"]["create"], report["summary"]["created"]) == (8, 3)


# The step after the documented one: wait twice, find the run, resume it by the start of its id --------


def test_waiting_twice_finds_the_one_run_that_history_and_a_short_id_lead_back_to(
    ops: Operator, tmp_path: Path
) -> None:
    gate = {"ALMA_APPROVAL_ACTIONS": "delete"}
    v1 = write(tmp_path / "v1.json", blueprint_text("again", [compute("net"), compute("old")]))
    v2 = write(tmp_path / "v2.json", blueprint_text("again", [compute("net")]))  # deletes: needs an IPR
    v3 = write(tmp_path / "v3.json", blueprint_text("again", [compute("net", cores=2), compute("old")]))
    first = ops.json("deploy", v1, "--yes")
    shown = ok(ops("history", "again")).stdout  # the id to resume or look up is in the table
    assert "ID" in shown.splitlines()[0] and first["deployment_id"][:8] in shown
    opened = ops.json("ipr", "create", v2, **gate)
    number = str(opened["id"])
    earlier = set(threads_in(ops))

    waiting = json.loads(ok(ops("ipr", "apply", number, "--when-approved", "--json", **gate)).stdout)
    run = waiting["run_id"]
    again = json.loads(ok(ops("ipr", "apply", number, "--when-approved", "--json", **gate)).stdout)
    assert (again["run_id"], again["outcome"]) == (run, "waiting")
    assert "already" in again["nothing_done"]
    told = ok(ops("ipr", "apply", number, "--when-approved", **gate)).stdout
    assert run in told and "Waiting for approval of IPR" in told
    assert [t for t in threads_in(ops) if t not in earlier] == [run]  # never a second run

    short = ok(ops("resume", run[:8], **gate))  # the start of its id is enough, as tables show it
    assert "still waiting for approval" in short.stdout.lower() and f"alma resume {run}" in short.stdout
    unknown = ok(ops("resume", "0000zz", **gate), 1)
    assert "no run or deployment '0000zz'" in unknown.stderr and "alma history" in unknown.stderr

    ok(ops("deploy", v3, "--yes", **gate))  # the stack moves on: the IPR is superseded under its run
    for _ in range(2):  # ended, then ended already: both say what the run was
        ended = ops("resume", run, "--json", **gate)
        assert ended.returncode == 4, ended.stderr
        body = json.loads(ended.stdout)
        assert body["outcome"] == "abandoned" and body["run_id"] == run
        assert (body["stack"], body["plan_id"], body["ipr_id"]) == ("again", opened["plan"]["plan_id"], int(number))
    assert ops.count("SELECT count(*) FROM deployments") == 2
    assert not ops.locked("again")
