"""The wheel and the sdist as a user gets them: `python -m build` of the checkout, then the wheel installed
into a brand-new virtual environment outside the checkout, where `alma` hands out its examples, deploys
one and serves `/ready`.

The new environment installs the wheel's dependencies from the wheelhouse that scripts/images fills
(ALMA_TEST_WHEELHOUSE: offline, quick), or else from the package index, pinned by requirements.lock."""

from __future__ import annotations

import configparser
import functools
import json
import os
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import alma
from tests.e2e.test_serve import free_port

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
VERSION = alma.__version__
SHIPPED = sorted(p.name for p in (ROOT / "examples").iterdir() if p.suffix in (".yaml", ".yml", ".json"))
# The web UI (web/, once there is one) is built into web/dist, which the wheel carries as alma/web_assets.
HAS_UI = (ROOT / "web" / "package.json").is_file()
WEB_INDEX = ROOT / "web" / "dist" / "index.html"


@functools.cache
def build_web_ui() -> None:
    """scripts/build-web: the UI's build when the checkout has a UI (quick when it is up to date)."""
    built = subprocess.run(
        [str(ROOT / "scripts" / "build-web")], capture_output=True, text=True, timeout=600, check=False
    )
    assert built.returncode == 0, f"the web UI does not build:\n{built.stdout[-3000:]}\n{built.stderr[-5000:]}"
    assert WEB_INDEX.is_file() == HAS_UI


def one(paths: Iterator[Path]) -> Path:
    found = list(paths)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    build_web_ui()
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    return one(out.glob("alma-*.whl")), one(out.glob("alma-*.tar.gz"))


def test_the_wheel_carries_the_examples_migrations_and_the_entry_points_of_pyproject(
    distributions: tuple[Path, Path],
) -> None:
    wheel, _ = distributions
    assert wheel.name == f"alma-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        dist_info = f"alma-{VERSION}.dist-info"
        metadata = archive.read(f"{dist_info}/METADATA").decode()
        entry_points = configparser.ConfigParser()
        entry_points.read_string(archive.read(f"{dist_info}/entry_points.txt").decode())
        for name in SHIPPED:
            assert archive.read(f"alma/examples/{name}") == (ROOT / "examples" / name).read_bytes()
    assert f"Version: {VERSION}" in metadata.splitlines()
    assert {"alma/py.typed", "alma/store/migrations/env.py", "alma/store/migrations/script.py.mako"} <= names
    assert any(n.startswith("alma/store/migrations/versions/") for n in names)
    assert ("alma/web_assets/index.html" in names) == HAS_UI

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert dict(entry_points["console_scripts"]) == project["scripts"] == {"alma": "alma.cli.main:run"}
    assert dict(entry_points["alma.engines"]) == project["entry-points"]["alma.engines"]


def test_the_sdist_carries_the_examples_as_files_so_a_wheel_built_from_it_has_them(
    distributions: tuple[Path, Path],
) -> None:
    _, sdist = distributions
    assert sdist.name == f"alma-{VERSION}.tar.gz"
    with tarfile.open(sdist) as archive:
        for name in SHIPPED:
            member = archive.getmember(f"alma-{VERSION}/src/alma/examples/{name}")
            assert member.isfile(), f"{name} is a {member.type!r} in the sdist, not a file"
            extracted = archive.extractfile(member)
            assert extracted is not None and extracted.read() == (ROOT / "examples" / name).read_bytes()


def _environment(venv: Path, home: Path) -> dict[str, str]:
    """A user's shell with the new environment active: nothing of the checkout or of ALMA_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv), ALMA_HOME=str(home))
    return env


def test_the_wheel_installed_in_a_new_environment_deploys_a_shipped_example_and_serves_ready(
    distributions: tuple[Path, Path], tmp_path: Path
) -> None:
    wheel, _ = distributions
    venv, work = tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    wheelhouse = os.environ.get("ALMA_TEST_WHEELHOUSE")
    source = ["--no-index", "--find-links", wheelhouse] if wheelhouse else ["-c", str(ROOT / "requirements.lock")]
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-compile",
        "--disable-pip-version-check",
    ]
    env = _environment(venv, tmp_path / "home")
    installed = subprocess.run(
        [*pip, *source, str(wheel)],
        env=env,  # nothing of the checkout on sys.path: pip must not take it for an installed alma
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-4000:]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["alma", *args], env=env, cwd=work, capture_output=True, text=True, timeout=120, check=False
        )
        assert "Traceback" not in result.stderr, result.stderr
        return result

    where = subprocess.run(
        ["python", "-c", "import alma; print(alma.__file__)"], env=env, cwd=work, capture_output=True, text=True
    )
    assert where.stdout.startswith(str(venv)), f"alma was imported from {where.stdout}, not the new environment"
    assert run("--version").stdout == f"alma {VERSION}\n"

    assert run("examples", "copy", "examples").returncode == 0
    assert sorted(p.name for p in (work / "examples").iterdir()) == SHIPPED
    deployed = run("deploy", "examples/web-stack.yaml", "--yes", "--json")
    assert deployed.returncode == 0, deployed.stderr
    assert json.loads(deployed.stdout)["status"] == "succeeded"
    assert len(json.loads(run("state", "list", "web-stack", "--json").stdout)) == 6
    again = json.loads(run("deploy", "examples/web-stack.yaml", "--yes", "--json").stdout)
    assert again["status"] == "succeeded" and again["summary"]["noop"] == 6  # the same call twice: nothing to do

    port = free_port()
    server = subprocess.Popen(
        ["alma", "serve", "--port", str(port)],
        env=env,
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        ready = _wait_ready(base, server)
        assert ready["status"] == "ready" and ready["database"] == "ok"
        if HAS_UI:  # the web UI, served from the wheel's assets
            assert_serves_the_web_ui(base)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert b"Traceback" not in stderr, stderr.decode(errors="replace")[-3000:]


def assert_serves_the_web_ui(base: str) -> None:
    """A browser's page load of ``/`` gets the UI's index.html, and its scripts are served as built."""
    page = httpx.get(f"{base}/", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and page.text == WEB_INDEX.read_text(encoding="utf-8")
    script = next((WEB_INDEX.parent / "assets").glob("*.js"))
    asset = httpx.get(f"{base}/assets/{script.name}", timeout=10)
    assert asset.status_code == 200 and asset.content == script.read_bytes()


def _wait_ready(base: str, server: subprocess.Popen[bytes]) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while True:
        try:
            answer = httpx.get(f"{base}/ready", timeout=2)
            if answer.status_code == 200:
                body: dict[str, object] = answer.json()
                return body
        except httpx.TransportError:
            pass
        assert server.poll() is None, "alma serve exited"
        assert time.monotonic() < deadline, "alma serve did not become ready in 60 s"
        time.sleep(0.1)  # polling another process's readiness; the condition is what we wait on
