"""What a command imports decides how long people wait for it: the everyday commands must not load the
machinery of others (SQLAlchemy for a read of the embedded database, LangGraph or the executor for a
read, anything of ours for ``--help``). Checked on real processes: the modules each has loaded when it exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "web-stack.yaml"


# Runs ``alma`` as ``python -m alma`` would, and writes the names of every module it imported when it
# exits (``-X importtime`` misses modules loaded through ``importlib``, as lazy package exports are).
_RUN_AND_LIST = """
import atexit, runpy, sys
listing = sys.argv[1]
atexit.register(lambda: open(listing, "w").write("\\n".join(sorted(sys.modules))))
sys.argv = ["alma", *sys.argv[2:]]
runpy.run_module("alma", run_name="__main__", alter_sys=True)
"""


def imported(home: Path, *args: str) -> set[str]:
    """The modules a real ``alma`` process imports for ``args`` (it must succeed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env["ALMA_HOME"] = str(home)
    listing = home.parent / "modules.txt"
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST, str(listing), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = set(listing.read_text().split())
    return names | {name.split(".")[0] for name in names}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the example deployed, an IPR open, and its database current."""
    home = tmp_path_factory.mktemp("startup") / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env["ALMA_HOME"] = str(home)
    for args in (["deploy", str(EXAMPLE), "--yes"], ["ipr", "create", "--destroy", "web-stack"]):
        done = subprocess.run(
            [sys.executable, "-m", "alma", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    return home


HEAVY = {"sqlalchemy", "langgraph", "alembic", "alma.planning.executor", "alma.services.deployments", "yaml"}


@pytest.mark.parametrize(
    "args",
    [
        ("state", "list"),
        ("state", "list", "--json"),
        ("state", "show", "web-stack", "db-01"),
        ("history", "web-stack"),
        ("events", "web-stack"),
        ("ipr", "list"),
    ],
)
def test_reading_recorded_state_imports_neither_sqlalchemy_nor_the_apply_machinery(
    home: Path, args: tuple[str, ...]
) -> None:
    assert not imported(home, *args) & HEAVY


# What a table of recorded state does without: Rich (tables are written by ``alma.cli.tables``), Click's own
# package (typer's is enough), and pydantic's validators, whose first build scans every installed package
# for plugins (``importlib.metadata``): the settings and the record contracts are built on first validation.
# Nor asyncio: on a current embedded database they read without an event loop (``run_reading``).
UNUSED_BY_TABLES = {"rich", "click", "pydantic.plugin._loader", "importlib.metadata", "alma.engines", "asyncio", "ssl"}


@pytest.mark.parametrize("args", [("state", "list"), ("history", "web-stack"), ("events", "web-stack")])
def test_tables_of_recorded_state_build_no_validator_and_import_no_rich(home: Path, args: tuple[str, ...]) -> None:
    assert not imported(home, *args) & UNUSED_BY_TABLES


def test_reading_a_sentence_without_a_session_touches_no_database_machinery(home: Path) -> None:
    modules = imported(home, "intent", "restart web-01")
    assert not modules & HEAVY
    assert "rich" not in modules  # its answer is four plain lines


def test_help_imports_nothing_a_command_needs(home: Path) -> None:
    modules = imported(home, "--help")
    assert not {m for m in modules if m.startswith(("alma.store", "alma.services", "alma.bootstrap", "pydantic"))}
    assert not modules & HEAVY


def test_planning_imports_the_planner_but_not_the_workflow(home: Path) -> None:
    modules = imported(home, "plan", str(EXAMPLE))
    assert "alma.planning.planner" in modules
    assert not modules & {"langgraph", "alma.planning.executor", "alma.workflow.runner"}


def test_planning_a_blueprint_on_an_embedded_database_imports_no_sqlalchemy(home: Path) -> None:
    # `alma plan` is typed again and again while a blueprint is written: its reads, the fake engine's records,
    # the blueprint version and the plan go through sqlite3 on the embedded database (~0.15 s saved).
    modules = imported(home, "plan", str(EXAMPLE))
    assert "alma.store.sqlite_plans" in modules  # the plan was stored, through sqlite3
    assert not modules & (HEAVY - {"yaml"})  # the blueprint is YAML: its parser is needed


def test_a_sentence_in_a_session_is_read_and_kept_without_sqlalchemy(home: Path) -> None:
    # The scorer and scripts call `alma intent TEXT --session S` once per turn: the session's reads and
    # writes go through sqlite3 on the embedded database.
    assert not imported(home, "intent", "deploy an alpine lxc named web-09", "--session", "lean-1") & HEAVY
    assert not imported(home, "intent", "actually give it 4 cores", "--session", "lean-1") & HEAVY
