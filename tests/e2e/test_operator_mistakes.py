"""Mistakes an operator makes on the step after the documented one, with real processes: each is refused
saying what to do next, and nothing the operator wrote is lost."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli import Alma
from tests.helpers import blueprint_text, compute

V1 = blueprint_text("shop", [compute("web", cores=1)])


def test_a_plan_written_over_its_own_blueprint_is_refused_and_the_blueprint_kept(tmp_path: Path) -> None:
    alma = Alma(tmp_path / "home")
    blueprint = tmp_path / "shop.yaml"
    blueprint.write_text(V1)
    refused = alma("plan", str(blueprint), "--out", str(tmp_path / "." / "shop.yaml"))
    assert refused.returncode == 1 and "is the blueprint itself" in refused.stderr
    assert blueprint.read_text() == V1
    assert alma("history", "shop").returncode == 1  # nothing was planned or stored for it either
    planned = alma("plan", str(blueprint), "--out", str(tmp_path / "plan.json"))
    assert planned.returncode == 0 and alma("apply", str(tmp_path / "plan.json")).returncode == 0


def test_drift_does_not_write_the_recorded_state_over_a_blueprint_someone_wrote(tmp_path: Path) -> None:
    # `alma drift shop --blueprint shop.yaml` reads like "compare with my blueprint": it used to replace it,
    # comments and all, with the recorded state as JSON.
    alma = Alma(tmp_path / "home")
    blueprint = tmp_path / "shop.yaml"
    written = "# the shop, by hand\n" + V1
    blueprint.write_text(written)
    assert alma("deploy", str(blueprint), "--yes").returncode == 0
    refused = alma("drift", "shop", "--blueprint", str(blueprint))
    assert refused.returncode == 1 and "name a new file (e.g. shop.recorded.json)" in refused.stderr
    assert blueprint.read_text() == written
    recorded = tmp_path / "shop.recorded.json"
    for _ in range(2):  # the file it wrote is its own: written again the next time
        assert alma("drift", "shop", "--blueprint", str(recorded)).returncode == 0
    assert alma("plan", str(recorded)).returncode == 0


def test_the_advice_after_a_failed_apply_is_a_command_that_works(tmp_path: Path) -> None:
    # It said "Retry with `alma apply`": applying the plan file again is refused, the plan having run.
    alma = Alma(tmp_path / "home")
    blueprint = tmp_path / "shop.yaml"
    blueprint.write_text(V1)
    assert alma("plan", str(blueprint), "--out", str(tmp_path / "plan.json")).returncode == 0
    failed = alma("apply", str(tmp_path / "plan.json"), ALMA_FAKE_FAIL_RESOURCES="web")
    assert failed.returncode == 3 and "to retry, fix the cause and plan again (`alma deploy FILE`" in failed.stdout
    assert "Retry with `alma apply`" not in failed.stdout
    assert alma("apply", str(tmp_path / "plan.json")).returncode == 4  # why the advice cannot be that
    assert alma("deploy", str(blueprint), "--yes").returncode == 0  # the advice, once the cause is gone


def test_a_port_past_65535_is_refused_instead_of_listening_somewhere_else(tmp_path: Path) -> None:
    # `alma serve --port 99999` said it ran on 99999 and listened on 34463 (the low 16 bits).
    alma = Alma(tmp_path / "home")
    for command in (["serve", "--port", "99999"], ["mcp", "--http", "--port", "70000"], ["serve", "--port", "-1"]):
        refused = alma(*command)
        assert refused.returncode == 1 and "is not a port: give a number from 1 to 65535" in refused.stderr


def test_events_of_a_deployment_take_the_start_of_its_id_and_refuse_one_that_matches_nothing(tmp_path: Path) -> None:
    # A typo or a shortened id listed no events, exit 0: "nothing happened".
    alma = Alma(tmp_path / "home")
    blueprint = tmp_path / "shop.yaml"
    blueprint.write_text(V1)
    assert alma("deploy", str(blueprint), "--yes").returncode == 0
    [deployment] = [d["deployment_id"] for d in alma.json("history", "shop")]
    short = alma.json("events", "shop", "--deployment", deployment[:8])
    assert short and {e["deployment_id"] for e in short} == {deployment}
    mistyped = alma("events", "shop", "--deployment", "nope")
    assert mistyped.returncode == 1 and "stack 'shop' has no deployment 'nope'" in mistyped.stderr


def test_a_home_that_is_a_file_is_refused_saying_so(tmp_path: Path) -> None:
    # ALMA_HOME naming a file (or a folder under one) ended in a NotADirectoryError traceback.
    taken = tmp_path / "home"
    taken.write_text("not a folder")
    for home in (taken, taken / "below"):
        refused = Alma(home)("state", "list")  # Alma asserts that no traceback is printed
        assert refused.returncode == 1 and "ALMA_HOME (or the sqlite path of ALMA_DATABASE_URL)" in refused.stderr
        # the server too: it said so inside a traceback from its start-up
        refused = Alma(home)("serve", "--port", "0")
        assert refused.returncode == 1 and "ALMA_HOME (or the sqlite path of ALMA_DATABASE_URL)" in refused.stderr


def test_a_server_with_invalid_settings_says_which_in_one_line(tmp_path: Path) -> None:
    refused = Alma(tmp_path / "home")("serve", "--port", "0", ALMA_PARALLELISM="-3")  # no traceback
    assert refused.returncode == 1 and "invalid settings: ALMA_PARALLELISM" in refused.stderr


def test_a_mapping_setting_that_is_not_json_is_named_not_a_traceback(tmp_path: Path) -> None:
    alma = Alma(tmp_path / "home")
    refused = alma("state", "list", ALMA_PROVIDER_PARALLELISM="{fake: 20")  # Alma asserts: no traceback
    assert refused.returncode == 1 and "ALMA_PROVIDER_PARALLELISM cannot be read" in refused.stderr


def test_a_plan_file_that_needs_review_becomes_an_ipr_as_the_refusal_says(tmp_path: Path) -> None:
    # `alma apply plan.json` says "open one with `alma ipr create FILE`"; with the plan file that was
    # thirteen "unknown field" errors, as was `alma validate plan.json`.
    alma = Alma(tmp_path / "home", ALMA_APPROVAL_ACTIONS="delete,replace")
    blueprint = tmp_path / "shop.yaml"
    blueprint.write_text(V1)
    assert alma("deploy", str(blueprint), "--yes").returncode == 0
    blueprint.write_text(blueprint_text("shop", [compute("web", cores=1, image="nginx:2")]))  # a replace
    plan_file = str(tmp_path / "plan.json")
    assert alma("plan", str(blueprint), "--out", plan_file).returncode == 0
    refused = alma("apply", plan_file)
    assert refused.returncode == 5 and "alma ipr create FILE" in refused.stderr
    opened = alma.json("ipr", "create", plan_file, "--title", "new image")
    assert opened["plan"]["plan_id"] == json.loads(Path(plan_file).read_text())["plan_id"]  # that very plan
    assert alma("ipr", "review", str(opened["id"]), "--approve", ALMA_USER="bob").returncode == 0
    assert alma("ipr", "apply", str(opened["id"])).returncode == 0
    misread = alma("validate", plan_file)
    assert misread.returncode == 1 and "is an ALMA plan file (`alma plan --out`), not a blueprint" in misread.stderr
    assert misread.stderr.count("error:") == 1


def test_council_of_a_mistyped_file_name_says_there_is_no_such_file(tmp_path: Path) -> None:
    # It read 'app.yml' as a description: "nothing I could compose in 'app.yml'".
    refused = Alma(tmp_path / "home")("council", "convene", str(tmp_path / "app.yml"))
    assert refused.returncode == 1 and "no such file" in refused.stderr and "compose" not in refused.stderr


def test_brackets_in_what_people_type_are_printed_as_typed(tmp_path: Path) -> None:
    # Rich read them as markup: '[/]' in an IPR title or a file name was a MarkupError traceback (after the
    # IPR was stored: a retry made a second one), and '[bold]' vanished from the name a hint told to type.
    alma = Alma(tmp_path / "home")
    blueprint = tmp_path / "shop [bold]v2.yaml"
    blueprint.write_text(V1)
    assert alma("deploy", str(blueprint), "--yes").returncode == 0
    opened = alma("ipr", "create", "--destroy", "shop", "--title", "drop [/] the [bold]shop")
    assert opened.returncode == 0 and "IPR #1 drop [/] the [bold]shop" in opened.stdout
    assert "drop [/] the [bold]shop" in alma("ipr", "list").stdout
    missing = alma("validate", str(tmp_path / "gone[/].yaml"))
    assert missing.returncode == 1 and f"no such file: {tmp_path / 'gone[/].yaml'}" in missing.stderr
    blueprint.write_text(blueprint_text("shop", [compute("web", cores=2)]))
    hint = " ".join(alma("plan", str(blueprint)).stdout.split())  # folded to the width: unfolded here
    assert " ".join(f"apply exactly this plan with `alma apply {blueprint}`".split()) in hint


def test_a_directory_given_as_a_blueprint_names_the_blueprints_in_it(tmp_path: Path) -> None:
    alma = Alma(tmp_path / "home")
    assert alma("examples", "copy", str(tmp_path / "examples")).returncode == 0
    refused = alma("deploy", str(tmp_path / "examples"), "--yes")
    assert refused.returncode == 1 and "is a directory, not a blueprint file; name one of its files:" in refused.stderr
    assert str(tmp_path / "examples" / "web-stack.yaml") in refused.stderr


def test_fmt_write_through_a_symbolic_link_rewrites_the_file_it_names(tmp_path: Path) -> None:
    # The link was replaced by a formatted copy; the real blueprint stayed unformatted.
    real = tmp_path / "repo" / "shop.yaml"
    real.parent.mkdir()
    real.write_text(blueprint_text("shop", [compute("a", cpu=1)]))
    link = tmp_path / "shop.yaml"
    link.symlink_to(real)
    assert Alma(tmp_path / "home")("fmt", str(link), "--write").returncode == 0
    assert link.is_symlink() and json.loads(real.read_text())["resources"][0]["specs"] == {"cores": 1}
