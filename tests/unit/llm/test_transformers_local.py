"""The local Transformers backend without a model: device choice, where the model is, reading a JSON answer,
and how the settings select it. Nothing here imports torch or loads anything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from alma.bootstrap import make_llm_backend
from alma.errors import ConfigurationError
from alma.llm.transformers_local import (
    DEFAULT_LOCAL_MODEL,
    LocalModelConfig,
    TransformersBackend,
    first_json_object,
    pick_device,
)
from tests.conftest import make_settings


@pytest.mark.parametrize(
    ("cuda", "mps", "picked"),
    [(True, True, "cuda"), (True, False, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_auto_prefers_cuda_then_mps_then_the_cpu(cuda: bool, mps: bool, picked: str) -> None:
    assert pick_device("auto", cuda, mps) == picked


@pytest.mark.parametrize(("setting", "cuda", "mps"), [("cpu", True, True), ("cuda", True, False), ("mps", False, True)])
def test_a_named_device_that_is_there_is_used(setting: str, cuda: bool, mps: bool) -> None:
    assert pick_device(setting, cuda, mps) == setting


@pytest.mark.parametrize("setting", ["cuda", "mps"])
def test_a_named_device_that_is_not_there_is_refused_rather_than_replaced(setting: str) -> None:
    with pytest.raises(ConfigurationError, match=f"the device {setting} was asked for .*ALMA_LLM_DEVICE=auto or cpu"):
        pick_device(setting, False, False)


def test_an_unknown_device_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="unknown device 'tpu'"):
        pick_device("tpu", True, True)


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        ('{"intent": "status"}', '{"intent": "status"}'),
        ('Sure! {"a": {"b": [1, 2]}} and {"c": 3}', '{"a": {"b": [1, 2]}}'),
        ('{"text": "a } inside a string"} tail', '{"text": "a } inside a string"}'),
        ('{not json} then {"ok": true}', '{"ok": true}'),
        ('```json\n{"ok": true}\n```', '{"ok": true}'),
        ('{"cut": "at max_tok', None),
        ("[1, 2, 3]", None),
        ("no object at all", None),
    ],
)
def test_the_first_complete_json_object_is_found_as_written(answer: str, found: str | None) -> None:
    assert first_json_object(answer) == found


def test_the_default_model_is_qwen_2_5_half_a_billion_instruct() -> None:
    assert LocalModelConfig().model == DEFAULT_LOCAL_MODEL == "Qwen/Qwen2.5-0.5B-Instruct"


def test_importing_the_backend_imports_neither_torch_nor_transformers() -> None:
    code = "import sys, alma.llm.transformers_local; print(sorted({'torch', 'transformers'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"


async def test_a_directory_with_one_gguf_file_names_that_file(tmp_path: Path) -> None:
    (tmp_path / "model.Q4.gguf").write_bytes(b"GGUF")

    async with TransformersBackend(LocalModelConfig(model=str(tmp_path))) as backend:
        assert backend.what == f"local model {tmp_path / 'model.Q4.gguf'}"
        assert backend.device is None


@pytest.mark.parametrize(
    ("files", "model", "gguf_file", "refusal"),
    [
        ([], "missing.gguf", None, "there is no model file or directory .*missing.gguf"),
        (["a.gguf", "b.gguf"], ".", None, r"several \.gguf files \(a\.gguf, b\.gguf\).*ALMA_LLM_GGUF_FILE"),
        (["a.gguf"], ".", "b.gguf", "there is no b.gguf"),
        (["a.gguf"], "a.gguf", "b.gguf", "names the file a.gguf and ALMA_LLM_GGUF_FILE names b.gguf"),
        (["weights.bin"], "weights.bin", None, "not a .gguf file"),
        (["notes.txt"], ".", None, r"neither a model saved by Transformers \(config.json\) nor a .gguf file"),
    ],
)
def test_a_model_path_that_cannot_be_a_model_is_refused_when_the_backend_is_made(
    tmp_path: Path, files: list[str], model: str, gguf_file: str | None, refusal: str
) -> None:
    for name in files:
        (tmp_path / name).write_bytes(b"")

    with pytest.raises(ConfigurationError, match=refusal):
        TransformersBackend(LocalModelConfig(model=str(tmp_path / model), gguf_file=gguf_file))


async def test_the_settings_choose_the_local_backend_with_qwen_by_default(tmp_path: Path) -> None:
    backend = make_llm_backend(make_settings(tmp_path, llm_backend="transformers", llm_device="cpu"))

    assert isinstance(backend, TransformersBackend)
    async with backend:
        assert (backend.config.model, backend.config.device) == (DEFAULT_LOCAL_MODEL, "cpu")


def test_without_llm_settings_there_is_no_backend(tmp_path: Path) -> None:
    assert make_llm_backend(make_settings(tmp_path)) is None


@pytest.mark.parametrize(
    ("settings", "refusal"),
    [
        ({"llm_backend": "transformers", "llm_base_url": "http://127.0.0.1:8080/v1"}, "unset them"),
        ({"llm_backend": "transformers", "llm_api_key": "k"}, "ALMA_LLM_API_KEY name a server"),
        ({"llm_backend": "openai"}, "ALMA_LLM_BACKEND=openai needs ALMA_LLM_BASE_URL"),
        ({"llm_gguf_file": "m.gguf"}, "ALMA_LLM_GGUF_FILE apply to a local model only"),
        (
            {"llm_base_url": "http://127.0.0.1:8080/v1", "llm_model": "m", "llm_device": "cuda"},
            "ALMA_LLM_DEVICE apply to a local model only: set ALMA_LLM_BACKEND=transformers",
        ),
    ],
)
def test_llm_settings_that_contradict_each_other_are_refused(
    tmp_path: Path, settings: dict[str, str], refusal: str
) -> None:
    with pytest.raises(ConfigurationError, match=refusal):
        make_llm_backend(make_settings(tmp_path, **settings))
