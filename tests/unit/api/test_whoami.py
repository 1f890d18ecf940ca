"""``GET /api/v1/whoami``: the key's holder (the acting user of everything done with it) and its role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.unit.api.harness import Api, serving


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    async for served in serving(make_settings(tmp_path), [("bob", "approver"), ("eve", "viewer")], Api):
        yield served


async def test_each_key_says_whose_it_is_and_a_missing_one_is_refused(api: Api) -> None:
    assert (await api.client.get("/api/v1/whoami", headers=api.as_("bob"))).json() == {
        "name": "bob",
        "role": "approver",
    }
    assert (await api.client.get("/api/v1/whoami", headers=api.as_("eve"))).json() == {"name": "eve", "role": "viewer"}
    assert (await api.client.get("/api/v1/whoami")).status_code == 401
