"""A backend for any server that speaks OpenAI's chat completions API (OpenAI, vLLM, llama.cpp, Ollama…).

One ``httpx.AsyncClient`` per backend, pooled, made with the backend and closed by ``aclose``. The API
key travels only in the ``Authorization`` header; error messages and ``repr`` name the endpoint alone.
Streaming reads the server-sent events (``data: {...}`` lines, ending with ``data: [DONE]``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import httpx

from alma.errors import ConfigurationError
from alma.llm.backend import LLMBackend, LLMConfig, Message
from alma.llm.errors import ModelError, ModelTimeoutError, endpoint_of, status_error

__all__ = ["OpenAICompatibleBackend"]

log = logging.getLogger(__name__)
_PATH = "chat/completions"


class OpenAICompatibleBackend:
    """``LLMBackend`` over HTTP. ``transport`` replaces the network (tests: ``httpx.MockTransport``)."""

    def __init__(self, config: LLMConfig, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._config = config
        self.endpoint = endpoint_of(config.base_url)
        headers = {"Accept": "application/json"}
        if config.api_key is not None:
            headers["Authorization"] = f"Bearer {config.api_key.get_secret_value()}"
        self._http = httpx.AsyncClient(
            base_url=config.base_url + "/",
            headers=headers,
            timeout=httpx.Timeout(config.timeout_s),
            limits=httpx.Limits(max_connections=config.max_connections),
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"OpenAICompatibleBackend(endpoint={self.endpoint!r}, model={self._config.model!r})"

    async def __aenter__(self) -> OpenAICompatibleBackend:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        json_schema: Mapping[str, Any] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> str:
        body = self._body(messages, temperature, max_tokens, stream=False)
        if json_schema is not None:
            body["response_format"] = self._response_format(json_schema)
        what = f"POST {self.endpoint}/{_PATH} (model {self._config.model})"
        with self._translated(what):
            response = await self._http.post(_PATH, json=body)
        if not response.is_success:
            raise status_error(response.status_code, _detail(response), what)
        try:
            choice = response.json()["choices"][0]
            content = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ModelError(f"{what}: the answer is not a chat completion: {response.text[:200]!r}") from exc
        if not isinstance(content, str):
            raise ModelError(f"{what}: the answer has no text content (finish_reason {choice.get('finish_reason')})")
        if choice.get("finish_reason") == "length":
            log.info("%s: the answer was cut at max_tokens", what)
        return content

    async def stream(
        self,
        messages: Sequence[Message],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> AsyncGenerator[str, None]:
        body = self._body(messages, temperature, max_tokens, stream=True)
        what = f"POST {self.endpoint}/{_PATH} (model {self._config.model}, streaming)"
        with self._translated(what):
            async with self._http.stream("POST", _PATH, json=body, headers={"Accept": "text/event-stream"}) as answer:
                if not answer.is_success:
                    await answer.aread()
                    raise status_error(answer.status_code, _detail(answer), what)
                async for line in answer.aiter_lines():
                    if not line.startswith("data:"):
                        continue  # blank separators, ": keep-alive" comments, event: and id: fields
                    data = line[len("data:") :].strip()
                    if data == "[DONE]":
                        return
                    piece = _delta(data, what)
                    if piece:
                        yield piece

    def _body(
        self, messages: Sequence[Message], temperature: float | None, max_tokens: int | None, *, stream: bool
    ) -> dict[str, Any]:
        if not messages:
            raise ValueError("a chat completion needs at least one message")
        return {
            "model": self._config.model,
            "messages": [dict(m) for m in messages],
            "temperature": self._config.temperature if temperature is None else temperature,
            "max_tokens": self._config.max_tokens if max_tokens is None else max_tokens,
            "stream": stream,
        }

    def _response_format(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        mode = self._config.json_mode
        if mode == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": "answer", "schema": dict(schema)}}
        if mode == "json_object_schema":
            return {"type": "json_object", "schema": dict(schema)}
        return {"type": "json_object"}

    @contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        """httpx's exceptions, as ALMA's: an endpoint that cannot be reached is a configuration problem."""
        timeout = self._config.timeout_s
        try:
            yield
        except httpx.ConnectTimeout as exc:
            raise ConfigurationError(
                f"{what}: cannot connect within {timeout:g}s; check ALMA_LLM_BASE_URL and that the server runs"
            ) from exc
        except httpx.TimeoutException as exc:
            raise ModelTimeoutError(f"{what}: no answer within {timeout:g}s ({type(exc).__name__})") from exc
        except (httpx.ConnectError, httpx.ProxyError, httpx.UnsupportedProtocol) as exc:
            raise ConfigurationError(
                f"{what}: cannot reach the server ({type(exc).__name__}: {exc}); check ALMA_LLM_BASE_URL "
                "and that the server runs"
            ) from exc
        except httpx.TransportError as exc:  # the connection broke mid-answer
            raise ModelError(f"{what}: the connection failed ({type(exc).__name__}: {exc})", retryable=True) from exc


def _detail(response: httpx.Response) -> str:
    """The error message of an error answer: OpenAI's ``{"error": {"message"}}``, FastAPI's ``detail``, or text."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if error or body.get("detail"):
            return json.dumps(error or body.get("detail"))[:300]
    return json.dumps(body)[:300]


def _delta(data: str, what: str) -> str | None:
    try:
        event = json.loads(data)
    except ValueError as exc:
        raise ModelError(f"{what}: a streamed event is not JSON: {data[:200]!r}") from exc
    if not isinstance(event, dict):
        raise ModelError(f"{what}: a streamed event is not an object: {data[:200]!r}")
    if "error" in event:  # servers report failures after the 200 status as an event
        error = event["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise ModelError(f"{what}: the model failed while streaming: {message}", retryable=True)
    choices = event.get("choices") or []
    if not choices:
        return None  # a usage-only event
    try:
        content = choices[0].get("delta", {}).get("content")
    except AttributeError as exc:
        raise ModelError(f"{what}: a streamed event is not a chat completion chunk: {data[:200]!r}") from exc
    return content if isinstance(content, str) else None


_: type[LLMBackend] = OpenAICompatibleBackend
