"""`alma import`: an existing guest is adopted into a stack, recorded as a new revision, and from then
on planned like any other resource of the stack."""

from __future__ import annotations

from pathlib import Path

import pytest

from alma.bootstrap import build
from alma.errors import InvalidInputError
from tests.conftest import make_settings
from tests.integration.proxmox.fakes import Served
from tests.integration.proxmox.test_ownership import FOREIGN_CONFIG


async def test_an_existing_guest_is_imported_into_a_stack_and_recorded(served: Served, tmp_path: Path) -> None:
    served.pve.add_ct(200, "web", status="running", config=dict(FOREIGN_CONFIG))
    settings = served.settings(tmp_path / "home", user="ops", approval_actions=[], approval_environments=[])
    async with await build(settings) as services:
        report = await services.imports.import_guest("lab", "pve1", 200, "web")
        assert report.status == "succeeded" and report.revision == 1
        [web] = await services.stacks.resources("lab")
        assert (web.name, web.provider, web.external_id) == ("web", "proxmox", "lxc/200")
        assert (web.specs["cores"], web.specs["memory"]) == (2, 1024)
        history = await services.stacks.history("lab")
        assert [(d.revision, d.kind, d.status) for d in history] == [(1, "import", "succeeded")]
        kinds = [e.kind for e in await services.stacks.events("lab")]
        assert "resource.imported" in kinds
        # The guest now carries the marker, and a second import under the same name is refused.
        assert "alma" in served.guest(200).config["tags"].split(";")
        with pytest.raises(InvalidInputError, match="already has a resource named 'web'"):
            await services.imports.import_guest("lab", "pve1", 200, "web")
        # Destroying the stack now deletes the imported guest like any other.
        destroy = await services.plans.plan_destroy("lab")
        assert [(a.resource, a.action) for a in destroy.actions] == [("web", "delete")]


async def test_importing_with_an_engine_that_cannot_adopt_is_refused(tmp_path: Path) -> None:
    async with await build(make_settings(tmp_path)) as services:
        with pytest.raises(InvalidInputError, match="cannot import"):
            await services.imports.import_guest("lab", "node", 100, "web", provider="fake")
