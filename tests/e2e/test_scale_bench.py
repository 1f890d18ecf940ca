"""The scale benchmark on PostgreSQL, small: applies queued at once and run by two real `alma worker`
processes lose nothing and make nothing twice (each object made once, each resource recorded once, each
apply run once). The full size (50 stacks × 200 resources) is `python bench/scale_bench.py`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.postgres]  # two workers and eight applies: about 10 s
BENCH = Path(__file__).parents[2] / "bench" / "scale_bench.py"


def test_queued_applies_on_two_workers_lose_nothing_and_make_nothing_twice() -> None:
    if not os.environ.get("ALMA_TEST_POSTGRES_URL"):
        pytest.skip("ALMA_TEST_POSTGRES_URL is not set; the scale benchmark needs PostgreSQL")
    run = subprocess.run(
        [sys.executable, str(BENCH), "--stacks", "8", "--resources", "12", "--worker-concurrency", "2", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-3000:])
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    assert figures["checks"] == dict.fromkeys(figures["checks"], True)
    assert len(figures["checks"]) == 5
    assert figures["time_to_start_p99_s"] >= figures["time_to_start_p50_s"] > 0
    assert figures["resources_per_s"] > 0
