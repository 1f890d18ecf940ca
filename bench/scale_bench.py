"""Scale on PostgreSQL: many stacks applied through the job queue by two `alma worker` processes.

    python bench/scale_bench.py                                  # 50 stacks × 200 resources, 2 workers × 10
    python bench/scale_bench.py --stacks 4 --resources 10 --worker-concurrency 2   # a quick look
    python bench/scale_bench.py --postgres postgresql://postgres@127.0.0.1:5432/postgres --json

A database of its own is made on the server (``--postgres``, default ``ALMA_TEST_POSTGRES_URL``) and dropped
afterwards. Every stack's plan is made first; then every apply is queued at once (``ALMA_QUEUE=procrastinate``,
as the API queues them) and two real `alma worker` processes run them, ``--worker-concurrency`` each (20 at
once by default; one job per stack at a time, by the queue's lock). The fake engine takes
``--latency-ms`` per change.

Figures: throughput (applies and resources per second, from the first submission to the last finish),
time-to-start (from an apply's submission to its deployment's start) p50 and p99, time-to-finish p50 and
p99; and the checks that nothing was lost or made twice: every deployment succeeded once, each stack is at
revision 1, the state holds every resource once, the engine holds every object once at generation 1 (made
once, never twice), and the event log says ``resource.created`` once per resource. Exit status 1 when a
check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import psycopg

PG_ENV = "ALMA_TEST_POSTGRES_URL"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else math.nan


def blueprint(stack: str, resources: int) -> str:
    items = [
        {
            "type": "compute",
            "name": f"r-{i:04d}",
            "provider": "fake",
            "specs": {"cores": 1 + i % 4, "memory": "512M"},
            "dependencies": [f"r-{i - 1:04d}"] if i % 10 else [],  # chains of ten: some depth, much width
        }
        for i in range(resources)
    ]
    return json.dumps({"version": "1.0", "name": stack, "resources": items})


@contextmanager
def database(server: str) -> Iterator[str]:
    name = f"alma_scale_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(url: str, home: Path, latency_ms: int, parallelism: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_") or k.startswith("ALMA_TEST_")}
    env.update(
        ALMA_HOME=str(home),
        ALMA_DATABASE_URL=url,
        ALMA_QUEUE="procrastinate",
        ALMA_FAKE_LATENCY_MS=str(latency_ms),
        ALMA_PARALLELISM=str(parallelism),
        ALMA_APPROVAL_ACTIONS="",
        ALMA_APPROVAL_ENVIRONMENTS="",
        ALMA_DRIFT_CHECK_CRON="",
        ALMA_USER="bench",
    )
    return env


def start_worker(env: dict[str, str], name: str, concurrency: int, log: Path, stack: ExitStack) -> None:
    with log.open("ab") as sink:
        worker = subprocess.Popen(
            [sys.executable, "-m", "alma", "worker", "--concurrency", str(concurrency), "--name", name],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
        )

    def stop() -> None:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=30)

    stack.callback(stop)


async def submit_all(env: dict[str, str], stacks: int, resources: int) -> dict[str, dt.datetime]:
    """Plan every stack, then queue every apply at once; the submission time of each deployment."""
    os.environ.update(env)  # this process builds its services from the same settings as the workers
    from alma.bootstrap import build

    async with await build() as services:
        plans = [
            (await services.plans.plan_blueprint(blueprint(f"scale-{s:03d}", resources), f"scale-{s:03d}.json")).plan
            for s in range(stacks)
        ]
        prepared = [await services.runs.prepare(plan) for plan in plans]
        submitted: dict[str, dt.datetime] = {}

        async def submit(ready: Any) -> None:
            at = dt.datetime.now(dt.UTC)
            queued = await services.runs.start(ready, queue=True)
            submitted[queued.deployment_id] = at

        await asyncio.gather(*(submit(p) for p in prepared))
        return submitted


def wait_for_all(url: str, expected: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            done = conn.execute("SELECT count(*) FROM deployments WHERE status <> 'running'").fetchone()
            if done is not None and done[0] >= expected:
                return
            failed = conn.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('failed', 'cancelled', 'aborted')"
            ).fetchone()
            if failed is not None and failed[0]:
                raise SystemExit(f"{failed[0]} queued applies failed as jobs (lost): see the workers' logs")
            if time.monotonic() > deadline:
                raise SystemExit(f"only {done[0] if done else 0} of {expected} applies finished in {timeout_s:.0f} s")
            time.sleep(0.2)  # polling another process's progress; the condition is what we wait on


def check(url: str, submitted: dict[str, dt.datetime], stacks: int, resources: int) -> dict[str, Any]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT id, stack, status, started_at, finished_at FROM deployments").fetchall()
        state = conn.execute("SELECT count(*), count(DISTINCT (stack, name)) FROM resources").fetchone()
        revisions = conn.execute("SELECT count(*) FROM stacks WHERE revision = 1").fetchone()
        objects = conn.execute(
            "SELECT count(*), count(DISTINCT key), count(*) FILTER (WHERE (value->>'generation')::int = 1) "
            "FROM engine_kv WHERE namespace = 'fake'"
        ).fetchone()
        created = conn.execute(
            "SELECT count(*), count(DISTINCT (stack, resource)) FROM events WHERE kind = 'resource.created'"
        ).fetchone()
    total = stacks * resources
    starts = [(r[3] - submitted[r[0]]).total_seconds() for r in rows if r[0] in submitted]
    finishes = [(r[4] - submitted[r[0]]).total_seconds() for r in rows if r[0] in submitted and r[4]]
    first = min(submitted.values())
    last = max(r[4] for r in rows if r[4]) if rows else first
    span = (last - first).total_seconds()
    checks = {
        "every apply ran once and succeeded": len(rows) == stacks
        and {r[0] for r in rows} == set(submitted)
        and all(r[2] == "succeeded" for r in rows),
        "every stack is at revision 1": revisions is not None and revisions[0] == stacks,
        "the state holds every resource once": state is not None and tuple(state) == (total, total),
        "the engine made every object once (generation 1)": objects is not None
        and tuple(objects) == (total, total, total),
        "resource.created once per resource": created is not None and tuple(created) == (total, total),
    }
    return {
        "stacks": stacks,
        "resources_per_stack": resources,
        "applies_per_s": round(len(rows) / span, 2) if span else None,
        "resources_per_s": round(total / span, 1) if span else None,
        "wall_s": round(span, 2),
        "time_to_start_p50_s": round(percentile(starts, 50), 3),
        "time_to_start_p99_s": round(percentile(starts, 99), 3),
        "time_to_finish_p50_s": round(percentile(finishes, 50), 3),
        "time_to_finish_p99_s": round(percentile(finishes, 99), 3),
        "checks": checks,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=os.environ.get(PG_ENV), help=f"a server (default ${PG_ENV})")
    parser.add_argument("--stacks", type=int, default=50)
    parser.add_argument("--resources", type=int, default=200, help="per stack")
    parser.add_argument("--worker-concurrency", type=int, default=10, help="jobs each of the two workers runs at once")
    parser.add_argument("--latency-ms", type=int, default=20, help="the fake engine's latency per change")
    parser.add_argument("--parallelism", type=int, default=10, help="changes at once within one apply")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for every apply to finish")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args()
    if not args.postgres:
        raise SystemExit(f"needs PostgreSQL: --postgres URL or {PG_ENV}")
    with tempfile.TemporaryDirectory(prefix="alma-scale-") as tmp, database(args.postgres) as url, ExitStack() as stack:
        env = environment(url, Path(tmp) / "home", args.latency_ms, args.parallelism)
        # The workers start first, as they run in production; jobs queued beyond the 2 × concurrency they run
        # at once wait for a slot, and that wait is part of their time-to-start.
        for name in ("worker-1", "worker-2"):
            start_worker(env, name, args.worker_concurrency, Path(tmp) / f"{name}.log", stack)
        submitted = asyncio.run(submit_all(env, args.stacks, args.resources))
        wait_for_all(url, args.stacks, args.timeout)
        figures = check(url, submitted, args.stacks, args.resources)
        figures["workers"] = f"2 × concurrency {args.worker_concurrency}"
        figures["latency_ms"] = args.latency_ms
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"# PostgreSQL, {args.stacks} stacks × {args.resources} resources, applies queued at once, "
            f"{figures['workers']}, fake latency {args.latency_ms} ms, parallelism {args.parallelism}"
        )
        f = figures
        print(f"throughput: {f['applies_per_s']} applies/s, {f['resources_per_s']} resources/s ({f['wall_s']} s)")
        print(f"time to start: p50 {f['time_to_start_p50_s']} s, p99 {f['time_to_start_p99_s']} s")
        print(f"time to finish: p50 {f['time_to_finish_p50_s']} s, p99 {f['time_to_finish_p99_s']} s")
        for what, ok in figures["checks"].items():
            print(f"{'OK    ' if ok else 'FAILED'} {what}")
    return 0 if all(figures["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
