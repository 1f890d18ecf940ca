"""The one interface every language-model backend implements, and the settings of one backend.

A backend is made once (by the composition root), holds one pooled client for its whole life, and is
closed with ``aclose``. ``complete`` returns the whole answer; ``stream`` yields it piece by piece; a
``json_schema`` asks for a JSON answer shaped by that schema where the server can constrain its output,
and for a JSON object at least where it cannot — callers validate what comes back either way.

Failures raise (see ``alma.llm.errors``): ``ConfigurationError`` when the endpoint is unusable,
``ModelError`` when the model failed, ``ModelTimeoutError`` when it did not answer in time.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, Literal, Protocol, TypedDict
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, SecretStr, field_validator

__all__ = ["JsonMode", "LLMBackend", "LLMConfig", "Message"]

Role = Literal["system", "user", "assistant"]

# How a JSON answer is asked for, by what the server understands:
#   json_schema         OpenAI structured outputs: {"type": "json_schema", "json_schema": {"schema": ...}}
#                       (OpenAI, vLLM, llama.cpp's llama-server)
#   json_object_schema  {"type": "json_object", "schema": ...}: llama-cpp-python's server and llama-server
#                       turn the schema into a grammar
#   json_object         JSON mode only; the schema travels in the prompt and nothing constrains the output
JsonMode = Literal["json_schema", "json_object_schema", "json_object"]


class Message(TypedDict):
    role: Role
    content: str


class LLMConfig(BaseModel):
    """One OpenAI-compatible endpoint. ``api_key`` is a ``SecretStr``: it is sent, never logged or shown."""

    # hide_input_in_errors: a rejected value may be a URL with a password in it.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    base_url: str
    model: str
    api_key: SecretStr | None = None
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: PositiveInt = 512
    timeout_s: float = Field(default=60.0, gt=0)
    json_mode: JsonMode = "json_schema"
    max_connections: PositiveInt = 8

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL such as http://127.0.0.1:8080/v1")
        if parts.username is not None or parts.password is not None:
            raise ValueError("must not carry user info; the key goes in ALMA_LLM_API_KEY")
        return url.rstrip("/")


class LLMBackend(Protocol):
    """A chat model. Implementations: ``OpenAICompatibleBackend`` (HTTP), ``TransformersBackend`` (in process)."""

    async def complete(
        self,
        messages: Sequence[Message],
        *,
        json_schema: Mapping[str, Any] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> str:
        """The model's whole answer to ``messages``; ``None`` settings fall back to the backend's config."""
        ...

    def stream(
        self,
        messages: Sequence[Message],
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> AsyncGenerator[str, None]:
        """The answer in pieces as the model produces them (empty pieces are not yielded). A caller that
        stops early closes it (``contextlib.aclosing``) so the connection goes back to the pool at once."""
        ...

    async def aclose(self) -> None:
        """Close the pooled client; the backend cannot be used afterwards."""
        ...
