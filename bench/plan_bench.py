"""Planning big stacks as a user waits for it: whole `alma plan` processes in a fresh ALMA_HOME.

    python bench/plan_bench.py              # 3 runs each, medians
    python bench/plan_bench.py --runs 1 --size 2000

Figures (issue 17), with targets:
- `alma plan FILE --json` of 10,000 resources: JSON blueprint ≤ 1.2 s, YAML ≤ 1.5 s; peak memory (the
  process's maximum resident set) ≤ 300 MB
- output in time proportional to the plan's size: the whole diff of 1,000 and of 10,000 resources written to
  a pipe (`alma plan FILE --full > file`), start-up subtracted (an `alma plan` of one resource), per resource;
  and on a terminal a plan that big is a summary (`alma plan FILE`, under a pseudo-terminal)
The blueprints are fanouts of compute resources on the fake engine (a tenth of them in chains of ten).
ALMA is byte-compiled first, as an installed package is. Standard library only.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import pty
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def resources(count: int) -> list[dict[str, object]]:
    return [
        {
            "type": "compute",
            "name": f"r-{i:05d}",
            "provider": "fake",
            "specs": {"cores": 1 + i % 4, "memory": "512M", "disk": "8G", "image": "alpine"},
            "dependencies": [f"r-{i - 1:05d}"] if i % 10 else [],
        }
        for i in range(count)
    ]


def as_json(name: str, count: int) -> str:
    return json.dumps({"version": "1.0", "name": name, "resources": resources(count)})


def as_yaml(name: str, count: int) -> str:
    lines = ['version: "1.0"', f"name: {name}", "resources:"]
    for r in resources(count):
        specs = r["specs"]
        assert isinstance(specs, dict)
        lines += [
            "  - type: compute",
            f"    name: {r['name']}",
            "    provider: fake",
            "    specs:",
            *(f"      {k}: {v}" for k, v in specs.items()),
            f"    dependencies: [{', '.join(r['dependencies'])}]",  # type: ignore[arg-type]
        ]
    return "\n".join(lines) + "\n"


def timed(command: list[str], home: str, stdout: int | None = subprocess.DEVNULL) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["ALMA_HOME"] = home
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"{' '.join(command[1:])} failed: {process.stderr.read().decode()[-600:]}")
    return wall, usage.ru_maxrss / 1024


def on_a_terminal(command: list[str], home: str) -> tuple[float, int]:
    """Wall seconds and lines written of one process on a pseudo-terminal."""
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(ALMA_HOME=home, COLUMNS="120")
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal)
    os.close(terminal)
    written = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 300)
        if not ready:
            break
        try:
            chunk = os.read(controller, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        written += chunk
    os.close(controller)
    process.wait(timeout=60)
    return time.perf_counter() - started, written.count(b"\n")


def median_of(runs: int, measure: object) -> tuple[float, float]:
    assert callable(measure)
    results = [measure() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--alma", default=str(Path(sys.executable).with_name("alma")))
    parser.add_argument("--size", type=int, default=10_000, help="resources in the big plan")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "src" / "alma"), quiet=1)
    big, small = args.size, args.size // 10
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with tempfile.TemporaryDirectory(prefix="alma-plan-bench-") as tmp:
        files = {}
        for label, text in (
            ("json", as_json("big", big)),
            ("yaml", as_yaml("big", big)),
            ("small", as_yaml("big", small)),
            ("one", as_yaml("big", 1)),
        ):
            files[label] = Path(tmp) / f"{label}.{'json' if label == 'json' else 'yaml'}"
            files[label].write_text(text)

        def fresh() -> str:
            return tempfile.mkdtemp(dir=tmp)

        print(f"# whole `alma plan` processes, fresh ALMA_HOME each, median of {args.runs}")
        print(f"{'figure':<58} {'wall':>8} {'peak MB':>8}  target")
        for label, target in (("json", 1.2), ("yaml", 1.5)):
            wall, peak = median_of(
                args.runs, lambda f=files[label]: timed([args.alma, "plan", str(f), "--json"], fresh())
            )
            verdict = "OK" if wall <= target and peak <= 300 else "MISSED"
            print(f"{f'plan {big:,} resources, {label.upper()} blueprint, --json':<58} {wall:>7.2f}s {peak:>8.0f}  "
                  f"≤ {target} s, ≤ 300 MB {verdict}")  # fmt: skip
        walls = {}
        for label, count in (("one", 1), ("small", small), ("yaml", big)):
            walls[label], _ = median_of(
                args.runs, lambda f=files[label]: timed([args.alma, "plan", str(f), "--full"], fresh())
            )
            print(f"{f'plan {count:,} resources, whole diff to a pipe (--full)':<58} {walls[label]:>7.2f}s")
        per_small = (walls["small"] - walls["one"]) / small * 1000
        per_big = (walls["yaml"] - walls["one"]) / big * 1000
        print(f"{'per resource beyond start-up, ' + f'{small:,} / {big:,}':<58} {per_small:>6.3f}ms / {per_big:.3f}ms"
              f"  proportional: {'OK' if per_big <= per_small * 1.5 else 'MISSED'}")  # fmt: skip
        wall, lines = on_a_terminal([args.alma, "plan", str(files["yaml"])], fresh())
        print(f"{f'plan {big:,} resources on a terminal (a summary: {lines} lines)':<58} {wall:>7.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
