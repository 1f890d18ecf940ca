"""`alma dashboard` over the local store, driven by Textual's pilot at 80×24: a snapshot of each screen
(stacks, drift, live deployments, the IPR queue, an IPR's plan diff, engines, events), the approve and
request-changes flows with the acting user's rights, and the command itself (Textual is imported by no
other command, and a dashboard without a terminal says what to run instead)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.css.query import NoMatches
from textual.widgets import DataTable, ProgressBar

from alma.cli.dashboard.app import DashboardApp
from alma.cli.dashboard.local import LocalSource
from alma.cli.dashboard.reviews import IprScreen
from alma.settings import Settings
from tests.e2e.dashboard_screens import (
    BATCH,
    ENGINE_ENV,
    SIZE,
    build_world,
    settled,
    snapshot,
    start_slow_deploy,
    until,
)
from tests.e2e.test_cli import Alma

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Alma, Path]:
    root = tmp_path_factory.mktemp("dashboard")
    home = root / "home"
    return build_world(home, root / "files"), home


def settings_of(home: Path, user: str) -> Settings:
    return Settings(
        home=home,
        user=user,
        docker_host=ENGINE_ENV["ALMA_DOCKER_HOST"],
        kubeconfig=Path(ENGINE_ENV["ALMA_KUBECONFIG"]),
        approval_actions=[],
        approval_environments=[],
    )


@pytest.fixture
async def source(world: tuple[Alma, Path]) -> AsyncIterator[LocalSource]:
    opened = await LocalSource.open(settings_of(world[1], "bob"))
    try:
        yield opened
    finally:
        await opened.aclose()


def rows(app: DashboardApp, table: str) -> list[list[str]]:
    """A table's rows as text (none while the tabs are not on screen yet)."""
    try:
        found = app.home.query_one(f"#{table}", DataTable)
    except NoMatches:
        return []
    return [[str(cell) for cell in found.get_row_at(n)] for n in range(found.row_count)]


async def test_each_screen_reads_at_80_by_24(world: tuple[Alma, Path], source: LocalSource) -> None:
    app = DashboardApp(source, refresh_s=3600)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot, app, lambda: bool(rows(app, "stack-table")) and bool(rows(app, "engine-table")))
        assert [r[0] for r in rows(app, "stack-table")] == ["lab", "shop"]
        await snapshot(app, "stacks")

        await pilot.press("down")  # shop
        await settled(pilot, app, lambda: app.home.stack == "shop" and len(rows(app, "resource-table")) == 3)
        await pilot.press("d")
        await settled(pilot, app, lambda: app.home.drift_report is not None)
        assert [(r[0], r[4]) for r in rows(app, "resource-table")] == [
            ("db", "in sync"),
            ("net", "in sync"),
            ("web", "missing"),
        ]
        await snapshot(app, "drift")

        await pilot.press("up", "2")  # lab: killed while b was being made, so still running
        await settled(pilot, app, lambda: app.home.stack == "lab" and bool(app.home.followed))
        (live,) = app.home.followed.values()
        # Its process was killed: the stream replays what it did (a), then says nothing runs it any more.
        await until(pilot, lambda: live.outcome == "interrupted", "lab's deployment to be found interrupted")
        assert (live.deployment.stack, live.deployment.changes, len(live.finished)) == ("lab", 3, 1)
        await snapshot(app, "deployments")

        await pilot.press("3")
        await settled(pilot, app)
        assert rows(app, "ipr-table") == [["1", "shop", "open", "alice", "Retire the shop"]]
        await snapshot(app, "iprs")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, IprScreen) and app.screen.detail is not None, "the IPR")
        await settled(pilot, app)
        await snapshot(app, "ipr")
        await pilot.press("escape")

        await pilot.press("4")
        await settled(pilot, app)
        assert [(r[0], r[1]) for r in rows(app, "engine-table")] == [
            ("docker", "unavailable"),
            ("fake", "ok"),
            ("kubernetes", "unavailable"),
            ("proxmox", "unavailable"),
        ]
        await snapshot(app, "engines")

        await pilot.press("5")
        await settled(pilot, app)
        assert rows(app, "event-table")[0][1] == "resource.creating"  # lab's last word: creating b
        await snapshot(app, "events")


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    written = tmp_path / "batch.json"
    written.write_text(BATCH)
    return written


async def test_a_running_deployment_moves_its_progress_bar_to_the_end(tmp_path: Path, batch: Path) -> None:
    alma = Alma(tmp_path / "home", **ENGINE_ENV)
    source = await LocalSource.open(settings_of(alma.home, "bob"))
    app = DashboardApp(source, refresh_s=0.2)
    deploying = await start_slow_deploy(alma, batch)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("2")
            await until(pilot, lambda: bool(app.home.followed), "the deployment to show up", timeout_s=60)
            (live,) = app.home.followed.values()
            seen: set[int] = set()

            def done() -> bool:
                seen.add(len(live.finished))
                return live.outcome is not None

            await until(pilot, done, "the deployment to finish", timeout_s=60)
            assert (live.outcome, live.deployment.changes, len(live.finished), live.failed) == ("succeeded", 4, 4, 0)
            assert live.query_one(ProgressBar).progress == 4
            assert len(seen) > 1  # it moved while we watched
    finally:
        assert await deploying.wait() == 0
        await source.aclose()


@pytest.fixture
def review_world(tmp_path: Path) -> Path:
    """shop deployed and IPR #1 by alice to destroy it; nothing else."""
    home = tmp_path / "home"
    alma = Alma(home, **ENGINE_ENV)
    blueprint = tmp_path / "shop.json"
    from tests.e2e.dashboard_screens import SHOP

    blueprint.write_text(SHOP)
    assert alma("deploy", str(blueprint), "--yes").returncode == 0
    assert alma("ipr", "create", "--destroy", "shop", "--title", "Retire the shop", ALMA_USER="alice").returncode == 0
    return home


async def test_a_reviewer_approves_an_ipr_from_its_plan_diff(review_world: Path) -> None:
    source = await LocalSource.open(settings_of(review_world, "bob"))
    app = DashboardApp(source, refresh_s=3600)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot, app, lambda: bool(rows(app, "stack-table")))
            await pilot.press("3")
            await until(pilot, lambda: bool(rows(app, "ipr-table")), "the IPR queue")
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, IprScreen) and app.screen.detail is not None, "the IPR")
            screen = app.screen
            assert isinstance(screen, IprScreen) and screen.detail is not None
            assert "destroy stack 'shop'" in screen.detail.plan_text
            await pilot.press("a")
            await until(pilot, lambda: screen.detail is not None and screen.detail.ipr.status == "approved", "approval")
            assert screen.detail.approvals == 1
            assert any("bob: approve" in review for review in screen.detail.reviews)
            await pilot.press("escape", "r")
            await until(pilot, lambda: rows(app, "ipr-table")[0][2] == "approved", "the queue to show it approved")
    finally:
        await source.aclose()
    again = await LocalSource.open(settings_of(review_world, "carol"))  # another look at the store
    try:
        assert (await again.ipr(1)).ipr.status == "approved"
    finally:
        await again.aclose()


async def test_the_author_cannot_approve_their_own_ipr_and_nothing_changes(review_world: Path) -> None:
    source = await LocalSource.open(settings_of(review_world, "alice"))
    app = DashboardApp(source, refresh_s=3600)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot, app, lambda: bool(rows(app, "stack-table")))
            app.push_screen(IprScreen(source, 1))
            await until(pilot, lambda: isinstance(app.screen, IprScreen) and app.screen.detail is not None, "the IPR")
            screen = app.screen
            assert isinstance(screen, IprScreen)
            await pilot.press("a")
            await until(pilot, lambda: any(n.severity == "error" for n in app._notifications), "the refusal")
            (refusal,) = [n for n in app._notifications if n.severity == "error"]
            assert "alice" in refusal.message and "approve" in refusal.message
            assert screen.detail is not None and screen.detail.ipr.status == "open"
        assert (await source.ipr(1)).ipr.status == "open"
    finally:
        await source.aclose()


async def test_a_reviewer_requests_changes_with_a_comment_or_cancels(review_world: Path) -> None:
    source = await LocalSource.open(settings_of(review_world, "bob"))
    app = DashboardApp(source, refresh_s=3600)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot, app, lambda: bool(rows(app, "stack-table")))
            app.push_screen(IprScreen(source, 1))
            await until(pilot, lambda: isinstance(app.screen, IprScreen) and app.screen.detail is not None, "the IPR")
            screen = app.screen
            assert isinstance(screen, IprScreen)
            await pilot.press("c", "n", "o", "escape")  # cancelled: nothing sent
            await until(pilot, lambda: app.screen is screen, "the comment box to close")
            assert (await source.ipr(1)).ipr.status == "open"
            await pilot.press("c")
            await pilot.press(*"keep the db")
            await pilot.press("enter")
            await until(
                pilot,
                lambda: screen.detail is not None and screen.detail.ipr.status == "changes_requested",
                "the request for changes",
            )
            assert screen.detail is not None
            assert any("keep the db" in review for review in screen.detail.reviews)
    finally:
        await source.aclose()


def test_no_other_command_imports_textual(tmp_path: Path) -> None:
    probe = "import sys; from alma.cli.main import app; assert 'textual' not in sys.modules; print('clean')"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.strip() == "clean", done.stderr
    alma = Alma(tmp_path / "home")
    helped = alma("dashboard", "--help")
    assert helped.returncode == 0 and "--url" in helped.stdout


def test_without_a_terminal_the_dashboard_says_what_to_run_instead(tmp_path: Path) -> None:
    refused = Alma(tmp_path / "home")("dashboard")
    assert refused.returncode == 1
    assert "run it in a terminal" in refused.stderr and "--json" in refused.stderr
