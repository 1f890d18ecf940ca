"""A real ``alma serve`` on loopback under hostile input, over real sockets: bodies that would exhaust memory,
GraphQL queries that would freeze it, secrets that would leak into its log, its answers or its database,
and the small refusals that used to be a plain-text 500 or the wrong status.

The server runs with an admin key, keys made by ``alma keys create``, and a Proxmox endpoint that quotes
back the credential it was sent (what a misconfigured proxy does): its token must never show anywhere."""

from __future__ import annotations

import json
import stat
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from tests.e2e.hostile import (
    EchoingProxmox,
    Process,
    alma,
    body_of,
    clean_env,
    make_key,
    raw_request,
    serve,
    stored_bytes,
)
from tests.helpers import blueprint_text, compute

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ADMIN = "hostile-admin-" + uuid.uuid4().hex
PVE_SECRET = str(uuid.uuid4())
PVE_TOKEN = f"root@pam!alma={PVE_SECRET}"
MB = 1024 * 1024
PROXMOX_BLUEPRINT = blueprint_text(
    "lab", [{"type": "compute", "name": "ct", "provider": "proxmox", "specs": {"kind": "lxc", "template": "alpine"}}]
)


@dataclass
class Site:
    home: Path
    env: dict[str, str]
    server: Process
    base: str
    operator: str
    viewer: str
    proxmox: EchoingProxmox

    def as_(self, key: str) -> dict[str, str]:
        return {"X-API-Key": key}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with EchoingProxmox() as proxmox:
        env = clean_env(
            tmp_path / "home",
            ALMA_API_KEY=ADMIN,
            ALMA_PROXMOX_URL=proxmox.url,
            ALMA_PROXMOX_ALLOW_HTTP="true",
            ALMA_PROXMOX_TOKEN=PVE_TOKEN,
            ALMA_RETRY_ATTEMPTS="1",
        )
        operator = make_key(env, "ci-operator", "operator")
        viewer = make_key(env, "ci-viewer", "viewer")
        server, base = serve(env, tmp_path / "serve.log")
        try:
            yield Site(tmp_path / "home", env, server, base, operator, viewer, proxmox)
        finally:
            server.stop()


def test_hostile_bodies_are_refused_before_they_cost_the_server_memory(site: Site) -> None:
    # Warm up what an ordinary request loads, then measure the peak from here on.
    assert httpx.post(f"{site.base}/api/v1/validate", content="x: 1", headers=site.as_(site.operator)).is_success
    site.server.reset_peak()
    before = site.server.rss_mb()
    json_type = {"Content-Type": "application/json"}
    cases = [
        # (path, headers, chunked, size, status)
        ("/api/v1/conversation/intent", json_type, True, 150 * MB, 401),
        ("/api/v1/iprs/1/reviews", json_type, True, 64 * MB, 401),
        ("/api/v1/plans", {"X-API-Key": "alma_made_up", "Idempotency-Key": "k1"}, True, 64 * MB, 401),
        ("/api/v1/validate", site.as_(site.operator), True, 64 * MB, 413),
        ("/api/v1/plans", {**site.as_(site.operator), "Content-Length": str(64 * MB)}, False, 64 * MB, 413),
        ("/api/v1/plans", {**site.as_(site.operator), "Idempotency-Key": "k2"}, True, 64 * MB, 413),
        ("/graphql", {**site.as_(site.viewer), **json_type}, True, 64 * MB, 413),
    ]
    for path, headers, chunked, size, status in cases:
        answer = raw_request(site.base, "POST", path, headers, body_of(size), chunked=chunked)
        assert answer.status == status, (path, answer.status, answer.body[:300])
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.sent < size  # the server stopped taking the body
    growth = site.server.peak_mb() - before
    assert growth < 40, f"the server's peak RSS grew by {growth:.1f} MB"
    assert httpx.get(f"{site.base}/health", timeout=5).status_code == 200


def test_hostile_graphql_is_refused_at_once_and_health_stays_quick(site: Site) -> None:
    for stack in ("a", "b", "c"):  # something for the allowed query to read
        plan = httpx.post(
            f"{site.base}/api/v1/plans",
            content=blueprint_text(stack, [compute("x"), compute("y")]),
            headers=site.as_(site.operator),
            timeout=30,
        ).json()
        httpx.post(f"{site.base}/api/v1/plans/{plan['plan_id']}/apply", headers=site.as_(site.operator), timeout=60)
    latencies: list[float] = []
    done = threading.Event()

    def watch_health() -> None:
        with httpx.Client(base_url=site.base, timeout=10) as client:
            while not done.is_set():
                started = time.monotonic()
                client.get("/health")
                latencies.append(time.monotonic() - started)

    watcher = threading.Thread(target=watch_health)
    watcher.start()
    queries = [
        ("{ stacks { name " + "@include(if: true) " * 20_000 + "} }", 400),  # 320 KB of directives
        (
            "{ "
            + " ".join(f"a{i}: stacks {{ resources {{ name }} deployments {{ id }} }}" for i in range(1000))
            + " }",
            400,
        ),
        ("{ " + " ".join(f"a{i}: stacks {{ name }}" for i in range(200)) + " }", 400),
        ("{" * 5000 + "}" * 5000, 400),
        ('{ events(stack: "a", limit: -1) { id } }', 200),  # an error in the answer, not the events
        (
            "{ " + " ".join(f"a{i}: stacks {{ resources {{ name }} deployments {{ id }} }}" for i in range(10)) + " }",
            200,
        ),
    ]
    try:
        with httpx.Client(base_url=site.base, headers=site.as_(site.viewer), timeout=30) as client:
            for query, status in queries:
                started = time.monotonic()
                answer = client.post("/graphql", json={"query": query})
                assert answer.status_code == status, answer.text[:300]
                assert time.monotonic() - started < 2.0
                if status == 200 and "limit: -1" in query:
                    assert "between 1 and 1000" in answer.json()["errors"][0]["message"]
    finally:
        done.set()
        watcher.join(timeout=30)
    assert latencies and max(latencies) < 1.0, f"/health took up to {max(latencies):.2f} s"


def test_no_key_or_secret_reaches_a_log_line_an_answer_or_the_database(site: Site) -> None:
    guessed = "alma_" + uuid.uuid4().hex + uuid.uuid4().hex[:11]  # shaped like a key, but nobody's
    op = site.as_(site.operator)
    plan = httpx.post(f"{site.base}/api/v1/plans", content=blueprint_text("web", [compute("a")]), headers=op).json()
    run = httpx.post(f"{site.base}/api/v1/plans/{plan['plan_id']}/apply", headers=op, timeout=60).json()
    ws = site.base.replace("http://", "ws://") + f"/ws/deployments/{run['run_id']}"
    # A browser's way, without the key in the URL: the subprotocol convention (answered "alma").
    protocols = [Subprotocol("alma"), Subprotocol(f"alma.key.{site.viewer}")]
    with connect(ws, subprotocols=protocols, open_timeout=10) as socket:
        assert socket.subprotocol == "alma"
        kinds = [json.loads(message)["kind"] for message in socket]
    assert "deployment.started" in kinds
    with connect(ws, additional_headers={"X-API-Key": site.viewer}, open_timeout=10) as socket:  # a header: fine
        assert json.loads(socket.recv(timeout=10))["kind"] == "deployment.started"
    # In the URL, the key is what every proxy logs: refused (even a valid one), saying how to send it instead.
    with pytest.raises(InvalidStatus) as in_url:
        connect(f"{ws}?token={site.viewer}", open_timeout=10)
    refused = in_url.value.response
    assert refused.status_code == 400 and b"send subprotocols 'alma' + 'alma.key.KEY'" in refused.body
    answers = [
        httpx.get(f"{site.base}/api/v1/stacks?token={site.operator}"),
        httpx.get(f"{site.base}/api/v1/stacks", headers={"X-API-Key": guessed}),
        httpx.get(f"{site.base}/api/v1/stacks", headers={"Authorization": f"Bearer {ADMIN}x"}),
        httpx.get(f"{site.base}/ready"),
        httpx.get(f"{site.base}/ready", headers=op),
        httpx.get(f"{site.base}/api/v1/engines", headers=op),
        httpx.post(f"{site.base}/api/v1/plans", content=PROXMOX_BLUEPRINT, headers=op, timeout=30),
        httpx.post(f"{site.base}/api/v1/validate", content=PROXMOX_BLUEPRINT, headers=op, timeout=30),
        httpx.post(f"{site.base}/graphql", json={"query": "{ stacks { name } }"}, headers={"X-API-Key": ADMIN}),
    ]
    assert [a.status_code for a in answers] == [401, 401, 401, 200, 200, 200, 502, 200, 200]
    assert any(PVE_SECRET in seen for seen in site.proxmox.seen)  # the token was sent, and echoed back
    anonymous_ready, keyed_ready = answers[3].json(), answers[4].json()
    assert all(set(e) == {"name", "ok"} for e in anonymous_ready["engines"])
    proxmox = next(e for e in keyed_ready["engines"] if e["name"] == "proxmox")
    assert proxmox["ok"] is False and "PVEAPIToken=***" in proxmox["detail"]
    assert "PVEAPIToken=***" in answers[6].json()["detail"]
    site.server.stop()  # everything it will write is written
    secrets = [ADMIN, site.operator, site.viewer, guessed, PVE_SECRET, PVE_TOKEN]
    log = site.server.text()
    assert '"route": "/ws/deployments/{deployment_id}"' in log  # the log has the requests, just no keys
    for text in [log, *(a.text for a in answers)]:
        for secret in secrets:
            assert secret not in text
    stored = stored_bytes(site.home)
    for secret in secrets:
        assert secret.encode() not in stored


def test_small_refusals_are_problem_json_with_the_right_status(site: Site) -> None:
    op = site.as_(site.operator)
    plan = httpx.post(f"{site.base}/api/v1/plans", content=blueprint_text("small", [compute("a")]), headers=op).json()
    run = httpx.post(f"{site.base}/api/v1/plans/{plan['plan_id']}/apply", headers=op, timeout=60).json()
    resumed = httpx.get(
        f"{site.base}/api/v1/deployments/{run['run_id']}/events",
        headers={**op, "Accept": "text/event-stream", "Last-Event-ID": "9" * 5000},
        timeout=30,
    )
    assert resumed.status_code == 200 and "event: deployment.started" in resumed.text  # read from the start
    not_json = httpx.post(f"{site.base}/graphql", content=b"{nope", headers={**op, "Content-Type": "application/json"})
    assert not_json.status_code == 400 and not_json.headers["content-type"] == "application/problem+json"
    unauthorized = httpx.get(f"{site.base}/api/v1/stacks")
    assert unauthorized.status_code == 401 and unauthorized.headers["www-authenticate"] == 'Bearer realm="alma"'
    malformed = httpx.post(f"{site.base}/api/v1/iprs", content=b"{oops", headers={"Content-Type": "application/json"})
    assert malformed.status_code == 401
    ws = site.base.replace("http://", "ws://") + f"/ws/deployments/{run['run_id']}"
    for protocols in ([], [Subprotocol("alma"), Subprotocol("alma.key.wrong")]):
        with pytest.raises(InvalidStatus) as refused:
            connect(ws, subprotocols=protocols or None, open_timeout=10)
        assert refused.value.response.status_code == 401
    assert stat.S_IMODE(site.home.stat().st_mode) == 0o700
    assert stat.S_IMODE((site.home / "alma.db").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("ALMA_API_KEY", "a", "at least 16 characters"),
        ("ALMA_API_CORS_ORIGINS", "*", "any web page"),
        ("ALMA_PROXMOX_URL", "http://pve.example:8006", "travel in clear"),
    ],
)
def test_the_server_refuses_to_start_with_a_weakening_setting(
    tmp_path: Path, setting: str, value: str, says: str
) -> None:
    refused = alma(clean_env(tmp_path / "home", **{setting: value}), "serve", "--port", "1")
    assert refused.returncode == 1
    assert setting in refused.stderr and says in refused.stderr
