"""The compose stack (compose.yaml) as an operator runs it, with Debian's docker-compose against images made
here: ALMA's image (test_image.py builds it) and PostgreSQL and Redis from Debian's packages on the same
local base (scripts/images). No registry is used.

Up: PostgreSQL and Redis healthy, then two `alma serve` replicas and two `alma worker`s, all of which ran
the migrations at start on one empty database (so they waited on each other's lock) and are healthy.
A key made with `alma keys create` in one replica; a plan submitted on replica 1 is queued (202) and run by
a worker, while replica 2 streams the deployment's events as they happen: with live polling set to a
minute, events that reach it in time came through Redis. Down removes the containers and the volumes."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from alma.store.database import alembic_config
from tests.e2e.test_image import build_alma_image, docker, wait_until
from tests.e2e.test_serve import free_port
from tests.helpers import blueprint_text, compute

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("postgres", "redis", "api-1", "api-2", "worker-1", "worker-2")
ALMA_SERVICES = ("api-1", "api-2", "worker-1", "worker-2")
PSQL = ("psql", "--username=alma", "--dbname=alma", "--tuples-only", "--no-align", "--command")
# Test settings over compose.yaml's: polling for live events once a minute (so Redis must carry them), a
# fake engine slow enough for the stream on the other replica to open while the apply runs, and the
# image's health check probed every second instead of every ten (Docker keeps the image's command).
OVERRIDE = {
    "services": {
        name: {
            "environment": {"ALMA_LIVE_POLL_S": "60", "ALMA_FAKE_LATENCY_MS": "300"},
            "healthcheck": {"interval": "1s"},
        }
        for name in ALMA_SERVICES
    }
}


class Stack:
    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.project = f"almatest{uuid.uuid4().hex[:8]}"
        override = tmp_path / "compose.test.yaml"
        override.write_text(json.dumps(OVERRIDE), encoding="utf-8")  # JSON is YAML
        self.files = ["-f", str(ROOT / "compose.yaml"), "-f", str(override)]
        self.env = env

    def __call__(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["docker-compose", "--project-name", self.project, *self.files, *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if check:
            assert result.returncode == 0, (
                f"docker-compose {' '.join(args)}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
            )
        return result

    def container(self, service: str) -> str:
        return self("ps", "--quiet", service).stdout.strip()

    def health(self, service: str) -> str:
        state = json.loads(docker("inspect", "--format", "{{json .State}}", self.container(service)).stdout)
        return str(state["Health"]["Status"]) if state.get("Health") else str(state["Status"])

    def logs(self) -> str:
        return self("logs", "--no-color", "--tail", "30", check=False).stdout[-8000:]


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[Stack, dict[str, str]]]:
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is missing: scripts/images installs Debian's")
    missing = [n for n in ("ALMA_TEST_POSTGRES_IMAGE", "ALMA_TEST_REDIS_IMAGE") if not os.environ.get(n)]
    if missing:
        pytest.skip(f'{", ".join(missing)} not set: run eval "$(scripts/images)"')
    image = build_alma_image()
    ports = {"api-1": free_port(), "api-2": free_port()}
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_") or k.startswith("ALMA_TEST_")}
    env.update(
        ALMA_IMAGE=image,
        ALMA_POSTGRES_IMAGE=os.environ["ALMA_TEST_POSTGRES_IMAGE"],
        ALMA_REDIS_IMAGE=os.environ["ALMA_TEST_REDIS_IMAGE"],
        ALMA_POSTGRES_PASSWORD=secrets.token_hex(12),
        ALMA_API_1_PORT=str(ports["api-1"]),
        ALMA_API_2_PORT=str(ports["api-2"]),
    )
    compose = Stack(tmp_path, env)
    try:
        yield compose, {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    finally:
        compose("down", "--volumes", "--remove-orphans", "--timeout", "20", check=False)


def test_the_compose_stack_comes_up_migrated_and_a_queued_apply_on_one_replica_streams_on_the_other(
    stack: tuple[Stack, dict[str, str]],
) -> None:
    compose, urls = stack
    compose("up", "--detach", "--no-build")
    wait_until(
        lambda: all(compose.health(s) == "healthy" for s in SERVICES),
        240,
        lambda: f"every service healthy: {[(s, compose.health(s)) for s in SERVICES]}\n{compose.logs()}",
    )

    # Migrated: four processes raced to migrate one empty database, one at a time, to the newest revision.
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    revision = compose("exec", "-T", "postgres", *PSQL, "SELECT version_num FROM alembic_version")
    assert revision.stdout.split() == [head]

    made = compose("exec", "-T", "api-1", "alma", "keys", "create", "--role", "admin", "--name", "compose-smoke")
    headers = {"X-API-Key": made.stdout.strip().splitlines()[-1]}

    resources = [compute("db"), compute("app-1", deps=["db"]), compute("app-2", deps=["db"]), compute("lb")]
    plan = httpx.post(
        f"{urls['api-1']}/api/v1/plans", content=blueprint_text("shop", resources), headers=headers, timeout=60
    )
    assert plan.status_code == 201, plan.text
    submitted = httpx.post(f"{urls['api-1']}/api/v1/plans/{plan.json()['plan_id']}/apply", headers=headers, timeout=60)
    assert submitted.status_code == 202, submitted.text  # queued for a worker, not run by the replica
    deployment = submitted.json()["deployment_id"]

    started = time.monotonic()
    events = _stream(f"{urls['api-2']}/api/v1/deployments/{deployment}/events", headers)
    assert time.monotonic() - started < 50, "the events came by polling (once a minute), not through Redis"
    kinds = [e["kind"] for e in events]
    assert kinds[-1] == "deployment.succeeded", kinds
    assert sorted(e["resource"] for e in events if e["kind"] == "resource.created") == ["app-1", "app-2", "db", "lb"]
    ids = [e["id"] for e in events]
    assert ids == sorted(set(ids)), "events out of order or repeated"

    state = httpx.get(f"{urls['api-2']}/api/v1/stacks/shop/state", headers=headers, timeout=30)
    assert state.status_code == 200 and len(state.json()) == 4
    job = compose(
        "exec", "-T", "postgres", *PSQL, "SELECT status FROM procrastinate_jobs WHERE task_name = 'alma.apply_plan'"
    )
    assert job.stdout.split() == ["succeeded"]  # a worker took the job from the queue and finished it

    compose("down", "--volumes", "--remove-orphans", "--timeout", "20")
    left = docker("ps", "--all", "--quiet", "--filter", f"label=com.docker.compose.project={compose.project}")
    assert left.stdout.strip() == ""
    volumes = docker("volume", "ls", "--quiet", "--filter", f"label=com.docker.compose.project={compose.project}")
    assert volumes.stdout.strip() == ""


def _stream(url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The deployment's events over SSE, until its last one (the stream ends when the deployment does)."""
    events: list[dict[str, Any]] = []
    with httpx.stream("GET", url, headers={**headers, "Accept": "text/event-stream"}, timeout=50) as answer:
        assert answer.status_code == 200, answer.read()
        for line in answer.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
    return events
