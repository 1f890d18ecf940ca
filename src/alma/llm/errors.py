"""How a language model's failures enter ALMA's error tree (``alma.errors``), at the backend's boundary.

```
AlmaError
├── ConfigurationError       the endpoint cannot be reached, refuses the key, or has no such model
└── UpstreamError
    └── ModelError           the model was reached and failed: an error answer, a malformed one
        └── ModelTimeoutError    no (complete) answer within the configured timeout
```

Messages name the endpoint (scheme, host, port, path: never user info, query or the API key) so that
an operator can tell which server is wrong without a secret ever reaching a log.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from alma.errors import AlmaError, ConfigurationError, UpstreamError

__all__ = ["ModelError", "ModelTimeoutError", "endpoint_of", "status_error"]


class ModelError(UpstreamError):
    """The model's server answered, and the answer is an error or unusable.

    ``retryable`` is true for failures that may pass on a later try (overload, rate limits, timeouts);
    ``status`` is the HTTP status when there was one.
    """

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None) -> None:
        self.retryable = retryable
        self.status = status
        super().__init__(message)


class ModelTimeoutError(ModelError):
    """No answer, or no next piece of a streamed answer, within the timeout: an error, never a ``None``."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=True)


def endpoint_of(url: str) -> str:
    """``url`` without user info, query or fragment: safe to log and to put in an error message."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def status_error(status: int, detail: str, what: str) -> AlmaError:
    """The error for an HTTP error answer to ``what`` (a request, named by its endpoint)."""
    detail = " ".join(detail.split())[:300] or "no detail"
    if status in (401, 403):
        return ConfigurationError(
            f"{what}: the server refused the API key (HTTP {status}: {detail}); check ALMA_LLM_API_KEY"
        )
    if status == 404:
        return ConfigurationError(
            f"{what}: not found (HTTP 404: {detail}); check ALMA_LLM_BASE_URL (it usually ends in /v1) "
            "and ALMA_LLM_MODEL"
        )
    retryable = status in (408, 409, 425, 429) or status >= 500
    return ModelError(f"{what}: the model server answered HTTP {status}: {detail}", retryable=retryable, status=status)
