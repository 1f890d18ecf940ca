"""The intent classifier: trained from labelled conversations, deterministic, cached, read without
scikit-learn, and heard only where the grammar has no confident reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alma.conversation import IntentParser
from alma.conversation.classifier import IntentClassifier, default_classifier
from alma.conversation.corpus import parse_cases, read_cases
from alma.conversation.reconcile import reconcile
from alma.conversation.training import Weights, train
from alma.errors import InvalidInputError

CORPUS = Path(__file__).resolve().parents[3] / "eval" / "intents-tune.jsonl"
LINES = [
    {"id": "a", "turns": ["obliterate web-01"], "expect": {"intent": "destroy"}},
    {"id": "b", "turns": ["obliterate db-02 now"], "expect": {"intent": "destroy"}},
    {"id": "c", "turns": ["is web-01 happy"], "expect": {"intent": "status"}},
    {"id": "d", "turns": ["is db-02 happy today"], "expect": {"intent": "status"}},
    {"id": "e", "turns": ["hello there"], "expect": {"persona": "operator"}},  # no intent: not learnt from
]


def corpus(path: Path) -> Path:
    path.write_text("\n".join(json.dumps(line) for line in LINES) + "\n", encoding="utf-8")
    return path


def test_training_twice_on_the_same_cases_gives_the_same_weights(tmp_path: Path) -> None:
    cases = read_cases(corpus(tmp_path / "c.jsonl"))
    assert train(cases).as_json() == train(cases).as_json()


def test_what_is_learnt_carries_to_names_never_seen_with_the_verb(tmp_path: Path) -> None:
    model = IntentClassifier(train(read_cases(corpus(tmp_path / "c.jsonl"))))
    assert model.predict("obliterate cache-77").intent == "destroy"
    assert model.predict("is cache-77 happy").intent == "status"


def test_weights_survive_a_round_trip_through_json(tmp_path: Path) -> None:
    weights = train(read_cases(corpus(tmp_path / "c.jsonl")))
    again = Weights.from_json(json.loads(json.dumps(weights.as_json())))
    assert IntentClassifier(again).predict("obliterate x-1") == IntentClassifier(weights).predict("obliterate x-1")


def test_the_model_is_trained_once_and_then_read_from_its_cache(tmp_path: Path) -> None:
    source = corpus(tmp_path / "c.jsonl")
    first = default_classifier(source, tmp_path / "cache")
    cached = list((tmp_path / "cache").glob("intents-*.json"))
    assert first is not None and len(cached) == 1
    cached[0].write_text(json.dumps({**json.loads(cached[0].read_text()), "intercepts": [9.0, -9.0]}))
    again = default_classifier(source, tmp_path / "cache")  # the cache is read, not trained again
    assert again is not None and again.predict("is web-01 happy").intent == "destroy"


def test_without_a_corpus_there_is_no_classifier_and_the_grammar_reads_alone(tmp_path: Path) -> None:
    assert default_classifier(tmp_path / "missing.jsonl", tmp_path / "cache") is None


def test_a_malformed_corpus_line_is_refused_with_its_line_number() -> None:
    with pytest.raises(InvalidInputError, match=r"corpus:2: 'turns' must be"):
        parse_cases('{"id": "a", "turns": ["x"], "expect": {}}\n{"id": "b", "turns": [], "expect": {}}', "corpus")
    with pytest.raises(InvalidInputError, match=r"corpus:1: not JSON"):
        parse_cases("{nope", "corpus")


def test_a_confident_grammar_reading_is_not_overruled(tmp_path: Path) -> None:
    parser = IntentParser()
    model = IntentClassifier(train(read_cases(corpus(tmp_path / "c.jsonl"))))
    parsed = parser.parse("restart web-01")
    assert reconcile(parsed, model.predict("restart web-01"), parser, "restart web-01") == parsed


@pytest.mark.skipif(not CORPUS.exists(), reason="the repository's tuning corpus is not here")
def test_the_repository_corpus_trains_a_classifier_that_reads_its_own_cases() -> None:
    cases = read_cases(CORPUS)
    model = IntentClassifier(train(cases))
    labelled = [c for c in cases if c.intent is not None and len(c.turns) == 1]
    right = sum(model.predict(c.turns[0]).intent == c.intent for c in labelled)
    assert right / len(labelled) > 0.9
