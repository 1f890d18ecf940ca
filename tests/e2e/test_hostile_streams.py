"""Live streams of a real ``alma serve`` when the run they follow dies, and under many viewers.

Runs are applied by ``alma deploy`` processes beside the server (same home, one SQLite database), with a
fake latency long enough to be watched: the server only streams. A run killed with SIGKILL leaves its
deployment recorded as running — its streams end, saying "interrupted" and how to continue. A key may hold
``ALMA_API_STREAMS_PER_KEY`` streams; a hundred idle ones cost the server almost no CPU."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from tests.e2e.hostile import Process, clean_env, make_key, serve, wait_until
from tests.helpers import blueprint_text, compute

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

STREAMS = 100
IDLE_CPU_LIMIT = 0.10  # of one core, for a hundred idle streams (the review measured 72%)


class Site:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.env = clean_env(tmp_path / "home", ALMA_API_STREAMS_PER_KEY=str(STREAMS), ALMA_LIVE_POLL_S="0.25")
        self.viewer = make_key(self.env, "viewer", "viewer")
        self.server, self.base = serve(self.env, tmp_path / "serve.log")
        self.runs: list[Process] = []

    def running_deployment(self, stack: str) -> tuple[Process, str]:
        """An ``alma deploy`` of ``stack`` that will take a minute, and its deployment id once it runs."""
        path = self.tmp / f"{stack}.json"
        path.write_text(blueprint_text(stack, [compute("slow")]))
        env = {**self.env, "ALMA_FAKE_LATENCY_MS": "60000"}
        run = Process(["deploy", str(path), "--yes"], env, self.tmp / f"{stack}.log").start()
        self.runs.append(run)
        found: list[str] = []

        def started() -> bool:
            assert run.alive(), run.text()
            answer = httpx.get(f"{self.base}/api/v1/stacks/{stack}/history", headers={"X-API-Key": self.viewer})
            found[:] = [d["deployment_id"] for d in answer.json()] if answer.status_code == 200 else []
            return bool(found)

        wait_until(started, 60, f"a deployment of {stack} to start")
        return run, found[0]

    def close(self) -> None:
        for run in self.runs:
            if run.alive():
                run.kill()
        self.server.stop()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    built = Site(tmp_path)
    try:
        yield built
    finally:
        built.close()


def test_streams_of_a_run_whose_process_died_end_saying_interrupted(site: Site) -> None:
    run, deployment = site.running_deployment("doomed")
    seen: dict[str, list[Any]] = {"sse": [], "ws": []}

    def follow_sse() -> None:
        headers = {"X-API-Key": site.viewer, "Accept": "text/event-stream"}
        url = f"{site.base}/api/v1/deployments/{deployment}/events"
        with httpx.stream("GET", url, headers=headers, timeout=60) as answer:
            seen["sse"].extend(line for line in answer.iter_lines() if line.startswith("event: "))

    def follow_ws() -> None:
        url = site.base.replace("http://", "ws://") + f"/ws/deployments/{deployment}"
        protocols = [Subprotocol("alma"), Subprotocol(f"alma.key.{site.viewer}")]
        with connect(url, subprotocols=protocols, open_timeout=10) as ws:
            seen["ws"].extend(json.loads(message) for message in ws)

    followers = [threading.Thread(target=follow_sse), threading.Thread(target=follow_ws)]
    for follower in followers:
        follower.start()
    wait_until(lambda: bool(seen["sse"]) and bool(seen["ws"]), 30, "both streams to get the first events")
    run.kill()  # SIGKILL mid-apply: the deployment stays "running", its lock's holder is gone
    for follower in followers:
        follower.join(timeout=60)
        assert not follower.is_alive(), "a stream of a dead run never ended"
    assert seen["sse"][-1] == "event: interrupted"
    last = seen["ws"][-1]
    assert last["kind"] == "stream.interrupted" and f"alma resume {deployment}" in last["detail"]


def open_stream(base: str, path: str, key: str) -> tuple[socket.socket, int, dict[str, str]]:
    """An SSE request left open: the socket, the status and headers of its answer."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {key}\r\nAccept: text/event-stream\r\n\r\n"
    sock.sendall(request.encode())
    head = b""
    while b"\r\n\r\n" not in head:
        data = sock.recv(4096)
        assert data, "the server closed the stream before answering"
        head += data
    status_line, *lines = head.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return sock, int(status_line.split()[1]), headers


def test_a_key_holds_a_bounded_number_of_streams_and_idle_ones_cost_no_cpu(site: Site) -> None:
    _run, deployment = site.running_deployment("watched")
    path = f"/api/v1/deployments/{deployment}/events"
    sockets = []
    try:
        for _ in range(STREAMS):
            sock, status, _headers = open_stream(site.base, path, site.viewer)
            sockets.append(sock)
            assert status == 200
        extra, status, headers = open_stream(site.base, path, site.viewer)
        extra.close()
        assert status == 429 and int(headers["retry-after"]) >= 1
        # Idle: the run makes no progress for a minute. What do a hundred watchers cost?
        before, cpu_before = time.monotonic(), site.server.cpu_s()
        wait_until(lambda: time.monotonic() - before >= 5, 10, "five seconds of idle streams")
        share = (site.server.cpu_s() - cpu_before) / (time.monotonic() - before)
        assert share < IDLE_CPU_LIMIT, f"{STREAMS} idle streams took {share:.0%} of a CPU"
        # A stream that ends gives its slot back.
        sockets.pop().close()

        def accepted() -> bool:
            sock, status, _headers = open_stream(site.base, path, site.viewer)
            if status == 200:
                sockets.append(sock)
                return True
            sock.close()
            return False

        wait_until(accepted, 15, "a freed slot to take a new stream")
    finally:
        for sock in sockets:
            sock.close()
