"""A second rollback without a target, right after a rollback, would flip the stack back to what the first
one undid. It is refused, on the CLI and over HTTP, naming the rollback and the deployment it undid and how to
choose a revision on purpose; with ``--to`` (``to``) it runs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import make_settings
from tests.e2e.test_cli import Alma
from tests.helpers import blueprint_text, compute
from tests.unit.api.harness import Api, serving

V1 = blueprint_text("shop", [compute("web", cores=1)])
V2 = blueprint_text("shop", [compute("web", cores=2), compute("cache")])


def test_a_second_rollback_without_a_target_is_refused_on_the_cli_naming_what_the_first_undid(
    tmp_path: Path,
) -> None:
    alma = Alma(tmp_path / "home")
    for number, text in enumerate((V1, V2), 1):
        (tmp_path / f"v{number}.yaml").write_text(text)
        assert alma("deploy", str(tmp_path / f"v{number}.yaml"), "--yes").returncode == 0
    undone = alma.json("history", "shop")[-1]["deployment_id"]  # revision 2
    first = alma("rollback", "shop", "--yes")
    assert first.returncode == 0, first.stderr
    restored = alma.json("state", "list", "shop")

    second = alma("rollback", "shop", "--yes")
    assert second.returncode == 4
    said = " ".join(second.stderr.split())
    assert "stack 'shop' was just rolled back: revision 3" in said and "restored revision 1" in said
    assert f"undoing revision 2 (deployment {undone}, apply by" in said
    assert "A rollback without a target would restore revision 2" in said
    assert "`alma rollback shop --to 2` restores revision 2 on purpose" in said
    as_json = alma("rollback", "shop", "--yes", "--json")
    error = json.loads(as_json.stdout)["error"]
    assert (as_json.returncode, error["type"], error["exit_code"]) == (4, "RolledBackAlreadyError", 4)
    assert alma.json("state", "list", "shop") == restored and len(alma.json("history", "shop")) == 3

    chosen = alma("rollback", "shop", "--to", "2", "--yes")  # on purpose: it runs
    assert chosen.returncode == 0, chosen.stderr
    assert {r["name"] for r in alma.json("state", "list", "shop")} == {"web", "cache"}


async def test_a_second_rollback_without_a_target_is_refused_over_http_with_409(
    tmp_path: Path, database_url: str
) -> None:
    async for api in serving(make_settings(tmp_path, database_url), [("ops", "admin")], Api):
        ops = api.as_("ops")
        for text in (V1, V2):
            plan = (await api.client.post("/api/v1/plans", content=text, headers=ops)).json()
            applied = await api.client.post(f"/api/v1/plans/{plan['plan_id']}/apply", headers=ops)
            assert applied.json()["outcome"] == "succeeded", applied.text
        back = (await api.client.post("/api/v1/stacks/shop/rollback", headers=ops)).json()
        assert back["target_revision"] == 1
        ran = await api.client.post(f"/api/v1/plans/{back['plan_id']}/apply", headers=ops)
        assert ran.json()["outcome"] == "succeeded", ran.text

        again = await api.client.post("/api/v1/stacks/shop/rollback", headers=ops)
        assert again.status_code == 409
        assert "stack 'shop' was just rolled back to revision 1" in again.json()["detail"]
        assert 'name the revision in the body (e.g. {"to": 2}' in again.json()["detail"]  # the API's terms
        chosen = await api.client.post("/api/v1/stacks/shop/rollback", json={"to": 2}, headers=ops)
        assert chosen.status_code == 201 and chosen.json()["target_revision"] == 2
