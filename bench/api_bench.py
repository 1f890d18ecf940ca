"""API benchmark: a real `alma serve` (uvicorn) on an embedded SQLite home, its idle memory, and its answers
under load from a lean load generator beside it (``bench/loadgen.py``).

    python bench/api_bench.py                          # 5000 health checks, 1000 blueprint saves (~15 s)
    python bench/api_bench.py --health 200 --posts 50  # quicker
    python bench/api_bench.py --json                   # the figures as one JSON line (for scripts and tests)

Figures (issue 6):
- idle RSS (VmRSS from /proc) of the server after start-up and one /health, target ≤ 80 MB: on a restart
  (the home already migrated, as a server usually starts) and on the first start of an empty home (which
  also runs the migrations, so holds Alembic too).
- req/s, p50, p99 and errors at concurrency 32 for GET /health and for authenticated POST /api/v1/blueprints
  (each a distinct small valid blueprint: a new version of one of 16 stacks, so saves race for version
  numbers); an error is any answer but the expected status, or no answer. Measured after a warm-up of one
  request per worker (a server's first requests also load what answering them needs); the warm-up's own
  figures are printed too, as "first requests after start".
- every acknowledged save (201) read back through GET /api/v1/blueprints/{id}, byte for byte: acknowledged
  and read back must be equal.
- the load generator's own ceiling: req/s against a server (its own process) that does nothing. Client and
  server share the machine's CPUs; a figure well below the ceiling is the server's, not the client's.
The key is an admin key from `alma keys create`, as an operator makes one. The per-key rate limit is raised
for the run: one key sending thousands of requests a second would measure the limiter, not the server.
Targets (issue 17): /health ≥ 2,000 req/s; POST /api/v1/blueprints p99 ≤ 250 ms with 0 errors; idle RSS
≤ 80 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import Phase, ceiling, run

RSS_TARGET_MB = 80
HEALTH_TARGET = 2000
P99_TARGET_MS = 250
STACKS = 16
START_TIMEOUT_S = 60


def blueprint(i: int) -> str:
    """A small valid blueprint, different for every ``i`` (its description), on one of ``STACKS`` stacks."""
    return (
        'version: "1.0"\n'
        f"name: bench-{i % STACKS}\n"
        f"description: benchmark request {i}\n"
        "resources:\n"
        "  - type: compute\n"
        "    name: app\n"
        "    provider: fake\n"
        "    specs: {cores: 1, memory: 512M, disk: 8G, image: alpine}\n"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def alma_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env.update(ALMA_HOME=str(home), ALMA_USER="bench", ALMA_API_RATE_LIMIT_PER_MINUTE="100000000")
    return env


@contextmanager
def serving(home: Path, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`alma serve` on a free port, answering /health; stopped (and waited for) on the way out."""
    port = free_port()
    with log.open("ab") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "alma", "serve", "--port", str(port)],
            env=alma_env(home),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                raise SystemExit(f"the server exited with {server.returncode}; its log: {log}")
            if time.monotonic() > deadline:
                raise SystemExit(f"the server did not answer /health within {START_TIMEOUT_S} s; its log: {log}")
            time.sleep(0.05)  # polling the server's readiness; the condition is what we wait on
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


def idle_rss(home: Path, log: Path) -> float:
    """The server's RSS once it has started and answered one /health (the warm-up), then it is stopped."""
    with serving(home, log) as (base, server):
        httpx.get(f"{base}/health", timeout=10).raise_for_status()
        return rss_mb(server.pid)


def admin_key(home: Path) -> str:
    created = subprocess.run(
        [sys.executable, "-m", "alma", "keys", "create", "--role", "admin", "--name", "bench"],
        env=alma_env(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return created.stdout.strip().splitlines()[-1]  # the last line is the key itself


async def load(base: str, key: str, health: int, posts: int, concurrency: int) -> dict[str, Any]:
    where = urlsplit(base)
    host, port = str(where.hostname), int(where.port or 80)
    headers = {"X-API-Key": key, "Content-Type": "application/yaml"}
    first = Phase("first requests after start (POST)", concurrency)
    await run(
        host,
        port,
        first,
        concurrency,
        lambda i: ("POST", "/api/v1/blueprints", headers, blueprint(-1 - i).encode()),
        201,
    )
    checks = Phase("GET /health", health)
    await run(host, port, checks, concurrency, lambda i: ("GET", "/health", {}, None), 200)
    saves = Phase("POST /api/v1/blueprints", posts)
    answers = await run(
        host,
        port,
        saves,
        concurrency,
        lambda i: ("POST", "/api/v1/blueprints", headers, blueprint(i).encode()),
        201,
    )
    acknowledged = {i: json.loads(a.body)["id"] for i, a in enumerate(answers) if a is not None and a.status == 201}
    order = sorted(acknowledged)  # the n-th read is of the save of request order[n]
    reads = Phase("GET /api/v1/blueprints/{id}", len(order))
    read = await run(
        host,
        port,
        reads,
        concurrency,
        lambda n: ("GET", f"/api/v1/blueprints/{acknowledged[order[n]]}", headers, None),
        200,
    )
    read_back = sum(
        1
        for n, answer in enumerate(read)
        if answer is not None and answer.status == 200 and json.loads(answer.body)["content"] == blueprint(order[n])
    )
    return {
        "first_requests": first.as_json(),
        "phases": [p.as_json() for p in (checks, saves, reads)],
        "acknowledged": len(acknowledged),
        "read_back": read_back,
    }


def measure(health: int, posts: int, concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="alma-api-bench-") as tmp:
        home, log = Path(tmp) / "home", Path(tmp) / "server.log"
        first_start = idle_rss(home, log)  # an empty home: the server runs the migrations
        key = admin_key(home)
        with serving(home, log) as (base, server):
            httpx.get(f"{base}/health", timeout=10).raise_for_status()
            restart = rss_mb(server.pid)
            figures = asyncio.run(load(base, key, health, posts, concurrency))
    return {
        "concurrency": concurrency,
        "client_ceiling": ceiling(max(health, 2000), concurrency),
        "idle_rss_mb": round(restart, 1),
        "first_start_rss_mb": round(first_start, 1),
        "rss_target_mb": RSS_TARGET_MB,
        **figures,
    }


def print_table(figures: dict[str, Any]) -> None:
    rss, first = figures["idle_rss_mb"], figures["first_start_rss_mb"]
    verdict = "OK" if rss <= RSS_TARGET_MB else "MISSED"
    print(f"alma serve (uvicorn, SQLite), load from bench/loadgen.py at concurrency {figures['concurrency']}")
    print(f"idle RSS: {rss:.1f} MB on a restart (target ≤ {RSS_TARGET_MB} MB) {verdict}; first start {first:.1f} MB")
    print(f"{'request':<36} {'sent':>6} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  target")
    targets: dict[str, tuple[Callable[[dict[str, Any]], bool], str]] = {
        "GET /health": (lambda p: p["req_per_s"] >= HEALTH_TARGET, f"≥ {HEALTH_TARGET} req/s"),
        "POST /api/v1/blueprints": (
            lambda p: p["p99_ms"] <= P99_TARGET_MS and not p["errors"],
            f"p99 ≤ {P99_TARGET_MS} ms, 0 errors",
        ),
    }
    for p in [figures["client_ceiling"], figures["first_requests"], *figures["phases"]]:
        check, said = targets.get(p["name"], (None, ""))
        verdict = "" if check is None else ("OK" if check(p) else "MISSED")
        print(
            f"{p['name']:<36} {p['requests']:>6} {p['errors']:>6} {p['req_per_s'] or 0:>8.0f} "
            f"{p['p50_ms']:>8.1f} {p['p99_ms']:>8.1f}  {said} {verdict}"
        )
    for p in figures["phases"]:
        for what, count in p["unexpected"].items():
            print(f"  {p['name']}: {count} × {what}")
    same = "OK" if figures["acknowledged"] == figures["read_back"] else "MISMATCH"
    print(f"blueprints acknowledged: {figures['acknowledged']}, read back: {figures['read_back']} {same}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--health", type=int, default=5000, help="GET /health requests (default 5000)")
    parser.add_argument("--posts", type=int, default=1000, help="blueprint saves (default 1000)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (default 32)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    arguments = parser.parse_args()
    result = measure(arguments.health, arguments.posts, arguments.concurrency)
    if arguments.json:
        print(json.dumps(result))
    else:
        print_table(result)
    if any(p["errors"] for p in result["phases"]) or result["acknowledged"] != result["read_back"]:
        raise SystemExit(1)  # a run with errors fails, so that scripts and CI notice
