"""The backend's HTTP contract without a model: what it sends, and how each failure is translated.

Error answers come from ``httpx.MockTransport`` (a real transport that answers in memory); an endpoint
that cannot be reached and one that never answers are real sockets on loopback. These always run.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from contextlib import aclosing

import httpx
import pytest

from alma.errors import ConfigurationError
from alma.llm import LLMConfig, Message, ModelError, ModelTimeoutError, OpenAICompatibleBackend, endpoint_of
from tests.integration.llm.server import free_port

SECRET = "sk-do-not-log-me"
ASK: list[Message] = [{"role": "user", "content": "hi"}]
Handler = Callable[[httpx.Request], httpx.Response]


def backend_for(handler: Handler, **overrides: object) -> OpenAICompatibleBackend:
    config = LLMConfig.model_validate(
        {"base_url": "http://llm.example:8080/v1/", "model": "tiny", "api_key": SECRET, **overrides}
    )
    return OpenAICompatibleBackend(config, transport=httpx.MockTransport(handler))


def completion(content: str | None, finish_reason: str = "stop") -> httpx.Response:
    message = {"role": "assistant", "content": content}
    return httpx.Response(200, json={"choices": [{"index": 0, "message": message, "finish_reason": finish_reason}]})


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"


def test_the_endpoint_named_in_messages_has_no_user_info_or_query() -> None:
    assert endpoint_of("https://me:secret@llm.example:8443/v1/?key=abc#x") == "https://llm.example:8443/v1"


def test_the_api_key_is_not_in_the_backends_repr_or_config_repr() -> None:
    backend = backend_for(lambda request: completion("x"))

    assert SECRET not in repr(backend)
    assert SECRET not in repr(LLMConfig(base_url="http://h/v1", model="m", api_key=SECRET))


def test_a_base_url_that_is_not_http_is_refused_by_the_config() -> None:
    with pytest.raises(ValueError, match="http"):
        LLMConfig(base_url="ftp://h/v1", model="m")


def test_a_base_url_with_a_password_is_refused_without_repeating_it() -> None:
    # httpx would send the URL's user info as Basic auth instead of the key; and the value must not be echoed.
    with pytest.raises(ValueError, match="user info") as caught:
        LLMConfig(base_url="http://me:hunter2@h/v1", model="m")

    assert "hunter2" not in str(caught.value)


async def test_a_completion_request_carries_model_messages_settings_and_the_key() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return completion("hello")

    async with backend_for(handler, temperature=0.3, max_tokens=77) as backend:
        assert await backend.complete(ASK) == "hello"

    body = json.loads(seen[0].content)
    assert str(seen[0].url) == "http://llm.example:8080/v1/chat/completions"
    assert seen[0].headers["authorization"] == f"Bearer {SECRET}"
    assert body == {"model": "tiny", "messages": ASK, "temperature": 0.3, "max_tokens": 77, "stream": False}


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("json_schema", {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}}}),
        ("json_object_schema", {"type": "json_object", "schema": {"type": "object"}}),
        ("json_object", {"type": "json_object"}),
    ],
)
async def test_a_json_schema_is_asked_for_in_the_configured_json_mode(mode: str, expected: object) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return completion("{}")

    async with backend_for(handler, json_mode=mode) as backend:
        await backend.complete(ASK, json_schema={"type": "object"})

    assert json.loads(seen[0].content)["response_format"] == expected


@pytest.mark.parametrize("status", [401, 403, 404])
async def test_a_refused_key_or_missing_path_is_a_configuration_error_without_secrets(status: int) -> None:
    async with backend_for(lambda request: httpx.Response(status, json={"error": {"message": "nope"}})) as backend:
        with pytest.raises(ConfigurationError) as caught:
            await backend.complete(ASK)

    message = str(caught.value)
    assert "http://llm.example:8080/v1/chat/completions" in message
    assert f"HTTP {status}: nope" in message
    assert SECRET not in message


@pytest.mark.parametrize(("status", "retryable"), [(400, False), (422, False), (429, True), (500, True), (503, True)])
async def test_other_error_answers_are_model_errors(status: int, retryable: bool) -> None:
    async with backend_for(lambda request: httpx.Response(status, text="overloaded")) as backend:
        with pytest.raises(ModelError, match=f"HTTP {status}: overloaded") as caught:
            await backend.complete(ASK)

    assert caught.value.status == status
    assert caught.value.retryable is retryable


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>proxy</html>"),
        httpx.Response(200, json={"choices": []}),
        completion(None, finish_reason="tool_calls"),
    ],
)
async def test_an_answer_that_is_not_a_completion_is_a_model_error(response: httpx.Response) -> None:
    async with backend_for(lambda request: response) as backend:
        with pytest.raises(ModelError):
            await backend.complete(ASK)


async def test_a_stream_is_read_from_server_sent_events_until_done() -> None:
    events = [
        ": keep-alive",
        'data: {"choices":[{"delta":{"role":"assistant"}}]}',
        'data: {"choices":[{"delta":{"content":"Hel"}}]}',
        "",
        'data: {"choices":[{"delta":{"content":"lo"}}]}',
        'data: {"choices":[],"usage":{"total_tokens":3}}',
        "data: [DONE]",
        'data: {"choices":[{"delta":{"content":"after done"}}]}',
    ]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="\n".join(events), headers={"content-type": "text/event-stream"})

    async with backend_for(handler) as backend, aclosing(backend.stream(ASK)) as stream:
        pieces = [piece async for piece in stream]

    assert pieces == ["Hel", "lo"]
    assert json.loads(seen[0].content)["stream"] is True


async def test_an_error_event_in_a_stream_is_a_model_error() -> None:
    text = 'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"error":{"message":"out of memory"}}\n\n'
    async with backend_for(lambda request: httpx.Response(200, text=text)) as backend:
        with pytest.raises(ModelError, match="out of memory"):
            async with aclosing(backend.stream(ASK)) as stream:
                _ = [piece async for piece in stream]


async def test_an_error_status_on_a_stream_is_translated_like_a_completions() -> None:
    async with backend_for(lambda request: httpx.Response(401, json={"error": {"message": "bad key"}})) as backend:
        with pytest.raises(ConfigurationError, match="bad key"):
            async with aclosing(backend.stream(ASK)) as stream:
                _ = [piece async for piece in stream]


async def test_an_unreachable_endpoint_is_a_configuration_error_naming_it() -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    config = LLMConfig(base_url=base_url, model="m", api_key=SECRET)
    async with OpenAICompatibleBackend(config) as backend:
        with pytest.raises(ConfigurationError, match="cannot reach the server") as caught:
            await backend.complete(ASK)

    assert f"{base_url}/chat/completions" in str(caught.value)
    assert SECRET not in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


async def test_a_server_that_never_answers_is_a_timeout_error(silent_server: str) -> None:
    async with OpenAICompatibleBackend(LLMConfig(base_url=silent_server, model="m", timeout_s=0.2)) as backend:
        with pytest.raises(ModelTimeoutError, match=r"no answer within 0\.2s") as caught:
            await backend.complete(ASK)

    assert caught.value.retryable
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
