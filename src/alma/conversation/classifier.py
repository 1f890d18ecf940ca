"""The intent classifier at prediction time: trained weights read back, a sentence scored in pure Python.

``IntentClassifier.predict`` gives the most likely intent with its probability (a softmax over the
trained classes); the parser's reading and this prediction are reconciled in ``reconcile``. The
weights are plain numbers (``training.Weights``), so this module imports neither scikit-learn nor
NumPy: reading a sentence stays well under a millisecond.

``default_classifier`` finds the model for the repository's tuning corpus (``eval/intents-tune.jsonl``):
a cached copy whose key digests the corpus and the code that makes features, or, the first time, one trained
from the corpus (scikit-learn) and cached next to this module (written whole or not at all, so
processes that start together never read half a file). Without the corpus (an installed wheel) or
without scikit-learn there is no classifier: the grammar reads alone and the log says why.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alma.conversation.features import VERSION, features
from alma.conversation.lexicon import Lexicon
from alma.conversation.training import REGULARIZATION, Weights

log = logging.getLogger(__name__)

CORPUS = Path(__file__).resolve().parents[3] / "eval" / "intents-tune.jsonl"
CACHE = Path(__file__).resolve().parent / "_trained"


@dataclass(frozen=True, slots=True)
class Prediction:
    intent: str
    probability: float
    runner_up: str | None = None
    runner_up_probability: float = 0.0


class IntentClassifier:
    """Scores sentences with trained ``weights``; holds its lexicon (typo memory) and nothing shared."""

    def __init__(self, weights: Weights) -> None:
        self._weights = weights
        self._lexicon = Lexicon()

    @property
    def intents(self) -> tuple[str, ...]:
        return self._weights.classes

    def predict(self, text: str) -> Prediction:
        weights = self._weights
        present = {f for f in features(text, self._lexicon) if f in weights.coefficients}
        scores = list(weights.intercepts)
        if present:
            scale = 1.0 / math.sqrt(len(present))
            for feature in present:
                for k, w in enumerate(weights.coefficients[feature]):
                    scores[k] += w * scale
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        ranked = sorted(range(len(scores)), key=lambda k: -scores[k])
        first = ranked[0]
        second = ranked[1] if len(ranked) > 1 else None
        return Prediction(
            weights.classes[first],
            exps[first] / total,
            weights.classes[second] if second is not None else None,
            exps[second] / total if second is not None else 0.0,
        )


# What a sentence's features depend on: a change to any of these makes a new model.
_FEATURE_SOURCES = ("features.py", "lexicon.py", "english.py", "text.py", "quantities.py", "resources.py")


def model_key(corpus: bytes) -> str:
    """The corpus, the feature code and the training settings, digested: the name of a trained model."""
    digest = hashlib.sha256(corpus)
    digest.update(f"features {VERSION} C {REGULARIZATION}".encode())
    here = Path(__file__).resolve().parent
    for name in _FEATURE_SOURCES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())  # an installation without sources: the version alone decides
    return digest.hexdigest()[:20]


def default_classifier(corpus: Path = CORPUS, cache: Path = CACHE) -> IntentClassifier | None:
    """The classifier for ``corpus``: cached, or trained now and cached; None when it cannot be had."""
    try:
        raw = corpus.read_bytes()
    except OSError:
        log.info("no intent corpus at %s: the grammar reads alone", corpus)
        return None
    cached = cache / f"intents-{model_key(raw)}.json"
    try:
        return IntentClassifier(Weights.from_json(json.loads(cached.read_text(encoding="utf-8"))))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not trained yet (or a file from elsewhere): train it
    from alma.conversation.corpus import parse_cases
    from alma.conversation.training import train
    from alma.errors import AlmaError

    try:
        weights = train(parse_cases(raw.decode("utf-8"), str(corpus)))
    except (AlmaError, ValueError, UnicodeDecodeError) as exc:
        log.warning("the intent classifier could not be trained (%s): the grammar reads alone", exc)
        return None
    _write(cached, json.dumps(weights.as_json(), separators=(",", ":")))
    return IntentClassifier(weights)


def _write(path: Path, text: str) -> None:
    """``text`` into ``path`` whole or not at all; a cache that cannot be written is only logged."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        for stale in path.parent.glob("intents-*.json"):  # models of corpora that changed since
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("the trained intent classifier could not be cached at %s (%s)", path, exc)
