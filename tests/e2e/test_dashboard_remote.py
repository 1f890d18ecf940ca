"""`alma dashboard --url`: the same app over a real `alma serve` on loopback, through its public HTTP API.
The key's holder acts (the header says who, with the key's role); a live deployment comes over SSE; an
approver's approval counts, a viewer's is refused by the server and changes nothing; a server that cannot
be reached, a bad URL or a missing key are said plainly."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from textual.css.query import NoMatches
from textual.widgets import DataTable

from alma.cli.dashboard.app import DashboardApp
from alma.cli.dashboard.remote import RemoteSource
from alma.cli.dashboard.reviews import IprScreen
from alma.errors import InvalidInputError, UpstreamError
from tests.e2e.dashboard_screens import SIZE, build_world, settled, snapshot, until
from tests.e2e.test_cli import Alma
from tests.e2e.test_serve import free_port

pytestmark = pytest.mark.timeout(300)


class Served:
    def __init__(self, url: str, keys: dict[str, str]) -> None:
        self.url = url
        self.keys = keys


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("remote")
    alma = build_world(root / "home", root / "files")
    keys = {}
    for name, role in (("bob", "approver"), ("eve", "viewer")):
        made = alma("keys", "create", "--role", role, "--name", name)
        assert made.returncode == 0, made.stderr
        keys[name] = made.stdout.strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        alma.command("serve", "--port", str(port)),
        env=alma.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _answers(url):
            assert server.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.05)  # polling the server's readiness; the condition is what we wait on
        yield Served(url, keys)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def rows(app: DashboardApp, table: str) -> list[list[str]]:
    try:
        found = app.home.query_one(f"#{table}", DataTable)
    except NoMatches:
        return []
    return [[str(cell) for cell in found.get_row_at(n)] for n in range(found.row_count)]


async def test_the_remote_dashboard_shows_the_servers_stacks_and_follows_a_deployment_over_sse(served: Served) -> None:
    source = RemoteSource(served.url, served.keys["eve"])
    app = DashboardApp(source, refresh_s=3600)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot, app, lambda: bool(rows(app, "stack-table")) and bool(rows(app, "resource-table")))
            assert app.sub_title == f"acting as eve (viewer) · {served.url}"
            assert [r[0] for r in rows(app, "stack-table")] == ["lab", "shop"]
            await snapshot(app, "remote")
            await pilot.press("2")
            await until(pilot, lambda: bool(app.home.followed), "lab's running deployment")
            (live,) = app.home.followed.values()
            # Over SSE: what lab did (a), then the server's word that nothing runs it any more.
            await until(pilot, lambda: live.outcome == "interrupted", "the stream to say lab was interrupted")
            assert len(live.finished) == 1
            await pilot.press("1", "down", "d")
            await until(pilot, lambda: app.home.drift_report is not None, "shop's drift over HTTP")
            assert app.home.drift_report is not None
            assert [(r.resource, r.drift) for r in app.home.drift_report.differences()] == [("web", "missing")]
    finally:
        await source.aclose()


async def test_a_viewer_cannot_approve_but_an_approver_can(served: Served) -> None:
    viewer = RemoteSource(served.url, served.keys["eve"])
    app = DashboardApp(viewer, refresh_s=3600)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot, app, lambda: bool(rows(app, "stack-table")))
            await pilot.press("3")
            await until(pilot, lambda: bool(rows(app, "ipr-table")), "the IPR queue")
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, IprScreen) and app.screen.detail is not None, "IPR #1")
            await pilot.press("a")
            await until(pilot, lambda: any(n.severity == "error" for n in app._notifications), "the refusal")
            (refusal,) = [n for n in app._notifications if n.severity == "error"]
            assert "403" in refusal.message
        assert (await viewer.ipr(1)).ipr.status == "open"
    finally:
        await viewer.aclose()

    approver = RemoteSource(served.url, served.keys["bob"])
    app = DashboardApp(approver, refresh_s=3600)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot, app, lambda: bool(rows(app, "stack-table")))
            app.push_screen(IprScreen(approver, 1))
            await until(pilot, lambda: isinstance(app.screen, IprScreen) and app.screen.detail is not None, "IPR #1")
            screen = app.screen
            assert isinstance(screen, IprScreen)
            await pilot.press("a")
            await until(pilot, lambda: screen.detail is not None and screen.detail.ipr.status == "approved", "approval")
            assert screen.detail is not None
            assert any("bob: approve" in review for review in screen.detail.reviews)
    finally:
        await approver.aclose()


async def test_a_server_that_cannot_be_reached_is_said_once(tmp_path: Path) -> None:
    source = RemoteSource(f"http://127.0.0.1:{free_port()}", "alma_nobody")
    app = DashboardApp(source, refresh_s=0.2)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.home.rounds == 0 and len(app._notifications) >= 1, "the failure")
            await pilot.pause(1.0)  # several refreshes fail meanwhile: still one notification
            errors = [n for n in app._notifications if n.severity == "error"]
            assert len(errors) == 1 and "cannot reach ALMA" in errors[0].message
            assert "cannot reach ALMA" in app.sub_title
    finally:
        await source.aclose()
    with pytest.raises(UpstreamError, match="cannot reach ALMA"):
        await RemoteSource(f"http://127.0.0.1:{free_port()}", "k").stacks()


def test_a_bad_url_or_a_missing_key_is_refused_before_anything_starts() -> None:
    with pytest.raises(InvalidInputError, match="not an http"):
        RemoteSource("127.0.0.1:8000", "k")
    with pytest.raises(InvalidInputError, match="needs an API key"):
        RemoteSource("http://127.0.0.1:8000", "")


def test_the_command_refuses_a_bad_url_or_no_key_with_exit_1(tmp_path: Path) -> None:
    alma = Alma(tmp_path / "home")
    refused = alma("dashboard", "--url", "ftp://x", "--key", "k")
    assert refused.returncode == 1 and "is not an http(s) URL" in refused.stderr
    keyless = alma("dashboard", "--url", "http://127.0.0.1:8000")
    assert keyless.returncode == 1 and "needs an API key" in keyless.stderr
