"""`alma serve` as an operator runs it: a key from `alma keys create` (its last line), a live server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from tests.helpers import blueprint_text, compute


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_live_server_accepts_the_key_that_keys_create_printed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env.update(ALMA_HOME=str(tmp_path / "home"), ALMA_USER="ops", ALMA_APPROVAL_ACTIONS="")
    alma = [sys.executable, "-m", "alma"]
    created = subprocess.run(
        [*alma, "keys", "create", "--role", "operator", "--name", "ci"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("alma_")
    port = free_port()
    server = subprocess.Popen(
        [*alma, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:  # wait until the server answers
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.05)  # polling the server's readiness; the condition is what we wait on
        assert httpx.get(f"{base}/api/v1/stacks", timeout=10).status_code == 401
        plan = httpx.post(
            f"{base}/api/v1/plans",
            content=blueprint_text("live", [compute("a")]),
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
        assert plan.status_code == 201
        assert plan.json()["summary"]["create"] == 1
        run = httpx.post(
            f"{base}/api/v1/plans/{plan.json()['plan_id']}/apply", headers={"X-API-Key": key}, timeout=60
        ).json()
        assert run["outcome"] == "succeeded"
        # The same transitions, live over a WebSocket (a browser passes its key as a subprotocol).
        url = f"ws://127.0.0.1:{port}/ws/deployments/{run['run_id']}"
        protocols = [Subprotocol("alma"), Subprotocol(f"alma.key.{key}")]
        with connect(url, subprotocols=protocols, open_timeout=10) as socket:
            kinds = [json.loads(message)["kind"] for message in socket]
        assert kinds[0] == "deployment.started"
        assert kinds.count("resource.created") == 1
        assert kinds[-1] in ("deployment.succeeded", "deployment.verified", "lock.released")
    finally:
        server.terminate()
        server.wait(timeout=30)
    subprocess.run([*alma, "keys", "revoke", "ci"], env=env, check=True, capture_output=True, timeout=60)
