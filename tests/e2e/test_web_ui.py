"""The web UI (web/) through its own tools, so that ``scripts/test`` (and ``.ci/run``) runs them: the
generated API client checked against the OpenAPI document this checkout's API publishes, the component
tests (Vitest), a fresh build (type-checked), and the browser tests in Debian's Chromium against a live
``alma serve`` (fake engine, SQLite, four keys made with ``alma keys create``; see web/e2e/).

Screenshots of every page (1280 and 390 px) stay in web/test-results/screenshots. ``scripts/setup``
installs the npm dependencies (``scripts/web-build``) and ``scripts/test`` installs Chromium when missing;
a machine without them fails here saying which, rather than skipping the UI's tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a build and a browser suite: about two to three minutes

WEB = Path(__file__).parents[2] / "web"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _environment() -> dict[str, str]:
    bin_dir = Path(sys.executable).parent
    # The UI's scripts use this interpreter (generation) and this install's `alma` (the live server).
    return {**os.environ, "ALMA_PYTHON": sys.executable, "ALMA_BIN": str(bin_dir / "alma"), "CI": "1"}


def _run(*command: str, timeout: float) -> subprocess.CompletedProcess[str]:
    if shutil.which("npm") is None:
        pytest.fail("npm is not installed: the web UI needs Node 20.19+ and npm (then scripts/setup)")
    if not (WEB / "node_modules" / ".bin").is_dir():
        pytest.fail("web/node_modules is missing: run scripts/setup (it runs `npm ci` in web/)")
    return subprocess.run(
        list(command), cwd=WEB, env=_environment(), capture_output=True, text=True, timeout=timeout, check=False
    )


def _said(run: subprocess.CompletedProcess[str]) -> str:
    return f"exit {run.returncode}\n--- stdout\n{run.stdout[-6000:]}\n--- stderr\n{run.stderr[-4000:]}"


def test_the_generated_api_client_matches_the_openapi_document_the_api_publishes() -> None:
    run = _run("node", "scripts/generate-api.mjs", "--check", timeout=120)
    assert run.returncode == 0, _said(run)


def test_the_web_component_tests_pass() -> None:
    run = _run("npx", "vitest", "run", timeout=300)
    assert run.returncode == 0, _said(run)


@pytest.mark.timeout(900)
def test_the_built_ui_passes_its_browser_tests_against_a_live_alma_serve() -> None:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: scripts/test installs Debian's chromium (apt-get install chromium)")
    build = _run("npm", "run", "build", timeout=300)  # the suite runs the UI as built from these sources
    assert build.returncode == 0, _said(build)
    shutil.rmtree(WEB / "test-results" / "screenshots", ignore_errors=True)  # only this run's may count
    run = _run("npx", "playwright", "test", "--project=e2e", timeout=840)
    assert run.returncode == 0, _said(run)
    screenshots = sorted(p.name for p in (WEB / "test-results" / "screenshots").glob("*.png"))
    for page in ("chat", "stacks", "stack", "plan", "ipr", "iprs", "deployment", "deployments", "engines", "events"):
        assert {f"{page}-1280.png", f"{page}-390.png"} <= set(screenshots), screenshots
