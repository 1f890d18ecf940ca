"""Whole-command timings of the commands people wait for: each one a fresh `alma` process, as typed.

    python bench/commands_bench.py               # 15 runs each, medians
    python bench/commands_bench.py --runs 5 --cmd ".venv/bin/alma"
    python bench/commands_bench.py --against HEAD~3 --runs 10   # that commit and the working tree, interleaved

A fresh ALMA_HOME is made first: `examples/web-stack.yaml` deployed and one IPR opened, so the read
commands have something to read. Every figure is the median wall time of --runs runs (the machine is
shared: medians, not means), with the median CPU time (user + system of the child) beside it; CPU time
moves less when other work shares the machine. Target (issue 17): ≤ 300 ms for the everyday commands.

The package is byte-compiled first (as an installed package is): with PYTHONDONTWRITEBYTECODE set and
no __pycache__, every command would compile ALMA's sources again (`--no-compile` measures that case).
With ``--against REV`` each command of that git revision (``git archive``'d, run as ``python -m alma`` with
it first on ``PYTHONPATH``) is followed by the same command of the working tree, run after run, both on the
same ALMA_HOME: the machine's load then weighs on both alike, and the two columns compare.

Standard library only.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "web-stack.yaml"
TARGET_MS = 300.0

# (label, arguments, target in ms or None)
COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("alma --help", ["--help"], 150.0),
    ("alma state list", ["state", "list"], TARGET_MS),
    ("alma history web-stack", ["history", "web-stack"], TARGET_MS),
    ("alma events web-stack", ["events", "web-stack"], TARGET_MS),
    ("alma ipr list", ["ipr", "list"], TARGET_MS),
    ('alma intent "restart web-01"', ["intent", "restart web-01"], TARGET_MS),
    ("alma plan web-stack.yaml (6 resources)", ["plan", str(EXAMPLE)], TARGET_MS),
    ("alma state list --json", ["state", "list", "--json"], TARGET_MS),
]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and exit status of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def source_of(revision: str, into: Path) -> Path:
    """The ``src`` directory of ``revision`` (a git revision, or a directory holding a copy of ``src``),
    extracted under ``into`` and byte-compiled."""
    if Path(revision, "src", "alma").is_dir():
        compileall.compile_dir(str(Path(revision, "src", "alma")), quiet=1)
        return Path(revision, "src")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    compileall.compile_dir(str(into / "src" / "alma"), quiet=1)
    return into / "src"


def interleaved(revision: str, runs: int, env: dict[str, str], scratch: Path) -> None:
    """Each command of ``revision`` then of the working tree, ``runs`` times; medians side by side."""
    versions = {revision: str(source_of(revision, scratch)), "worktree": str(ROOT / "src")}
    print(f"# {revision} against the working tree, interleaved, median of {runs} runs (ms)")
    print(f"{'command':<42} {'wall A':>7} {'wall B':>7} {'cpu A':>7} {'cpu B':>7}")
    for label, argv, _ in COMMANDS:
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
        for _ in range(runs):
            for name, src in versions.items():
                wall, cpu, code = timed([sys.executable, "-m", "alma", *argv], {**env, "PYTHONPATH": src})
                if code != 0:
                    raise SystemExit(f"{label} exited {code} with {name}")
                samples[name].append((wall * 1000, cpu * 1000))
        walls = [statistics.median(s[0] for s in samples[name]) for name in versions]
        cpus = [statistics.median(s[1] for s in samples[name]) for name in versions]
        print(f"{label:<42} {walls[0]:7.0f} {walls[1]:7.0f} {cpus[0]:7.0f} {cpus[1]:7.0f}")


def prepare(alma: list[str], env: dict[str, str]) -> None:
    for args in (
        ["deploy", str(EXAMPLE), "--yes", "--json"],
        ["ipr", "create", "--destroy", "web-stack", "--title", "bench: take it down", "--json"],
    ):
        done = subprocess.run(alma + args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"setup failed: alma {' '.join(args)} exited {done.returncode}: {done.stderr[-400:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cmd", default=None, help="the alma command line (default: alma beside this Python)")
    parser.add_argument("--runs", type=int, default=15, help="runs per command; the median is reported")
    parser.add_argument("--no-compile", action="store_true", help="do not byte-compile ALMA first")
    parser.add_argument(
        "--against",
        metavar="REV",
        help="compare with this git revision (or a directory with a copy of src/), interleaved (A: REV)",
    )
    args = parser.parse_args()
    alma = shlex.split(args.cmd) if args.cmd else [str(Path(sys.executable).with_name("alma"))]
    if not args.no_compile:
        compileall.compile_dir(str(ROOT / "src" / "alma"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="alma-bench-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
        env["ALMA_HOME"] = home
        prepare(alma, env)
        if args.against:
            with tempfile.TemporaryDirectory(prefix="alma-bench-src-") as scratch:
                interleaved(args.against, args.runs, env, Path(scratch))
            return 0
        print(f"# whole commands, fresh ALMA_HOME with web-stack deployed; median of {args.runs} runs")
        print(f"{'command':<42} {'wall ms':>8} {'best':>6} {'cpu ms':>7} {'target':>7}  ")
        for label, argv, target in COMMANDS:
            walls, cpus = [], []
            for _ in range(args.runs):
                wall, cpu, code = timed(alma + argv, env)
                if code != 0:
                    raise SystemExit(f"{label} exited {code}")
                walls.append(wall * 1000)
                cpus.append(cpu * 1000)
            median = statistics.median(walls)
            verdict = "" if target is None else ("OK" if median <= target else "MISSED")
            shown = f"≤{target:.0f}" if target else "—"
            print(f"{label:<42} {median:8.0f} {min(walls):6.0f} {statistics.median(cpus):7.0f} {shown:>7}  {verdict}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
