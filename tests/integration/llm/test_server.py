"""The OpenAI-compatible backend against a real llama_cpp.server (SmolLM2-135M): skipped without ALMA_TEST_LLM."""

from __future__ import annotations

import json
from contextlib import aclosing

import pytest

from alma.errors import ConfigurationError
from alma.llm import LLMBackend, LLMConfig, Message, ModelError, ModelTimeoutError, OpenAICompatibleBackend
from tests.integration.llm.conftest import BackendMaker

HELLO: list[Message] = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Say hello in one short sentence."},
]
SPEC_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "cores": {"type": "integer"}},
    "required": ["name", "cores"],
    "additionalProperties": False,
}
ASK_SPEC: list[Message] = [
    {"role": "user", "content": "Describe a server named web-01 with 2 cores as JSON with keys name and cores."}
]


async def test_a_completion_returns_the_models_text(backend: LLMBackend) -> None:
    text = await backend.complete(HELLO, max_tokens=24)

    assert text.strip()


async def test_a_stream_yields_the_answer_in_several_pieces(backend: LLMBackend) -> None:
    async with aclosing(backend.stream(HELLO, max_tokens=24)) as stream:
        pieces = [piece async for piece in stream]

    assert len(pieces) > 1
    assert "".join(pieces).strip()


async def test_a_stream_left_early_closes_cleanly(backend: LLMBackend) -> None:
    async with aclosing(backend.stream(HELLO, max_tokens=24)) as stream:
        first = await anext(stream)

    assert first
    assert (await backend.complete(HELLO, max_tokens=8)).strip()  # the pooled client is still usable


async def test_json_mode_with_a_schema_gives_json_of_that_shape(backend: LLMBackend) -> None:
    answer = json.loads(await backend.complete(ASK_SPEC, json_schema=SPEC_SCHEMA, max_tokens=48))

    assert set(answer) == {"name", "cores"}
    assert isinstance(answer["name"], str)
    assert isinstance(answer["cores"], int)


async def test_plain_json_mode_gives_a_json_object(make_backend: BackendMaker) -> None:
    backend = make_backend(json_mode="json_object")

    answer = json.loads(await backend.complete(ASK_SPEC, json_schema=SPEC_SCHEMA, max_tokens=48))

    assert isinstance(answer, dict)


async def test_an_unsupported_response_format_is_a_model_error_carrying_the_servers_words(
    make_backend: BackendMaker,
) -> None:
    # llama-cpp-python's server knows json_object (+ schema) only; it refuses OpenAI's json_schema form
    # with an HTTP 500 whose message says what it accepts.
    backend = make_backend(json_mode="json_schema")

    with pytest.raises(ModelError, match="json_object") as caught:
        await backend.complete(ASK_SPEC, json_schema=SPEC_SCHEMA, max_tokens=48)

    assert caught.value.status == 500


async def test_no_answer_within_the_timeout_is_an_error(make_backend: BackendMaker) -> None:
    backend = make_backend(timeout_s=0.05)

    with pytest.raises(ModelTimeoutError, match=r"no answer within 0\.05s"):
        await backend.complete(HELLO, max_tokens=64)


async def test_a_stalled_stream_is_an_error(make_backend: BackendMaker) -> None:
    backend = make_backend(timeout_s=0.05)

    with pytest.raises(ModelTimeoutError):
        async with aclosing(backend.stream(HELLO, max_tokens=64)) as stream:
            _ = [piece async for piece in stream]


async def test_a_wrong_path_is_a_configuration_error_naming_the_endpoint(llm_base_url: str) -> None:
    wrong = llm_base_url.removesuffix("/v1") + "/nothing-here"
    async with OpenAICompatibleBackend(LLMConfig(base_url=wrong, model="m")) as backend:
        with pytest.raises(ConfigurationError, match="nothing-here") as caught:
            await backend.complete(HELLO)

    assert "404" in str(caught.value)
