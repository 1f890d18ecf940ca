"""Backends pointed at scripted models (``tests.scripted_model``: a real OpenAI-compatible HTTP server on
loopback), closed after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from alma.llm import LLMConfig, OpenAICompatibleBackend
from tests.scripted_model import ScriptedModel


@pytest.fixture
async def backend_for() -> AsyncIterator[Any]:
    made: list[OpenAICompatibleBackend] = []

    def make(model: ScriptedModel) -> OpenAICompatibleBackend:
        backend = OpenAICompatibleBackend(LLMConfig(base_url=model.base_url, model="scripted"))
        made.append(backend)
        return backend

    yield make
    for backend in made:
        await backend.aclose()
