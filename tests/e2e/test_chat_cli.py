"""`alma chat` as a person uses it: one-shot turns sharing a session and ALMA_HOME, and a piped REPL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


class Chat:
    def __init__(self, home: Path, **settings: str) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
        self.env.update({"ALMA_HOME": str(home), "ALMA_USER": "ops", **settings})

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "alma", *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def turn(self, text: str, session: str = "e2e", code: int = 0) -> Any:
        result = self.run("chat", "--session", session, "--json", text)
        assert result.returncode == code, result.stdout + result.stderr
        return json.loads(result.stdout)

    def names(self) -> list[str]:
        result = self.run("state", "list", "--json")
        assert result.returncode == 0, result.stderr
        return sorted(r["name"] for r in json.loads(result.stdout))


@pytest.fixture
def alma(tmp_path: Path) -> Chat:
    return Chat(tmp_path / "home", ALMA_APPROVAL_ACTIONS="")


def test_a_deploy_is_shown_then_applied_once_confirmed_and_the_state_shows_it(alma: Chat) -> None:
    shown = alma.turn("deploy a postgres database named db-01")
    assert (shown["outcome"], shown["risk"]["decision"]) == ("planned", "allow")
    assert shown["plan"]["summary"]["create"] == 2
    assert alma.names() == []
    applied = alma.turn(f"confirm {shown['risk']['token']}")
    assert applied["outcome"] == "applied" and applied["run"]["revision"] == 1
    assert alma.names() == ["db-01", "db-01-data"]
    status = alma.turn("list all resources")
    assert [row[1] for row in status["listings"][0]["rows"]] == ["db-01", "db-01-data"]


def test_a_destroy_asks_for_confirmation_and_does_nothing_without_it(alma: Chat) -> None:
    alma.turn("deploy a postgres database named db-01")
    alma.turn("yes")
    asked = alma.turn("destroy db-stack")
    assert (asked["outcome"], asked["risk"]["decision"]) == ("planned", "confirm")
    assert asked["plan"]["summary"]["delete"] == 2
    assert alma.turn("no")["outcome"] == "cancelled"
    assert alma.names() == ["db-01", "db-01-data"]


def test_a_frustrated_destroy_is_blocked_and_exits_refused(alma: Chat) -> None:
    alma.turn("deploy a postgres database named db-01")
    alma.turn("yes")
    alma.turn("db-01 is down AGAIN!!")
    blocked = alma.turn("this is the third time, JUST DELETE db-stack NOW", code=5)
    assert blocked["outcome"] == "blocked"
    assert blocked["risk"]["decision"] == "block" and blocked["risk"]["next_step"]
    assert alma.names() == ["db-01", "db-01-data"]


def test_a_destroy_the_policy_gates_opens_an_ipr_for_someone_else_to_approve(tmp_path: Path) -> None:
    alma = Chat(tmp_path / "home", ALMA_APPROVAL_ACTIONS="delete")
    alma.turn("deploy a postgres database named db-01")
    alma.turn("yes")
    gated = alma.turn("destroy db-stack")
    assert gated["outcome"] == "ipr_opened" and gated["ipr"] == 1
    assert "Someone other than ops must approve it" in gated["reply"]
    shown = alma.run("ipr", "show", "1", "--json")
    assert json.loads(shown.stdout)["status"] == "open"
    assert alma.names() == ["db-01", "db-01-data"]


def test_a_piped_conversation_plans_confirms_and_lists_until_quit(alma: Chat) -> None:
    script = "deploy a postgres database named db-01\nyes\nis db-01 up?\nquit\ndestroy db-stack\nyes\n"
    result = alma.run("chat", stdin=script)
    assert result.returncode == 0, result.stderr
    assert "ALMA chat, session chat-" in result.stderr
    assert "Plan: 2 to add" in result.stdout
    assert "Applied: stack 'db-stack' is at revision 1" in result.stdout
    assert "running" in result.stdout
    assert "to destroy stack" not in result.stdout  # nothing after quit is read
    assert alma.names() == ["db-01", "db-01-data"]


def test_the_conversation_ends_at_the_end_of_its_input_without_applying_what_waits(alma: Chat) -> None:
    result = alma.run("chat", "--session", "piped", stdin="deploy a postgres database named db-01\n")
    assert result.returncode == 0, result.stderr
    assert "Apply this plan?" in result.stdout
    assert alma.names() == []
    assert alma.turn("yes", session="piped")["outcome"] == "applied"


def test_a_one_shot_turn_without_a_session_prints_the_new_one(alma: Chat) -> None:
    result = alma.run("chat", "what's the weather")
    assert result.returncode == 0
    assert "I can deploy" in result.stdout
    assert "continue with `alma chat --session chat-" in result.stderr
