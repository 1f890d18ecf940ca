"""``alma ipr …`` as people run it: real processes, the approval policy on, ALMA_USER for who is acting;
exit codes and JSON contracts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_cli import Alma
from tests.helpers import blueprint_text, compute

RESOURCES = [compute("net"), compute("db", ["net"], cores=2), compute("web", ["db"])]


@pytest.fixture
def alma(tmp_path: Path) -> Alma:
    """Alice at the keyboard, with the default policy: deletes, replacements and production are gated."""
    return Alma(
        tmp_path / "home",
        ALMA_USER="alice",
        ALMA_APPROVAL_ACTIONS="delete,replace",
        ALMA_APPROVAL_ENVIRONMENTS="production",
    )


@pytest.fixture
def production(tmp_path: Path) -> Path:
    path = tmp_path / "production.yaml"
    path.write_text(blueprint_text("demo", RESOURCES, metadata={"environment": "production"}))
    return path


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    path = tmp_path / "staging.yaml"
    path.write_text(blueprint_text("demo", RESOURCES, metadata={"environment": "staging"}))
    return path


def test_applying_a_gated_plan_exits_5_and_tells_how_to_open_an_ipr(
    alma: Alma, production: Path, tmp_path: Path
) -> None:
    refused = alma("apply", str(production), "--yes")
    assert refused.returncode == 5
    assert "needs an approved Infrastructure Pull Request (stack 'demo' is production)" in refused.stderr
    assert "open one with `alma ipr create FILE`, have someone else approve it" in refused.stderr
    assert "`alma ipr apply ID`" in refused.stderr

    plan_file = tmp_path / "plan.json"
    assert alma("plan", str(production), "--out", str(plan_file)).returncode == 0
    as_json = alma("apply", str(plan_file), "--json")
    assert as_json.returncode == 5
    error = json.loads(as_json.stdout)["error"]
    assert (error["type"], error["exit_code"]) == ("ApprovalRequiredError", 5)
    assert "alma ipr create FILE" in error["message"]
    assert alma.json("state", "list") == []


def test_an_ipr_is_opened_approved_by_someone_else_and_applied(alma: Alma, production: Path) -> None:
    created = alma(
        "ipr", "create", str(production), "--title", "Launch demo", "--description", "first deploy", "--json"
    )
    assert created.returncode == 0, created.stderr
    opened = json.loads(created.stdout)
    number = str(opened["id"])
    assert (opened["status"], opened["author"], opened["title"], opened["revision"]) == (
        "open",
        "alice",
        "Launch demo",
        1,
    )
    assert (opened["approvals"], opened["approvals_required"]) == ([], 1)
    assert opened["policy_reasons"] == ["stack 'demo' is production"]
    assert opened["plan"]["summary"]["create"] == 3

    by_author = alma("ipr", "review", number, "--approve")
    assert by_author.returncode == 5
    assert f"alice opened or revised IPR #{number} and cannot approve it" in by_author.stderr
    by_bob = alma("ipr", "review", number, "--approve", "--comment", "ship it", ALMA_USER="bob")
    assert by_bob.returncode == 0, by_bob.stderr
    assert "status approved (1/1 approvals)" in by_bob.stdout

    shown = alma.json("ipr", "show", number)
    assert (shown["status"], shown["approvals"]) == ("approved", ["bob"])
    assert shown["plan"]["plan_id"] == opened["plan"]["plan_id"]
    assert shown["plan"]["hash"] == opened["plan"]["hash"]
    assert [(r["revision"], r["reviewer"], r["verdict"], r["comment"]) for r in shown["reviews"]] == [
        (1, "bob", "approve", "ship it")
    ]

    applied = alma("ipr", "apply", number, "--json")
    assert applied.returncode == 0, applied.stderr
    report = json.loads(applied.stdout)
    assert (report["status"], report["revision"], report["summary"]["create"]) == ("succeeded", 1, 3)
    assert [r["name"] for r in alma.json("state", "list", "demo")] == ["db", "net", "web"]
    assert alma("ipr", "apply", number).returncode == 4  # applied once, and only once: a conflict

    listed = alma.json("ipr", "list", "--status", "applied")
    assert [(i["id"], i["status"], i["author"], i["stack"]) for i in listed] == [
        (opened["id"], "applied", "alice", "demo")
    ]
    assert alma.json("ipr", "list", "--status", "open") == []
    final = alma.json("ipr", "show", number)
    assert (final["status"], final["deployment_id"]) == ("applied", report["deployment_id"])

    events = alma.json("events", "demo")
    trail = [(e["kind"], e["actor"]) for e in events if e["kind"].startswith("ipr.")]
    assert trail == [
        ("ipr.created", "alice"),
        ("ipr.review.approve", "bob"),
        ("ipr.approved", "bob"),
        ("ipr.applying", "alice"),
        ("ipr.applied", "alice"),
    ]
    approval = next(e for e in events if e["kind"] == "ipr.review.approve")
    assert approval["data"]["plan_id"] == opened["plan"]["plan_id"]
    assert approval["data"]["hash"] == opened["plan"]["hash"]
    assert approval["data"]["comment"] == "ship it"
    done = next(e for e in events if e["kind"] == "ipr.applied")
    assert done["deployment_id"] == report["deployment_id"]


def test_changes_are_requested_revised_and_the_request_closed(alma: Alma, production: Path, tmp_path: Path) -> None:
    number = str(alma.json("ipr", "create", str(production))["id"])
    asked = alma("ipr", "review", number, "--request-changes", "-m", "db needs more cores", ALMA_USER="bob")
    assert asked.returncode == 0, asked.stderr
    assert alma.json("ipr", "show", number)["status"] == "changes_requested"

    bigger = tmp_path / "bigger.yaml"
    bigger.write_text(
        blueprint_text(
            "demo",
            [compute("net"), compute("db", ["net"], cores=8), compute("web", ["db"])],
            metadata={"environment": "production"},
        )
    )
    revised = alma.json("ipr", "revise", number, str(bigger))
    assert (revised["status"], revised["revision"], revised["approvals"]) == ("open", 2, [])
    db = next(a for a in revised["plan"]["actions"] if a["resource"] == "db")
    assert db["action"] == "create"
    assert alma("ipr", "apply", number).returncode == 5  # not approved
    # Bob read revision 1: his approval of it is refused now (exit 4), nothing recorded; of revision 2, it counts.
    stale = alma("ipr", "review", number, "--approve", "--revision", "1", ALMA_USER="bob")
    assert stale.returncode == 4
    assert f"IPR #{number} is at revision 2 now" in stale.stderr and "nothing was recorded" in stale.stderr
    assert alma.json("ipr", "show", number)["approvals"] == []
    assert alma("ipr", "review", number, "--approve", "--revision", "2", ALMA_USER="bob").returncode == 0
    assert alma.json("ipr", "show", number)["status"] == "approved"

    closed = alma("ipr", "close", number, "-m", "going another way", ALMA_USER="bob")
    assert closed.returncode == 0, closed.stderr
    assert alma.json("ipr", "show", number)["status"] == "closed"
    late = alma("ipr", "review", number, "--approve", ALMA_USER="carol")
    assert late.returncode == 4
    assert "is closed" in late.stderr
    assert alma.json("state", "list") == []


def test_review_with_two_verdicts_is_a_usage_error_and_an_unknown_ipr_exits_1(alma: Alma) -> None:
    both = alma("ipr", "review", "1", "--approve", "--reject", ALMA_USER="bob")
    assert both.returncode == 2
    assert "give one of --approve, --request-changes, --reject" in both.stderr
    none = alma("ipr", "review", "1", ALMA_USER="bob")  # it said "a comment needs text"
    assert none.returncode == 2 and "give a verdict (--approve, --request-changes or --reject)" in none.stderr

    unknown = alma("ipr", "show", "99")
    assert unknown.returncode == 1
    assert "no IPR #99" in unknown.stderr
    assert alma("ipr", "review", "99", "--approve", ALMA_USER="bob").returncode == 1
    assert alma("ipr", "apply", "99").returncode == 1
    as_json = alma("ipr", "show", "99", "--json")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["error"]["exit_code"] == 1


def test_a_destroy_ipr_once_approved_and_applied_empties_the_stack(alma: Alma, staging: Path) -> None:
    deployed = alma("deploy", str(staging), "--yes")  # creates only, in staging: no IPR needed
    assert deployed.returncode == 0, deployed.stderr
    direct = alma("destroy", "demo", "--yes")
    assert direct.returncode == 5
    assert "it deletes web, db, net" in direct.stderr
    assert "alma ipr create --destroy demo" in direct.stderr
    assert len(alma.json("state", "list", "demo")) == 3

    opened = alma.json("ipr", "create", "--destroy", "demo")
    number = str(opened["id"])
    assert (opened["plan"]["kind"], opened["plan"]["summary"]["delete"]) == ("destroy", 3)
    assert alma("ipr", "review", number, "--approve", ALMA_USER="bob").returncode == 0
    applied = alma("ipr", "apply", number, ALMA_USER="bob")
    assert applied.returncode == 0, applied.stderr
    assert alma.json("state", "list", "demo") == []
    assert [(h["revision"], h["kind"]) for h in alma.json("history", "demo")] == [(1, "apply"), (2, "destroy")]

    trail = [(e["kind"], e["actor"]) for e in alma.json("events", "demo") if e["kind"].startswith("ipr.")]
    assert trail == [
        ("ipr.created", "alice"),
        ("ipr.review.approve", "bob"),
        ("ipr.approved", "bob"),
        ("ipr.applying", "bob"),
        ("ipr.applied", "bob"),
    ]


def test_applying_a_superseded_ipr_exits_4_and_says_to_revise_it(alma: Alma, staging: Path, tmp_path: Path) -> None:
    assert alma("deploy", str(staging), "--yes").returncode == 0
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(blueprint_text("demo", RESOURCES[:2], metadata={"environment": "staging"}))
    number = str(alma.json("ipr", "create", str(smaller))["id"])
    assert alma("ipr", "review", number, "--approve", ALMA_USER="bob").returncode == 0
    grown = tmp_path / "grown.yaml"
    grown.write_text(blueprint_text("demo", [*RESOURCES, compute("cache")], metadata={"environment": "staging"}))
    assert alma("deploy", str(grown), "--yes").returncode == 0  # someone moves the stack on

    stale = alma("ipr", "apply", number)
    assert stale.returncode == 4, stale.stderr
    assert "superseded" in stale.stderr and f"alma ipr revise {number}" in stale.stderr
    assert "once approved" not in stale.stderr
    assert len(alma.json("state", "list", "demo")) == 4
