"""``Idempotency-Key`` on POSTs, on SQLite and PostgreSQL: a retry gets the first answer, a key reused with
another body is refused, a claim left by a server that died expires (its lease) so the retry proceeds, and
only authenticated requests are ever recorded."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from alma.services.idempotency import Claimed, IdempotencyService
from tests.conftest import make_settings
from tests.helpers import blueprint_text, compute
from tests.unit.api.harness import Api, serving

V1 = blueprint_text("web", [compute("a")])
V2 = blueprint_text("web", [compute("b")])
WAIT_S = 15


@pytest.fixture
async def api(tmp_path: Path, database_url: str) -> AsyncIterator[Api]:
    settings = make_settings(tmp_path, database_url, api_idempotency_lease_s=0.5)
    async for built in serving(settings, [("ops", "operator"), ("alice", "operator")], Api):
        yield built


def stored_rows(database_url: str) -> int:
    """The idempotency table's rows, read with a connection of the test's own."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.text("SELECT count(*) FROM idempotency_keys")) or 0)
    finally:
        engine.dispose()


async def test_a_retry_with_any_spelling_of_the_key_gets_the_first_answer(api: Api) -> None:
    first = await api.client.post("/api/v1/plans", content=V1, headers={**api.as_("ops"), "Idempotency-Key": "k1"})
    bearer = {"Authorization": f"bearer   {api.keys['ops']}", "Idempotency-Key": "k1"}
    again = await api.client.post("/api/v1/plans", content=V1, headers=bearer)
    assert first.status_code == again.status_code == 201
    assert again.json()["plan_id"] == first.json()["plan_id"]
    assert again.headers["idempotent-replay"] == "true"


async def test_the_same_key_with_a_different_body_is_refused_and_runs_nothing(api: Api) -> None:
    headers = {**api.as_("ops"), "Idempotency-Key": "k2"}
    first = await api.client.post("/api/v1/plans", content=V1, headers=headers)
    other = await api.client.post("/api/v1/plans", content=V2, headers=headers)
    assert other.status_code == 422
    assert "different body" in other.json()["detail"]
    # The key still answers for its own body.
    assert (await api.client.post("/api/v1/plans", content=V1, headers=headers)).json() == first.json()


async def test_a_claim_left_by_a_dead_server_expires_and_the_retry_proceeds(api: Api) -> None:
    # What kill -9 mid-request leaves behind: a claim that nobody will finish.
    service: IdempotencyService = api.services.idempotency
    key_id = hashlib.sha256(api.keys["ops"].encode()).hexdigest()
    scope = service.scope(key_id, "POST", "/api/v1/plans", "k3")
    assert isinstance(await service.begin(scope, service.body_hash(V1.encode())), Claimed)
    headers = {**api.as_("ops"), "Idempotency-Key": "k3"}
    busy = await api.client.post("/api/v1/plans", content=V1, headers=headers)
    assert busy.status_code == 409 and int(busy.headers["retry-after"]) >= 1
    deadline = time.monotonic() + WAIT_S
    while True:  # the lease is 0.5 s: wait for the claim to expire, retrying as a client would
        retry = await api.client.post("/api/v1/plans", content=V1, headers=headers)
        if retry.status_code != 409:
            break
        assert time.monotonic() < deadline, "the dead claim never expired"
        await asyncio.sleep(0.05)
    assert retry.status_code == 201 and "idempotent-replay" not in retry.headers
    replay = await api.client.post("/api/v1/plans", content=V1, headers=headers)
    assert replay.json()["plan_id"] == retry.json()["plan_id"]


async def test_a_long_request_keeps_its_claim_past_the_lease(tmp_path: Path, database_url: str) -> None:
    # A slow apply (fake latency) outlives several leases: the claim is renewed, so a retry is told to
    # wait instead of running the apply a second time.
    settings = make_settings(tmp_path, database_url, api_idempotency_lease_s=0.3, fake_latency_ms=2500)
    async for api in serving(settings, [("ops", "operator")], Api):
        plan = (await api.client.post("/api/v1/plans", content=V1, headers=api.as_("ops"))).json()
        headers = {**api.as_("ops"), "Idempotency-Key": "apply-1"}
        url = f"/api/v1/plans/{plan['plan_id']}/apply"
        first = asyncio.create_task(api.client.post(url, headers=headers))
        started = time.monotonic()
        while stored_rows(database_url) == 0:  # the first request has claimed the key before any retry
            assert time.monotonic() - started < WAIT_S, "the first request never claimed its key"
            await asyncio.sleep(0.01)
        retries: list[int] = []
        while not first.done() and time.monotonic() - started < WAIT_S:
            retries.append((await api.client.post(url, headers=headers)).status_code)
            await asyncio.sleep(0.2)  # a client's retry interval; what is waited on is the first answer
        applied = await first
        assert applied.status_code == 200 and applied.json()["outcome"] == "succeeded"
        assert retries and set(retries) == {409}
        replay = await api.client.post(url, headers=headers)
        assert replay.json()["run_id"] == applied.json()["run_id"]


async def test_concurrent_requests_with_one_key_run_once(api: Api) -> None:
    headers = {**api.as_("ops"), "Idempotency-Key": "k4"}
    answers = await asyncio.gather(*(api.client.post("/api/v1/plans", content=V1, headers=headers) for _ in range(6)))
    assert {a.status_code for a in answers} <= {201, 409}
    assert len({a.json()["plan_id"] for a in answers if a.status_code == 201}) == 1


async def test_requests_that_fail_authentication_record_nothing(api: Api, database_url: str) -> None:
    for headers in ({"X-API-Key": "made-up-key-1"}, {}, {"Authorization": "Bearer nope"}):
        answer = await api.client.post("/api/v1/plans", content=V1, headers={**headers, "Idempotency-Key": "k5"})
        assert answer.status_code == 401
    assert stored_rows(database_url) == 0


async def test_a_key_is_scoped_to_its_api_key(api: Api) -> None:
    ops = await api.client.post("/api/v1/plans", content=V1, headers={**api.as_("ops"), "Idempotency-Key": "k6"})
    alice = await api.client.post("/api/v1/plans", content=V2, headers={**api.as_("alice"), "Idempotency-Key": "k6"})
    assert ops.status_code == alice.status_code == 201
    assert alice.json()["plan_id"] != ops.json()["plan_id"]


async def test_an_unprintable_idempotency_key_is_refused(api: Api) -> None:
    answer = await api.client.post(
        "/api/v1/plans", content=V1, headers={**api.as_("ops"), "Idempotency-Key": "x" * 300}
    )
    assert answer.status_code == 400


async def test_finished_answers_are_forgotten_after_the_retention_and_running_claims_never(
    tmp_path: Path, database_url: str
) -> None:
    from alma.bootstrap import build
    from alma.services.idempotency import InProgress, Replay

    services = await build(make_settings(tmp_path, database_url))
    try:
        kept = IdempotencyService(services._store, lease_s=60, retention_s=3600, prune_every_s=0)
        await kept.begin("scope-a", "body")
        await kept.finish("scope-a", 201, "{}", "application/json")
        assert isinstance(await kept.begin("scope-a", "body"), Replay)  # well within its retention
        await kept.begin("scope-running", "body")  # claimed, never finished

        forgetful = IdempotencyService(services._store, lease_s=60, retention_s=0.0, prune_every_s=0)
        assert isinstance(await forgetful.begin("scope-a", "body"), Claimed)  # its answer was pruned: a new key
        assert isinstance(await forgetful.begin("scope-running", "body"), InProgress)  # a running claim stays
        assert stored_rows(database_url) == 2
    finally:
        await services.aclose()
