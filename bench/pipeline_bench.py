"""Pipeline benchmark: apply efficiency on the fake engine, per-resource overhead, planning speed.

    python bench/pipeline_bench.py            # everything, including the serial comparison (~1 min)
    python bench/pipeline_bench.py --quick    # skip the serial comparison

Figures (issue 2):
- efficiency = (T(20 ms) − T(0 ms)) / (ideal waves × 20 ms); ideal waves = ceil(N / parallelism) for
  independent resources, N for a chain. Target ≤ 1.2 (1000 independent, parallelism 50), ≤ 1.1 (chain of 100).
- overhead per resource with 0 ms latency: target ≤ 1 ms.
- `alma plan` of 10,000 resources, validation included: target < 1 s.
T is the whole apply service call: lock, revision, execution, verification, state and events committed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from alma.bootstrap import build
from alma.services.approvals import clear_without_review
from alma.settings import Settings


def blueprint(name: str, count: int, chain: bool) -> str:
    resources: list[dict[str, Any]] = []
    for i in range(count):
        deps = [f"r-{i - 1}"] if chain and i else []
        resources.append(
            {
                "type": "compute",
                "name": f"r-{i}",
                "provider": "fake",
                "specs": {"cores": 1 + i % 4, "memory": "512M", "disk": "8G", "image": "alpine"},
                "dependencies": deps,
            }
        )
    return json.dumps({"version": "1.0", "name": name, "resources": resources})


def blueprint_yaml(name: str, count: int) -> str:
    lines = ['version: "1.0"', f"name: {name}", "resources:"]
    for i in range(count):
        lines += [
            "  - type: compute",
            f"    name: r-{i}",
            "    provider: fake",
            "    specs:",
            f"      cores: {1 + i % 4}",
            "      memory: 512M",
            "      disk: 8G",
            "      image: alpine",
        ]
        if i:
            lines.append(f"    dependencies: [r-{i - 1}]" if i % 10 else "    dependencies: []")
    return "\n".join(lines) + "\n"


async def timed_apply(count: int, chain: bool, latency_ms: float, parallelism: int) -> float:
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), fake_latency_ms=latency_ms, parallelism=parallelism)
        async with await build(settings) as services:
            result = await services.plans.plan_blueprint(blueprint("bench", count, chain))
            clearance = clear_without_review(result.plan, services.settings)
            report = await services.deployments.apply(result.plan.id, clearance=clearance)
            if report.status != "succeeded":
                raise SystemExit(f"benchmark apply failed: {report.failures[:3]}")
            return report.elapsed_s


async def timed_plan(count: int, fmt: str) -> dict[str, float]:
    text = blueprint("big", count, chain=False) if fmt == "json" else blueprint_yaml("big", count)
    with tempfile.TemporaryDirectory() as home:
        async with await build(Settings(home=Path(home))) as services:
            started = time.perf_counter()
            loaded = services.blueprints.load(text, f"big.{fmt}")
            validated = time.perf_counter() - started
            started = time.perf_counter()
            result = await services.plans.plan_blueprint(text, f"big.{fmt}")
            total = time.perf_counter() - started
            assert result.plan.summary()["create"] == count and len(loaded.desired) == count
            return {"validate_s": validated, "plan_total_s": total}


def efficiency_line(label: str, t0: float, t20: float, waves: int) -> tuple[str, float]:
    ratio = (t20 - t0) / (waves * 0.020)
    return (
        f"{label}: T(0ms)={t0:.3f}s T(20ms)={t20:.3f}s ideal={waves * 0.020:.3f}s efficiency={ratio:.3f}",
        ratio,
    )


def help_startup_ms(runs: int = 10) -> tuple[float, float]:
    """Median and best wall time of `alma --help` as a fresh process (target ≤ 150 ms)."""
    alma = Path(sys.executable).with_name("alma")
    command = [str(alma)] if alma.exists() else [sys.executable, "-m", "alma"]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command, "--help"], capture_output=True, check=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


async def main(quick: bool) -> None:
    median, best = help_startup_ms()
    print(f"alma --help: median {median:.0f} ms, best {best:.0f} ms (target ≤ 150 ms)")
    # Warm imports and SQLite once so the first measurement is not charged for them.
    await timed_apply(10, False, 0, 10)

    t0 = await timed_apply(1000, False, 0, 50)
    t20 = await timed_apply(1000, False, 20, 50)
    line, ratio_independent = efficiency_line("1000 independent, parallelism 50", t0, t20, math.ceil(1000 / 50))
    print(line, "(target ≤ 1.2)", "OK" if ratio_independent <= 1.2 else "MISSED")
    c0 = await timed_apply(100, True, 0, 50)
    c20 = await timed_apply(100, True, 20, 50)
    line, ratio_chain = efficiency_line("chain of 100", c0, c20, 100)
    print(line, "(target ≤ 1.1)", "OK" if ratio_chain <= 1.1 else "MISSED")
    print(f"overhead per resource at 0 ms latency: {t0 / 1000 * 1000:.3f} ms (target ≤ 1 ms)")
    if not quick:
        serial = await timed_apply(1000, False, 20, 1)
        print(
            f"serial executor (parallelism 1), 1000 independent at 20 ms: {serial:.2f}s "
            f"→ parallelism 50 is {serial / t20:.1f}× faster"
        )
    for fmt in ("json", "yaml"):
        figures = await timed_plan(10_000, fmt)
        print(
            f"plan of 10,000 resources ({fmt}): validation {figures['validate_s']:.3f}s, "
            f"whole plan (parse+validate+refresh+diff+persist) {figures['plan_total_s']:.3f}s (target < 1 s)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the serial comparison")
    asyncio.run(main(parser.parse_args().quick))
