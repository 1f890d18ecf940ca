"""The API benchmark runs end to end with a few requests: a live `alma serve`, no errors, and every save
it acknowledged read back. Timings and memory are the benchmark's to report, not this test's to judge."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # two server starts and a key: about 15 s
BENCH = Path(__file__).parents[2] / "bench" / "api_bench.py"


def test_the_api_benchmark_reads_back_every_blueprint_it_saved_without_errors() -> None:
    run = subprocess.run(
        [sys.executable, str(BENCH), "--health", "20", "--posts", "20", "--json"],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-3000:])
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert [p["name"] for p in figures["phases"]] == [
        "GET /health",
        "POST /api/v1/blueprints",
        "GET /api/v1/blueprints/{id}",
    ]
    assert [(p["requests"], p["errors"]) for p in figures["phases"]] == [(20, 0), (20, 0), (20, 0)]
    assert figures["acknowledged"] == figures["read_back"] == 20
    assert figures["idle_rss_mb"] > 0 and figures["first_start_rss_mb"] > 0
