"""Rate limits and idempotency of a real ``alma serve`` under abuse and crashes: one allowance per key
however it is spelt, wrong keys limited per address in bounded memory, ``Retry-After`` on every 429, and an
``Idempotency-Key`` whose request died with its server (SIGKILL) usable again once its lease ran out."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.hostile import clean_env, make_key, raw_request, serve, wait_until
from tests.helpers import blueprint_text, compute

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_one_allowance_per_key_wrong_keys_per_address_and_bounded_memory(tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home", ALMA_API_RATE_LIMIT_PER_MINUTE="5", ALMA_API_FAILED_AUTH_PER_MINUTE="5")
    key = make_key(env, "limited", "viewer")
    server, base = serve(env, tmp_path / "serve.log")
    try:
        spellings = [
            {"X-API-Key": key},
            {"Authorization": f"Bearer {key}"},
            {"Authorization": f"bEaRer     {key}"},
            {"X-API-Key": f"  {key}  "},
            {"Authorization": f"BEARER {key}"},
            {"Authorization": f"bearer {key}"},
        ]
        codes = [raw_request(base, "GET", "/api/v1/stacks", h).status for h in spellings]
        assert codes == [200] * 5 + [429]
        refused = raw_request(base, "GET", "/api/v1/stacks", {"X-API-Key": key})
        assert refused.status == 429 and int(refused.headers["retry-after"]) >= 1
        # 300 guesses, each a distinct 60 KB key: five are looked up, the rest refused by address.
        server.reset_peak()
        before = server.rss_mb()
        answers = [
            raw_request(base, "GET", "/api/v1/stacks", {"X-API-Key": uuid.uuid4().hex * 1875}).status
            for _ in range(300)
        ]
        assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}
        # Claiming another address does not help: no proxy is trusted, so X-Forwarded-For is not believed.
        forged = raw_request(base, "GET", "/api/v1/stacks", {"X-API-Key": "guess", "X-Forwarded-For": "10.9.8.7"})
        assert forged.status == 429
        growth = server.rss_mb() - before
        assert growth < 5, f"300 guesses left {growth:.1f} MB behind"
        assert server.peak_mb() - before < 40
    finally:
        server.stop()


def test_an_idempotency_key_whose_server_was_killed_mid_request_is_usable_again(tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home", ALMA_API_IDEMPOTENCY_LEASE_S="2", ALMA_FAKE_LATENCY_MS="60000")
    key = make_key(env, "ops", "operator")
    headers = {"X-API-Key": key}
    server, base = serve(env, tmp_path / "first.log")
    try:
        plan = httpx.post(
            f"{base}/api/v1/plans", content=blueprint_text("slow", [compute("a")]), headers=headers, timeout=30
        ).json()
        url = f"{base}/api/v1/plans/{plan['plan_id']}/apply"
        retry_headers = {**headers, "Idempotency-Key": "apply-slow-1"}

        def apply() -> None:
            with contextlib.suppress(httpx.TransportError):  # the server is killed under it: that is the point
                httpx.post(url, headers=retry_headers, timeout=120)

        threading.Thread(target=apply, daemon=True).start()

        def claimed() -> bool:
            with sqlite3.connect(tmp_path / "home" / "alma.db") as db:
                return bool(db.execute("SELECT count(*) FROM idempotency_keys").fetchone()[0])

        wait_until(claimed, 30, "the request to claim its idempotency key")
        server.kill()  # SIGKILL: the claim is never finished nor released
    finally:
        server.stop()
    server, base = serve({**env, "ALMA_FAKE_LATENCY_MS": "0"}, tmp_path / "second.log")
    try:
        url = url.replace(url.split("/api/")[0], base)
        deadline = time.monotonic() + 30
        while True:  # a retrying client, as the 409's Retry-After asks
            answer = httpx.post(url, headers=retry_headers, timeout=120)
            if answer.status_code != 409 or answer.json()["title"] != "Request in progress":
                break
            assert time.monotonic() < deadline, "the dead request's claim never expired"
            time.sleep(float(answer.headers["retry-after"]) / 4)
        # The retry ran: the apply use case answered it (the stack's lock was the dead server's: today the run
        # takes it over and finishes), and that answer is now the key's, replayed to the next retry.
        assert "idempotent-replay" not in answer.headers
        assert answer.status_code in (200, 409), answer.text  # run (taking the dead lock over) or refused, said
        again = httpx.post(url, headers=retry_headers, timeout=60)
        assert again.headers["idempotent-replay"] == "true" and again.json() == answer.json()
    finally:
        server.stop()
