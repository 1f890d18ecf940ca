"""Scale-out as an operator runs it: two `alma serve` replicas and two `alma worker` processes on one
PostgreSQL database (the job queue is procrastinate in it) and one Redis (live-event fan-out).

A job submitted to replica A is run by a worker; a WebSocket client on replica B sees every event of it;
the worker running it is killed (SIGKILL) mid-apply and the other worker finishes the same deployment,
with nothing done twice. Live polling is set to 60 s, so events that reach replica B in time were
fanned out through Redis, not found by polling."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import redis
from websockets.sync.client import connect

from tests.e2e.test_serve import free_port
from tests.helpers import blueprint_text, compute

PG_ENV, REDIS_ENV = "ALMA_TEST_POSTGRES_URL", "ALMA_TEST_REDIS_URL"
KEY = "scale-out-admin-key"
RESOURCES = 8


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)  # polling another process's state; the condition is what we wait on


@pytest.fixture
def database() -> Iterator[str]:
    """A database of its own: the queue's tables and the workers' rows start empty."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set; the scale-out test needs PostgreSQL")
    name = f"alma_scale_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set; the scale-out test needs Redis")
    redis.Redis.from_url(url).ping()  # asked for and unreachable: a failure, not a skip
    return url


class Cluster:
    def __init__(self, tmp_path: Path, env: dict[str, str], stack: ExitStack) -> None:
        self._tmp = tmp_path
        self._env = env
        self._stack = stack
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        log = (self._tmp / f"{name}.log").open("wb")
        self._stack.callback(log.close)
        process = subprocess.Popen(
            [sys.executable, "-m", "alma", *args],
            env={**self._env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.processes[name] = process
        self._stack.callback(_stop, process)
        return process

    def log(self, name: str) -> str:
        return (self._tmp / f"{name}.log").read_text(errors="replace")[-4000:]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _serving(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_two_replicas_and_two_workers_finish_a_deployment_whose_worker_was_killed(
    tmp_path: Path, database: str, redis_url: str
) -> None:
    channel = f"alma:test:{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env.update(
        ALMA_HOME=str(tmp_path / "home"),
        ALMA_DATABASE_URL=database,
        ALMA_QUEUE="procrastinate",
        ALMA_REDIS_URL=redis_url,
        ALMA_REDIS_CHANNEL=channel,
        ALMA_LIVE_POLL_S="60",
        ALMA_API_KEY=KEY,
        ALMA_APPROVAL_ACTIONS="",
        ALMA_FAKE_LATENCY_MS="400",
        ALMA_PARALLELISM="1",
        ALMA_WORKER_HEARTBEAT_S="0.5",
        ALMA_WORKER_STALLED_S="2",
        ALMA_DRIFT_CHECK_CRON="* * * * * */1",  # every second, so the test sees one
    )
    headers = {"X-API-Key": KEY}
    fanned_out: list[dict[str, Any]] = []
    listener = redis.Redis.from_url(redis_url).pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
    listener.subscribe(channel)

    with ExitStack() as stack:
        stack.callback(listener.close)
        cluster = Cluster(tmp_path, env, stack)
        ports = {"api-a": free_port(), "api-b": free_port()}
        worker_metrics = free_port()
        for name, port in ports.items():
            cluster.start(name, "serve", "--port", str(port))
        for name in ("api-a", "api-b"):
            base = f"http://127.0.0.1:{ports[name]}"
            wait_until(lambda base=base: _serving(base), 60, f"{name} to serve:\n{cluster.log(name)}")  # type: ignore[misc]
        cluster.start("worker-1", "worker", "--concurrency", "1", "--name", "worker-1")
        cluster.start(
            "worker-2", "worker", "--concurrency", "1", "--name", "worker-2", "--metrics-port", str(worker_metrics)
        )
        a, b = (f"http://127.0.0.1:{ports[n]}" for n in ("api-a", "api-b"))

        # Plan and submit on replica A: 202, a deployment id, before anything ran.
        resources = [compute(f"web-{i}") for i in range(RESOURCES)]
        plan = httpx.post(f"{a}/api/v1/plans", content=blueprint_text("shop", resources), headers=headers, timeout=30)
        assert plan.status_code == 201, plan.text
        submitted = httpx.post(f"{a}/api/v1/plans/{plan.json()['plan_id']}/apply", headers=headers, timeout=30)
        assert submitted.status_code == 202, submitted.text
        deployment_id = submitted.json()["deployment_id"]
        assert submitted.json()["job_id"] > 0

        # Follow it over WebSocket on replica B.
        received: list[dict[str, Any]] = []
        closed = threading.Event()

        def follow() -> None:
            try:
                url = f"ws://127.0.0.1:{ports['api-b']}/ws/deployments/{deployment_id}"
                with connect(url, additional_headers={"X-API-Key": KEY}) as ws:
                    for message in ws:
                        received.append(json.loads(message))
            finally:
                closed.set()

        threading.Thread(target=follow, daemon=True).start()

        def created() -> int:
            return sum(1 for e in received if e.get("kind") == "resource.created")

        wait_until(lambda: created() >= 2, 60, f"two resources created; got {received}")

        # Kill the worker that holds the stack's lock (it names its pid), mid-apply.
        with psycopg.connect(database) as conn:
            row = conn.execute("SELECT holder FROM locks WHERE stack = 'shop'").fetchone()
        assert row is not None, "nobody holds the stack's lock"
        by_pid = {str(p.pid): name for name, p in cluster.processes.items()}
        victim = by_pid[str(row[0]).rsplit("(pid ", 1)[1].rstrip(")")]
        assert victim.startswith("worker-"), f"{row[0]} holds the lock"
        cluster.processes[victim].send_signal(signal.SIGKILL)
        cluster.processes[victim].wait(timeout=10)
        assert created() < RESOURCES, "the apply finished before the worker was killed: make it slower"

        # The other worker takes the stalled job over and finishes the same deployment.
        survivor = "worker-2" if victim == "worker-1" else "worker-1"
        assert closed.wait(90), f"the stream did not end; {survivor}:\n{cluster.log(survivor)}"
        kinds = [e.get("kind") for e in received]
        assert kinds[-1] == "deployment.succeeded", received[-3:]
        assert "deployment.resumed" in kinds
        ids = [e["id"] for e in received]
        assert ids == sorted(set(ids)), "events out of order or repeated"
        made = [e["resource"] for e in received if e.get("kind") == "resource.created"]
        adopted = {e["resource"] for e in received if e.get("kind") == "resource.adopted"}
        assert len(made) == len(set(made)), f"a resource was created twice: {made}"
        assert set(made) | adopted == {r["name"] for r in resources}  # what the dead worker did is adopted

        shown = httpx.get(f"{b}/api/v1/deployments/{deployment_id}", headers=headers, timeout=10).json()
        assert shown["status"] == "succeeded"
        state = httpx.get(f"{b}/api/v1/stacks/shop/state", headers=headers, timeout=10).json()
        assert len(state) == RESOURCES

        # The news travelled through Redis, naming this deployment.
        def heard() -> bool:
            message = listener.get_message(timeout=0.1)
            if message is not None:
                fanned_out.append(json.loads(message["data"]))
            return any(deployment_id in m["deployments"] for m in fanned_out)

        wait_until(heard, 10, "a fan-out message naming the deployment")

        # Domain metrics: the queue's depth from a replica; the surviving worker's own resource operations.
        scraped = httpx.get(f"{b}/metrics", headers={"X-API-Key": KEY}, timeout=10).text
        assert 'alma_queue_jobs{status="succeeded"}' in scraped
        if survivor == "worker-2":
            worker_scrape = httpx.get(f"http://127.0.0.1:{worker_metrics}/metrics", timeout=10).text
            assert 'alma_resource_operations_total{action="create",engine="fake",outcome="succeeded"}' in worker_scrape

        # Periodic drift checks: remove one resource behind ALMA's back; a worker records the drift.
        with psycopg.connect(database, autocommit=True) as conn:
            removed = conn.execute(
                "DELETE FROM engine_kv WHERE namespace = 'fake' AND key LIKE %s", ("%web-3%",)
            ).rowcount
            assert removed == 1

            def drift_recorded() -> bool:
                found = conn.execute(
                    "SELECT data FROM events WHERE stack = 'shop' AND kind = 'drift.detected'"
                ).fetchall()
                return any("web-3" in json.dumps(row[0]) for row in found)

            wait_until(drift_recorded, 30, f"a drift.detected event:\n{cluster.log(survivor)}")
