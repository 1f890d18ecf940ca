"""ALMA's container image, built from the Dockerfile and run against the real dockerd, without a registry.

The base image is the Debian rootfs that scripts/images made with debootstrap and `docker import`ed; every
Python wheel comes from its wheelhouse, served here over HTTP to the build (WHEELS_URL); builds use the
host's network (for that server) and never pull, runs say `--pull never`. The image is built once per test
session; Docker's layer cache keeps its dependency layer while requirements.lock is unchanged."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

import alma
from tests.e2e.test_packaging_wheel import HAS_UI, assert_serves_the_web_ui, build_web_ui
from tests.e2e.test_serve import free_port

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "alma-test/alma:latest"
NEEDS = ("ALMA_TEST_DOCKER", "ALMA_TEST_BASE_IMAGE", "ALMA_TEST_WHEELHOUSE")
# The classic builder keys a RUN step's cache on the build arguments it sees, WHEELS_URL among them: a port
# that stays the same lets the dependency layer be reused from one session to the next.
WHEELS_PORT = 38431


def docker(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False
    )
    if check:
        assert result.returncode == 0, f"docker {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def wait_until(condition: Callable[[], bool], timeout_s: float, what: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what()}"
        time.sleep(0.2)  # polling a container's state; the condition is what we wait on


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@functools.cache
def build_alma_image() -> str:
    """Build the image once per test session (the compose test uses it too) and return its tag."""
    missing = [name for name in NEEDS if not os.environ.get(name)]
    if missing:
        pytest.skip(f'{", ".join(missing)} not set: run eval "$(scripts/dockerd)" and eval "$(scripts/images)"')
    build_web_ui()  # the web stage takes web/dist as built here: the local base image has no npm
    base = os.environ["ALMA_TEST_BASE_IMAGE"]
    handler = functools.partial(_Quiet, directory=os.environ["ALMA_TEST_WHEELHOUSE"])
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", WHEELS_PORT), handler)
    except OSError:  # taken: any port serves, the dependency layer is then built again
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        wheels = f"WHEELS_URL=http://127.0.0.1:{server.server_port}/"
        arguments = ["--build-arg", f"BASE_IMAGE={base}", "--build-arg", f"WEB_IMAGE={base}", "--build-arg", wheels]
        built = subprocess.run(
            ["docker", "build", "--network", "host", "--pull=false", *arguments, "--tag", IMAGE, str(ROOT)],
            env={**os.environ, "DOCKER_BUILDKIT": "0"},  # Debian's docker.io: the classic builder, no buildx
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-3000:]
    # Earlier builds of the tag are left untagged: remove them (and their layers), keeping the disk bounded.
    docker("image", "prune", "--force", "--filter", "label=org.opencontainers.image.title=alma")
    return IMAGE


class Containers:
    """Names unique to one test; everything made under them is removed at the end."""

    def __init__(self) -> None:
        self.prefix = f"alma-image-{uuid.uuid4().hex[:8]}"
        self.made: list[str] = []
        self.volumes: list[str] = []

    def volume(self, name: str) -> str:
        self.volumes.append(f"{self.prefix}-{name}")
        return self.volumes[-1]

    def start(self, name: str, *args: str) -> str:
        self.made.append(f"{self.prefix}-{name}")
        docker("run", "--detach", "--pull", "never", "--name", self.made[-1], "--health-interval", "1s", *args)
        return self.made[-1]

    def health(self, name: str) -> str:
        state = json.loads(docker("inspect", "--format", "{{json .State}}", name).stdout)
        return str(state["Health"]["Status"]) if state.get("Health") else str(state["Status"])

    def wait_healthy(self, name: str) -> None:
        wait_until(lambda: self.health(name) == "healthy", 120, lambda: f"{name} to be healthy:\n{self.logs(name)}")

    def logs(self, name: str) -> str:
        result = docker("logs", "--tail", "40", name, check=False)
        return result.stdout + result.stderr

    def remove(self) -> None:
        for name in self.made:
            docker("rm", "--force", "--volumes", name, check=False)
        for volume in self.volumes:
            docker("volume", "rm", "--force", volume, check=False)


@pytest.fixture
def image() -> str:
    return build_alma_image()


@pytest.fixture
def containers() -> Iterator[Containers]:
    made = Containers()
    try:
        yield made
    finally:
        made.remove()


def run_once(image: str, *args: str, options: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """A one-off container: `docker run --rm OPTIONS IMAGE ARGS`."""
    return docker("run", "--rm", "--pull", "never", *options, image, *args, check=False)


def test_the_image_runs_alma_as_a_non_root_user_with_its_home_on_a_volume_and_a_health_check(image: str) -> None:
    config = json.loads(docker("image", "inspect", "--format", "{{json .Config}}", image).stdout)
    assert config["User"] == "alma"
    assert "/var/lib/alma" in config["Volumes"]
    assert "ALMA_HOME=/var/lib/alma" in config["Env"]
    assert config["Cmd"] == ["serve"]
    assert config["Healthcheck"]["Test"] == ["CMD", "alma-healthcheck"]
    assert "8000/tcp" in config["ExposedPorts"]
    identity = run_once(image, "sh", "-c", "id -un; id -u")  # a program of the image runs as it is
    assert identity.stdout.split() == ["alma", "10001"]
    assert run_once(image, "--version").stdout == f"alma {alma.__version__}\n"
    shown = run_once(image, "examples", "show", "web-stack")  # anything else is an alma command
    assert shown.returncode == 0 and shown.stdout == (ROOT / "examples" / "web-stack.yaml").read_text()


def test_serve_is_the_default_healthy_on_ready_and_state_outlives_the_container_on_its_volume(
    image: str, containers: Containers
) -> None:
    home, port = containers.volume("home"), free_port()
    first = containers.start("serve", "--publish", f"127.0.0.1:{port}:8000", "--volume", f"{home}:/var/lib/alma", image)
    containers.wait_healthy(first)
    ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=10)
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    if HAS_UI:  # the web UI, from the assets the image's wheel carries
        assert_serves_the_web_ui(f"http://127.0.0.1:{port}")
    deployed = docker(
        "exec", first, "sh", "-c", "alma examples copy /tmp/ex && alma deploy /tmp/ex/web-stack.yaml --yes --json"
    )
    assert json.loads(deployed.stdout[deployed.stdout.index("{") :])["status"] == "succeeded"

    # SIGTERM reaches `alma serve` (the entrypoint execs it): it stops at once and cleanly.
    started = time.monotonic()
    docker("stop", "--time", "30", first)
    assert time.monotonic() - started < 15, "the server did not stop on SIGTERM"
    assert docker("inspect", "--format", "{{.State.ExitCode}}", first).stdout.strip() == "0"

    # A new container on the same volume finds the state (and its migrations already applied).
    listed = run_once(image, "state", "list", "web-stack", "--json", options=("--volume", f"{home}:/var/lib/alma"))
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 6


def test_worker_by_argument_runs_alma_worker_and_is_healthy_on_postgresql(image: str, containers: Containers) -> None:
    refused = run_once(image, "worker")  # on the embedded defaults there is no queue to work on
    assert refused.returncode == 1
    assert "`alma worker` needs ALMA_QUEUE=procrastinate" in refused.stderr

    base = os.environ.get("ALMA_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("ALMA_TEST_POSTGRES_URL is not set; a running worker needs PostgreSQL")
    name = f"alma_image_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        worker = containers.start(
            "worker",
            "--network",
            "host",  # the PostgreSQL on the host's loopback
            "--env",
            f"ALMA_DATABASE_URL={base.rsplit('/', 1)[0]}/{name}",
            "--env",
            "ALMA_QUEUE=procrastinate",
            "--env",
            f"ALMA_WORKER_METRICS_PORT={free_port()}",
            image,
            "worker",
            "--name",
            "image-test",
        )
        containers.wait_healthy(worker)  # its metrics answer: the worker is up and polling the queue
        with psycopg.connect(f"{base.rsplit('/', 1)[0]}/{name}") as conn:
            row = conn.execute("SELECT count(*) FROM procrastinate_workers").fetchone()
        assert row is not None and row[0] == 1
    finally:
        containers.remove()
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_home_the_user_cannot_write_is_refused_at_start_saying_what_to_do(image: str, tmp_path: Path) -> None:
    read_only = tmp_path / "home"
    read_only.mkdir(mode=0o755)  # owned by root: uid 10001 may not write there
    result = run_once(image, options=("--volume", f"{read_only}:/var/lib/alma"))
    assert result.returncode == 1
    assert "ALMA_HOME=/var/lib/alma is not writable by uid 10001" in result.stderr
    assert list(read_only.iterdir()) == []
