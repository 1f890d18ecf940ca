"""``alma drift`` as a user runs it: a real process per command over the fake engine, whose world is changed
behind ALMA's back in its SQLite database (as another tool would); exit 0 when as recorded, 6 when not, and
the recorded blueprint it writes plans the repair."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.test_cli import Alma
from tests.helpers import blueprint_text, compute

SHOP = blueprint_text(
    "shop", [compute("net", cores=1), compute("db", ["net"], cores=2), compute("web", ["db"], cores=1)]
)


@pytest.fixture
def alma(tmp_path: Path) -> Alma:
    return Alma(tmp_path / "home")


@pytest.fixture
def deployed(alma: Alma, tmp_path: Path) -> Path:
    file = tmp_path / "shop.json"
    file.write_text(SHOP)
    result = alma("deploy", str(file), "--yes")
    assert result.returncode == 0, result.stderr
    return file


@contextmanager
def fake_world(alma: Alma) -> Iterator[sqlite3.Connection]:
    """The fake engine's objects, edited in its table as someone outside ALMA would."""
    conn = sqlite3.connect(alma.home / "alma.db")
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def test_a_stack_as_recorded_exits_0_and_says_so(alma: Alma, deployed: Path) -> None:
    result = alma("drift", "shop")
    assert result.returncode == 0, result.stderr
    assert "shop (revision 1): as recorded (3 resource(s))" in result.stdout
    report = alma.json("drift", "shop")
    assert report["drifted"] is False and report["summary"] == {
        "changed": 0,
        "missing": 0,
        "unmanaged": 0,
        "in_sync": 3,
    }


def test_drift_exits_6_names_each_difference_and_the_recorded_blueprint_repairs_it(
    alma: Alma, deployed: Path, tmp_path: Path
) -> None:
    with fake_world(alma) as conn:
        conn.execute("DELETE FROM engine_kv WHERE namespace = 'fake' AND key = 'shop/web'")
        (value,) = conn.execute("SELECT value FROM engine_kv WHERE namespace = 'fake' AND key = 'shop/db'").fetchone()
        db = json.loads(value)
        db["specs"]["cores"] = 8
        conn.execute("UPDATE engine_kv SET value = ? WHERE namespace = 'fake' AND key = 'shop/db'", (json.dumps(db),))
        ghost = {**db, "id": "fake-ghost", "specs": {**db["specs"], "cores": 1}}
        conn.execute("INSERT INTO engine_kv VALUES ('fake', 'shop/ghost', ?)", (json.dumps(ghost),))

    shown = alma("drift", "shop")
    assert shown.returncode == 6, shown.stderr
    assert "3 of 4 resource(s) drifted" in shown.stdout
    for line in ("cores: recorded 2, now 8", "missing", "unmanaged", "alma drift shop --blueprint"):
        assert line in shown.stdout

    result = alma("drift", "shop", "--json")
    assert result.returncode == 6
    report = json.loads(result.stdout)
    assert [(r["resource"], r["drift"], r["repair"]) for r in report["resources"]] == [
        ("net", "in_sync", "noop"),
        ("db", "changed", "update"),
        ("web", "missing", "create"),
        ("ghost", "unmanaged", "delete"),
    ]
    (cores,) = report["resources"][1]["fields"]
    assert cores == {"path": "cores", "recorded": 2, "actual": 8, "forces_replace": False}

    recorded = tmp_path / "recorded.json"
    written = alma("drift", "shop", "--blueprint", str(recorded))
    assert written.returncode == 6 and recorded.exists()
    plan = alma.json("plan", str(recorded))
    assert {a["resource"]: a["action"] for a in plan["actions"] if a["action"] != "noop"} == {
        "db": "update",
        "web": "create",
        "ghost": "delete",
    }
    applied = alma("apply", str(recorded), "--yes")
    assert applied.returncode == 0, applied.stderr
    again = alma("drift", "shop")
    assert again.returncode == 0, again.stdout


def test_every_stack_is_checked_without_a_name_and_any_drift_exits_6(
    alma: Alma, deployed: Path, tmp_path: Path
) -> None:
    lab = tmp_path / "lab.json"
    lab.write_text(blueprint_text("lab", [compute("box")]))
    assert alma("deploy", str(lab), "--yes").returncode == 0
    assert alma("drift").returncode == 0
    with fake_world(alma) as conn:
        conn.execute("DELETE FROM engine_kv WHERE namespace = 'fake' AND key = 'lab/box'")
    result = alma("drift", "--json")
    assert result.returncode == 6
    assert [(r["stack"], r["drifted"]) for r in json.loads(result.stdout)] == [("lab", True), ("shop", False)]


def test_bad_input_is_refused_with_exit_1_and_a_clear_message(alma: Alma, deployed: Path, tmp_path: Path) -> None:
    unknown = alma("drift", "shpo")
    assert unknown.returncode == 1
    assert "no stack named 'shpo'" in unknown.stderr and "shop" in unknown.stderr
    assert json.loads(alma("drift", "shpo", "--json").stdout)["error"]["exit_code"] == 1
    nameless = alma("drift", "--blueprint", str(tmp_path / "x.json"))
    assert nameless.returncode == 1 and "name the stack" in nameless.stderr
    unwritable = alma("drift", "shop", "--blueprint", str(tmp_path / "missing-dir" / "x.json"))
    assert unwritable.returncode == 1 and "cannot write the blueprint file" in unwritable.stderr


def test_nothing_recorded_is_nothing_to_compare(alma: Alma) -> None:
    result = alma("drift")
    assert result.returncode == 0
    assert "nothing to compare" in result.stdout
    assert alma.json("drift") == []
