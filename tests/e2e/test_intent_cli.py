"""`alma intent` as a user runs it: one process per message, the session kept in the store between them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


class Intent:
    def __init__(self, home: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
        self.env.update({"ALMA_HOME": str(home), "ALMA_USER": "ops"})

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "alma", "intent", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def json(self, text: str, session: str | None = None) -> Any:
        result = self.run(text, *(["--session", session] if session else []), "--json")
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def alma(tmp_path: Path) -> Intent:
    return Intent(tmp_path / "home")


def test_the_json_answer_is_exactly_the_contract(alma: Intent) -> None:
    answer = alma.json("Deploy an Alpine LXC named web-01 with 2 cores and 1GB RAM")
    assert answer == {
        "intent": "deploy",
        "destructive": False,
        "resources": [
            {
                "name": "web-01",
                "kind": "lxc",
                "template": "alpine",
                "cores": 2,
                "memory_mb": 1024,
                "disk_gb": None,
                "count": 1,
            }
        ],
        "target": "web-01",
        "risk": {"decision": "allow", "frustration": 0.0},
        "persona": "operator",
        "confidence": 0.9,
    }


def test_a_session_carries_context_across_processes(alma: Intent) -> None:
    alma.json("Create a Debian VM named scratch-01 with 2 cores", "e2e-1")
    answer = alma.json("actually I don't need it, remove it", "e2e-1")
    assert (answer["intent"], answer["target"], answer["destructive"]) == ("destroy", "scratch-01", True)
    assert answer["risk"]["decision"] == "confirm"


def test_frustration_across_processes_blocks_a_destructive_request(alma: Intent) -> None:
    alma.json("ugh, api-gw is flapping again", "e2e-2")
    alma.json("I already told you this yesterday!!", "e2e-2")
    answer = alma.json("STOP api-gw. NOW.", "e2e-2")
    assert (answer["intent"], answer["risk"]["decision"]) == ("stop", "block")
    assert answer["risk"]["frustration"] >= 0.5


def test_a_calm_request_after_an_outburst_stays_blocked_for_one_turn_then_fades(alma: Intent) -> None:
    alma.json("wtf, web-01 is down again", "e2e-3")
    assert alma.json("delete it", "e2e-3")["risk"]["decision"] == "block"
    for calm in ["ok", "thanks, that helps"]:
        alma.json(calm, "e2e-3")
    answer = alma.json("please restart web-01", "e2e-3")
    assert (answer["intent"], answer["risk"]["decision"]) == ("restart", "confirm")


def test_a_correction_in_a_later_process_keeps_the_request_and_its_risk(alma: Intent) -> None:
    alma.json("stop web-a and web-b", "e2e-4")
    answer = alma.json("wait, not web-a — only web-b", "e2e-4")
    assert (answer["intent"], answer["target"], answer["destructive"]) == ("stop", "web-b", True)
    assert answer["risk"]["decision"] == "confirm"


def test_an_unknown_reading_with_a_destructive_word_is_confirmed_never_allowed(alma: Intent) -> None:
    answer = alma.json("zap the legacy box for good")
    assert answer["destructive"] is True
    assert answer["risk"]["decision"] == "confirm"


def test_the_reply_in_words_explains_a_block(alma: Intent) -> None:
    result = alma.run("DELETE db-01 RIGHT NOW, I don't have time for this sh*t")
    assert result.returncode == 0
    assert "block" in result.stdout and "Safe next step" in result.stdout


def test_a_bad_session_id_is_invalid_input(alma: Intent) -> None:
    result = alma.run("is web-01 up?", "--session", "bad id", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["type"] == "InvalidInputError"


def test_intent_never_imports_the_workflow_engine(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from alma.cli.main import app\n"
        "try:\n"
        "    app(['intent', 'is web-01 up?', '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('langgraph' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")} | {"ALMA_HOME": str(tmp_path / "h")}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
