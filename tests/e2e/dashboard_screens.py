"""What the dashboard tests share: a world made with the real `alma` command (a stack, a drifted resource,
a deployment killed mid-apply so it stays running, an open IPR), the dashboard driven by Textual's pilot
at 80×24, and snapshots of its screens compared as text.

A snapshot is the screen as Textual renders it (``export_screenshot``'s own path, read as text), with what
changes from run to run made constant at the same width: hex ids, clock times, a server's port, a lock
holder's host and pid. ``ALMA_UPDATE_SNAPSHOTS=1`` rewrites the snapshots and the SVG screenshots in
docs/dashboard/ instead of comparing.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from tests.e2e.test_cli import Alma
from tests.helpers import blueprint_text, compute

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots" / "dashboard"
SCREENSHOTS = ROOT / "docs" / "dashboard"
UPDATE = os.environ.get("ALMA_UPDATE_SNAPSHOTS") == "1"
SIZE = (80, 24)
SHOP = blueprint_text(
    "shop", [compute("net", cores=1), compute("db", ["net"], cores=2), compute("web", ["db"], cores=1)]
)
LAB = blueprint_text("lab", [compute("a"), compute("b", ["a"]), compute("c", ["b"])])
# Engines that cannot be reached say so the same way on every machine.
# (Docker over TCP to the discard port: a failed unix-socket connect leaks the Docker SDK's socket.)
ENGINE_ENV = {"ALMA_DOCKER_HOST": "tcp://127.0.0.1:9", "ALMA_KUBECONFIG": "/nonexistent/kubeconfig"}


def build_world(home: Path, files: Path) -> Alma:
    """shop deployed, then its web removed behind ALMA's back; lab killed mid-apply (a made, b being made);
    IPR #1 by alice: destroy shop."""
    alma = Alma(home, **ENGINE_ENV)
    files.mkdir(parents=True, exist_ok=True)
    (files / "shop.json").write_text(SHOP)
    (files / "lab.json").write_text(LAB)
    assert alma("deploy", str(files / "shop.json"), "--yes").returncode == 0
    _kill_mid_apply(alma, files / "lab.json")
    with sqlite3.connect(home / "alma.db") as conn:
        conn.execute("DELETE FROM engine_kv WHERE namespace = 'fake' AND key = 'shop/web'")
    made = alma("ipr", "create", "--destroy", "shop", "--title", "Retire the shop", ALMA_USER="alice")
    assert made.returncode == 0, made.stderr
    return alma


BATCH = blueprint_text("batch", [compute(f"job-{n}") for n in range(4)])


async def start_slow_deploy(alma: Alma, blueprint: Path) -> asyncio.subprocess.Process:
    """`alma deploy` of ``blueprint`` (``BATCH``), one resource at a time, 700 ms each: a deployment to watch."""
    return await asyncio.create_subprocess_exec(
        *alma.command("deploy", str(blueprint), "--yes"),
        env={**alma.env, "ALMA_FAKE_LATENCY_MS": "700", "ALMA_PARALLELISM": "1"},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        stdin=asyncio.subprocess.DEVNULL,
    )


def _kill_mid_apply(alma: Alma, blueprint: Path) -> None:
    said = blueprint.with_suffix(".log")
    with said.open("w") as log:
        slow = subprocess.Popen(
            alma.command("deploy", str(blueprint), "--yes"),
            env={**alma.env, "ALMA_FAKE_LATENCY_MS": "3000"},  # room to kill it while b is being made
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    database = alma.home / "alma.db"
    deadline = time.monotonic() + 60
    try:
        while not _seen(database, "resource.creating", "b"):
            assert slow.poll() is None, f"the deploy finished before it could be killed:\n{said.read_text()}"
            assert time.monotonic() < deadline, "timed out waiting for b to start"
            time.sleep(0.01)  # polling another process's progress; the condition is what we wait on
    finally:
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=30)
    done = _seen(database, "resource.created", "a"), _seen(database, "resource.created", "b")
    assert done == (True, False), f"killed too late or too early (a, b created: {done}):\n{said.read_text()}"


def _seen(database: Path, kind: str, resource: str) -> bool:
    if not database.exists():
        return False
    with sqlite3.connect(database, timeout=30) as conn:  # a killed writer's journal is recovered first
        try:
            query = "SELECT count(*) FROM events WHERE kind = ? AND resource = ?"
            return bool(conn.execute(query, (kind, resource)).fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return False  # not migrated yet
            raise


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout_s: float = 15.0) -> None:
    """Let the app run until ``condition`` holds; fail naming ``what`` when it does not in time."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


async def settled(pilot: Pilot[None], app: App[None], ready: Callable[[], bool] | None = None) -> None:
    """No worker busy (and ``ready``, when given), no notification on screen: a screen worth comparing."""

    def busy() -> list[str]:
        return [f"{w.group}:{w.name}" for w in app.workers if w.is_running and w.group != "follow"]

    await until(pilot, lambda: not busy(), f"workers to finish ({', '.join(busy())})")
    if ready is not None:
        await until(pilot, ready, "the screen to show its data")
    app.clear_notifications()
    await until(pilot, lambda: not app.screen.query("Toast"), "notifications to go")
    await pilot.pause(0.1)


def screen_text(app: App[None]) -> str:
    """The screen as ``App.export_screenshot`` renders it, as plain text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def normalized(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if "acting as" in line:  # the header: a server's port changes from run to run
            line = " ".join(re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", line).split())
        line = re.sub(r"(\S+ )?\(pid \d+\).*$", "<holder>", line)  # host and pid; the rest of the line follows
        line = re.sub(r"[0-9a-f]{8,}", lambda m: "x" * len(m.group()), line)
        line = re.sub(r"\d\d-\d\d \d\d:\d\d:\d\d", "MM-DD hh:mm:ss", line)
        line = re.sub(r"\d\d:\d\d:\d\d", "hh:mm:ss", line)
        lines.append(line.rstrip())
    return "\n".join(lines).rstrip() + "\n"


async def snapshot(app: App[None], name: str) -> None:
    """Compare the screen with snapshots/dashboard/NAME.txt (or rewrite it, and docs/dashboard/NAME.svg)."""
    text = normalized(screen_text(app))
    expected = SNAPSHOTS / f"{name}.txt"
    if UPDATE:
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        expected.write_text(text)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        svg = app.export_screenshot(title=f"alma dashboard — {name}")
        (SCREENSHOTS / f"{name}.svg").write_text(svg)
        return
    assert expected.exists(), f"no snapshot {expected}: run with ALMA_UPDATE_SNAPSHOTS=1 and review it"
    assert text == expected.read_text(), f"the {name} screen changed:\n{text}"
