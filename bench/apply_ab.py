"""Whole `alma apply` commands of two versions of ALMA, interleaved: wall and CPU time, medians.

This machine is shared: other test runs make wall times drift by half within minutes, so a "before" measured
in one hour and an "after" in the next say little. Here every run of the old code is followed by the same run
of the new one, and the CPU time the command used (user + system, from the kernel) is reported beside its wall
time: CPU time moves much less with the machine's load.

    python bench/apply_ab.py a3a5d88                 # that commit against the working tree, 3 runs each
    python bench/apply_ab.py a3a5d88 HEAD --runs 5   # two commits

Each version is ``git archive``'d into a temporary directory (the working tree is used as it is), byte-compiled,
and run as ``python -m alma`` with that directory first on ``PYTHONPATH``, in a fresh ``ALMA_HOME`` per run, on
the graphs of ``../shared/bench/whole_command_apply.py`` (same names and edges as the Terraform anchor):
fanout 1000 at parallelism 50 and a chain of 100 at parallelism 10, at 0 and 20 ms of fake latency.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
CASES = (("fanout", 1000, 50, 0), ("fanout", 1000, 50, 20), ("chain", 100, 10, 0), ("chain", 100, 10, 20))


def source_of(revision: str, into: Path) -> Path:
    """The ``src`` directory of ``revision`` (``WORKTREE``: this checkout as it is), byte-compiled."""
    if revision == "WORKTREE":
        src = ROOT / "src"
    else:
        into.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
        src = into / "src"
    compileall.compile_dir(str(src / "alma"), quiet=1)
    return src


def blueprints(into: Path) -> dict[str, Path]:
    sys.path.insert(0, str(SHARED))
    import whole_command_apply as shared  # type: ignore[import-not-found]  # the shared bench, not a package

    files = {}
    for shape, size, _, _ in CASES:
        names, deps, _ = shared.build_dag(shape, [size])
        stack = shared.stack_name(shape, [size])
        path = into / f"{shape}-{size}.yaml"
        path.write_text(shared.render_blueprint(stack, names, deps, shared.shape_label(shape, [size])))
        files[f"{shape}-{size}"] = path
    return files


def one_run(src: Path, blueprint: Path, parallelism: int, latency_ms: int) -> tuple[float, float]:
    """Wall and CPU seconds of one ``alma apply FILE --yes --json`` in a fresh home."""
    with tempfile.TemporaryDirectory(prefix="alma-ab-home-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_") and k != "PYTHONDONTWRITEBYTECODE"}
        env.update(ALMA_HOME=home, ALMA_FAKE_LATENCY_MS=str(latency_ms), PYTHONPATH=str(src))
        command = [sys.executable, "-m", "alma", "apply", str(blueprint), "--yes", "--parallelism", str(parallelism),
                   "--json"]  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, stdin=subprocess.DEVNULL, check=False)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"alma apply failed under {src}: {done.stderr.decode()[-1000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", help="a git revision")
    parser.add_argument("after", nargs="?", default="WORKTREE", help="a git revision (default: the working tree)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each version per case; medians are reported")
    args = parser.parse_args()
    if not (SHARED / "whole_command_apply.py").exists():
        raise SystemExit(f"{SHARED / 'whole_command_apply.py'} is missing: the graphs come from the shared bench")
    with tempfile.TemporaryDirectory(prefix="alma-ab-") as tmp:
        versions = {label: source_of(rev, Path(tmp) / label) for label, rev in (("before", args.before),
                                                                                ("after", args.after))}  # fmt: skip
        files = blueprints(Path(tmp))
        times: dict[tuple[int, str], list[tuple[float, float]]] = {}
        for _ in range(args.runs):
            for index, (shape, size, parallelism, latency) in enumerate(CASES):
                for label, src in versions.items():
                    sample = one_run(src, files[f"{shape}-{size}"], parallelism, latency)
                    times.setdefault((index, label), []).append(sample)
    print(f"# alma apply, {args.before} (before) against {args.after} (after), interleaved, medians of {args.runs}")
    print("| work | wall before | wall after | CPU before | CPU after |")
    print("|---|---|---|---|---|")
    for index, (shape, size, parallelism, latency) in enumerate(CASES):
        row = [f"{shape} {size}, {latency} ms, parallelism {parallelism}"]
        for column in (0, 1):
            row += [f"{statistics.median(s[column] for s in times[(index, label)]):.2f} s" for label in versions]
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
