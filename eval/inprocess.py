"""Score an intent set in one process: the real ``ConversationService`` over a throw-away SQLite home.

    python eval/inprocess.py eval/intents-tune.jsonl [--scorer ../shared/eval/score_intents.py] [--summary]
        [--only ID,ID] [--show ID,ID] [--folds K]

The official scorer (``score_intents.py``) runs ``alma intent`` once per turn, a process each: right for
a final figure, slow for tuning. This runs the same cases through the same service (sessions in a real
store, frustration, focus, the guard) and compares with the scorer's own functions, so the figures are
the scorer's. A set whose name says "heldout" is only ever summarised (no per-case lines): its cases are
for measuring, never for tuning.

``--folds K``: the intent classifier is trained on the other folds of the file for each case (an honest
figure for a file the classifier would otherwise have learnt).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from alma.bootstrap import build
from alma.conversation.classifier import IntentClassifier
from alma.conversation.corpus import Case, read_cases
from alma.conversation.service import ConversationService
from alma.conversation.training import train
from alma.settings import Settings

DEFAULT_SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score_intents.py"


def _scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_intents", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_intents"] = module
    spec.loader.exec_module(module)
    return module


async def _answers(
    cases: list[Case], home: Path, classifiers: dict[str, IntentClassifier | None] | None
) -> dict[str, dict[str, Any]]:
    settings = Settings(home=home, user="eval")
    out: dict[str, dict[str, Any]] = {}
    async with await build(settings) as services:
        default = services.conversation
        for case in cases:
            conversation = default
            if classifiers is not None:
                conversation = ConversationService(services.sessions, classifier=classifiers[case.id])
            session = f"eval-{len(out)}"
            answer: dict[str, Any] = {}
            for text in case.turns:
                answer = (await conversation.interpret(text, session)).as_json()
            out[case.id] = answer
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    parser.add_argument("--summary", action="store_true", help="only the summary lines")
    parser.add_argument("--only", default="", help="comma-separated case ids to run")
    parser.add_argument("--show", default="", help="comma-separated case ids whose answers to print")
    parser.add_argument("--folds", type=int, default=0, help="train the classifier without each case's fold")
    args = parser.parse_args(argv)
    held_out = "heldout" in args.path.name
    if held_out and (args.only or args.show):
        raise SystemExit("a held-out set is only summarised")
    scorer = _scorer(args.scorer)
    cases = read_cases(args.path)
    if args.only:
        wanted = set(args.only.split(","))
        cases = [c for c in cases if c.id in wanted]
    classifiers: dict[str, IntentClassifier | None] | None = None
    if args.folds > 1:
        classifiers = {}
        for fold in range(args.folds):
            test = [c for k, c in enumerate(cases) if k % args.folds == fold]
            rest = [c for k, c in enumerate(cases) if k % args.folds != fold]
            model = IntentClassifier(train(rest))
            classifiers.update({c.id: model for c in test})
    with tempfile.TemporaryDirectory(prefix="alma-eval-") as home:
        answers = asyncio.run(_answers(cases, Path(home), classifiers))
    results = []
    raw = [{"id": c.id, "turns": list(c.turns), "expect": c.expect} for c in cases]
    for case in raw:
        result = scorer.CaseResult(case["id"])
        result.answer = answers[str(case["id"])]
        scorer.score_answer(result, case["expect"], result.answer)
        results.append(result)
    if held_out or args.summary:
        import contextlib
        import io

        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            scorer.report(raw, results)
        lines = buffer.getvalue().splitlines()
        start = next(k for k, line in enumerate(lines) if line.startswith("exact-case accuracy"))
        print("\n".join(lines[start:]))
    else:
        scorer.report(raw, results)
    for wanted_id in filter(None, args.show.split(",")):
        print(wanted_id, json.dumps(answers.get(wanted_id)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
