"""What the terminal shows: tables that never split a value, help that never cuts a description, big plans
as a summary on a terminal (all of it on request), ``--json`` on the key commands. Real ``alma`` processes."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import blueprint_text, compute

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "web-stack.yaml"


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_") and k not in ("COLUMNS", "NO_COLOR")}
    env.update({"ALMA_HOME": str(home), "ALMA_APPROVAL_ACTIONS": "", "ALMA_APPROVAL_ENVIRONMENTS": ""})
    return env


def alma(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "alma", *args],
        env=environment(home),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def on_a_terminal(home: Path, *args: str, columns: int = 100) -> str:
    """What ``alma`` writes to a terminal (a pseudo-terminal ``columns`` wide)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "alma", *args],
        env={**environment(home), "COLUMNS": str(columns), "TERM": "xterm"},
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    chunks = []
    while True:
        ready, _, _ = select.select([controller], [], [], 120)
        assert ready, "alma wrote nothing for two minutes"
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("output") / "home"
    assert alma(home, "deploy", str(EXAMPLE), "--yes").returncode == 0
    return home


@pytest.mark.parametrize("args", [("state", "list"), ("history", "web-stack"), ("events", "web-stack")])
def test_tables_piped_are_80_columns_and_keep_every_value_whole(home: Path, args: tuple[str, ...]) -> None:
    done = alma(home, *args)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "\x1b[" not in done.stdout
    shown = {word for line in lines for word in line.split()}
    values: set[str] = set()
    for row in json.loads(alma(home, *args, "--json").stdout):
        if args[0] == "state":
            values |= {"image=postgres:16,", "template=alpine-3.20", row["name"]}
        elif args[0] == "history":
            values.add(row["started_at"][:19])
        else:
            values |= {row["at"][:23], row["kind"]}
    assert values <= shown, values - shown


def test_top_level_help_shows_each_commands_description_whole(home: Path) -> None:
    text = alma(home, "--help").stdout
    commands = text.split("Commands:", 1)[1]
    assert not [line for line in commands.splitlines() if line.endswith("...")]
    flat = " ".join(text.split())
    for command in ("validate", "plan", "destroy", "import", "keys"):
        description = alma(home, command, "--help").stdout.split("\n\n")[1]
        assert " ".join(description.split()) in flat, command


def test_keys_create_and_revoke_answer_in_json(home: Path) -> None:
    created = json.loads(alma(home, "keys", "create", "--role", "viewer", "--name", "ci", "--json").stdout)
    assert created["name"] == "ci" and created["role"] == "viewer" and created["key"].startswith("alma_")
    assert created["revoked_at"] is None
    listed = json.loads(alma(home, "keys", "list", "--json").stdout)
    assert [{k: v for k, v in created.items() if k != "key"}] == listed  # the key itself is never stored
    assert json.loads(alma(home, "keys", "revoke", "ci", "--json").stdout) == {"name": "ci", "revoked": True}
    again = alma(home, "keys", "revoke", "ci", "--json")
    assert again.returncode == 1
    assert json.loads(again.stdout)["error"]["type"] == "NotFoundError"


def test_a_huge_plan_on_a_terminal_is_a_summary_and_full_shows_every_field(home: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(blueprint_text("big", [compute(f"node-{i:03d}", cores=2) for i in range(250)]))
    summary = on_a_terminal(home, "plan", str(big))
    assert "250 resources change; a summary" in summary
    assert "+ 250 will be created (250 compute/fake)" in summary
    assert "node-123" not in summary
    assert "Plan: 250 to add, 0 to change, 0 to replace, 0 to destroy, 0 unchanged." in summary
    full = on_a_terminal(home, "plan", str(big), "--full")
    assert "node-123 (compute, fake) will be created" in full and "a summary" not in full
    piped = alma(home, "plan", str(big)).stdout  # a file or a pipe gets the whole plan
    assert piped.count("will be created") == 250 and "\x1b[" not in piped
