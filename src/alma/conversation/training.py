"""Training the intent classifier from labelled conversations (scikit-learn, at build or first use).

The model is a multinomial logistic regression over ``features`` (presence, each sentence's vector of
unit length): small, fast to train (a second), deterministic (the same cases in the same order give the
same weights), and easy to read back without scikit-learn — ``Weights`` holds plain numbers, so
predicting (``classifier``) needs neither scikit-learn nor NumPy, and ``alma intent`` stays quick.

What it learns from: the last turn of each case that names an intent. A last turn that only makes sense
in its conversation ("go ahead", "wait, no") is read by the grammar and the session's focus, never by
the classifier, so such turns teach it little; they stay in, labelled as their case says, because the
classifier is only asked when the grammar has no confident reading.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from alma.conversation.corpus import Case
from alma.conversation.features import VERSION, features
from alma.conversation.intent import INTENTS
from alma.conversation.lexicon import Lexicon
from alma.errors import ConfigurationError

log = logging.getLogger(__name__)

REGULARIZATION = 4.0  # scikit-learn's C: weaker regularisation suits a few hundred short sentences
_MIN_WEIGHT = 1e-3


@dataclass(frozen=True, slots=True)
class Weights:
    """A trained model as plain numbers: for each feature, its weight per class; and each class's bias."""

    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    coefficients: dict[str, tuple[float, ...]]
    version: str = VERSION

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "classes": list(self.classes),
            "intercepts": list(self.intercepts),
            "coefficients": {f: list(w) for f, w in sorted(self.coefficients.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Weights:
        classes = tuple(str(c) for c in data["classes"])
        intercepts = tuple(float(x) for x in data["intercepts"])
        coefficients = {str(f): tuple(float(x) for x in w) for f, w in data["coefficients"].items()}
        if len(intercepts) != len(classes) or any(len(w) != len(classes) for w in coefficients.values()):
            raise ValueError("a weight row does not have one number per class")
        return cls(classes, intercepts, coefficients, str(data.get("version", "")))


def examples(cases: Sequence[Case]) -> tuple[list[str], list[str]]:
    """(sentences, intents): the last turn of every case that names a known intent."""
    texts: list[str] = []
    labels: list[str] = []
    for case in cases:
        if case.intent in INTENTS:
            texts.append(case.turns[-1])
            labels.append(case.intent)
    return texts, labels


def train(cases: Sequence[Case]) -> Weights:
    """The classifier learnt from ``cases``; ``ConfigurationError`` when scikit-learn is not installed."""
    try:
        from sklearn.feature_extraction import DictVectorizer  # type: ignore[import-untyped]
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
        from sklearn.preprocessing import normalize  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - scikit-learn is a dependency
        raise ConfigurationError(
            "training the intent classifier needs scikit-learn (pip install scikit-learn)"
        ) from exc
    texts, labels = examples(cases)
    if len(set(labels)) < 2:
        raise ValueError("the corpus names fewer than two intents: nothing to learn")
    lexicon = Lexicon()
    present = [dict.fromkeys(features(text, lexicon), 1.0) for text in texts]
    vectorizer = DictVectorizer(sort=True)
    matrix = normalize(vectorizer.fit_transform(present))
    model = LogisticRegression(C=REGULARIZATION, max_iter=5000, tol=1e-6)
    model.fit(matrix, labels)
    classes = tuple(str(c) for c in model.classes_)
    names = vectorizer.get_feature_names_out()
    rows = [[float(x) for x in row] for row in model.coef_]
    biases = [float(x) for x in model.intercept_]
    if len(classes) == 2:  # one row scores the second class against the first: softmax of (0, score)
        rows, biases = [[0.0] * len(rows[0]), rows[0]], [0.0, biases[0]]
    coefficients: dict[str, tuple[float, ...]] = {}
    for column, name in enumerate(names):
        weights = tuple(round(row[column], 4) for row in rows)
        if max(abs(w) for w in weights) >= _MIN_WEIGHT:
            coefficients[str(name)] = weights
    intercepts = tuple(round(x, 4) for x in biases)
    log.info("intent classifier trained on %d sentences, %d features, %d intents", len(texts), len(names), len(classes))
    return Weights(classes, intercepts, coefficients)
