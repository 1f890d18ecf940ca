"""The one place where errors become HTTP answers: RFC 9457 problem JSON, with the CLI's messages, every
message through the redactor (``alma.redaction``: configured secrets never reach a client). Anything that
is not one of ALMA's errors is a bug: the client gets a 500 naming its request id, never the exception's
text (which may quote SQL and its parameters); the log gets the rest, scrubbed."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from alma.errors import (
    AlmaError,
    ApprovalRequiredError,
    BlueprintInvalidError,
    ConfigurationError,
    ConflictError,
    EngineError,
    InvalidInputError,
    NotFoundError,
    RefusedError,
    UpstreamError,
)
from alma.redaction import Redactor

PROBLEM = "application/problem+json"
REQUEST_ID = "alma.request_id"  # where the observability layer keeps the request's id in the ASGI scope
log = logging.getLogger("alma.api")


def status_for(error: AlmaError) -> int:
    if isinstance(error, BlueprintInvalidError):
        return 422
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, InvalidInputError):
        return 400
    if isinstance(error, ConflictError):
        return 409
    if isinstance(error, ApprovalRequiredError | RefusedError):
        return 403
    if isinstance(error, EngineError | UpstreamError):
        return 502
    if isinstance(error, ConfigurationError):
        return 503
    return 500


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def redactor_of(request: Request) -> Redactor:
    redactor: Redactor = request.app.state.redactor
    return redactor


def error_problem(error: AlmaError, redactor: Redactor) -> dict[str, Any]:
    """An ALMA error as problem JSON fields (also for errors said inside a stream)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": type(error).__name__,
        "status": status_for(error),
        "detail": redactor.scrub(str(error)),
        "error": type(error).__name__,
    }
    if isinstance(error, BlueprintInvalidError):
        body["errors"] = [redactor.scrub_value(d.as_json()) for d in error.diagnostics if d.severity == "error"]
        body["warnings"] = [redactor.scrub_value(d.as_json()) for d in error.diagnostics if d.severity == "warning"]
    return body


def install(app: FastAPI) -> None:
    @app.exception_handler(AlmaError)
    async def alma_error(request: Request, error: AlmaError) -> JSONResponse:
        body = error_problem(error, redactor_of(request))
        return JSONResponse(body, status_code=body["status"], media_type=PROBLEM)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> JSONResponse:
        scrub = redactor_of(request).scrub
        errors = [{"path": ".".join(str(p) for p in e["loc"]), "message": scrub(e["msg"])} for e in error.errors()]
        return problem(422, "Invalid request", "the request does not have the expected shape", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = redactor_of(request).scrub(str(error.detail))
        answer = problem(error.status_code, detail, detail)
        answer.headers.update(error.headers or {})
        if error.status_code == 405:  # every method the path has, not only those of the route tried first
            answer.headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
        return answer

    @app.exception_handler(Exception)
    async def bug(request: Request, error: Exception) -> JSONResponse:
        # The exception's text stays in the log (scrubbed there); the client learns only where to look.
        request_id = request.scope.get(REQUEST_ID, "")
        log.error("unhandled error in %s %s (request %s)", request.method, request.url.path, request_id)
        return problem(
            500, "Internal error", f"an internal error occurred; the server log has it (request {request_id})"
        )


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the OpenAPI document lists for ``path`` (matched against its templates)."""
    templates: list[tuple[re.Pattern[str], list[str]]] | None = getattr(app.state, "path_templates", None)
    if templates is None:
        templates = [
            (re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"), [m.upper() for m in ops])
            for template, ops in app.openapi()["paths"].items()
        ]
        app.state.path_templates = templates
    return sorted({method for pattern, methods in templates if pattern.match(path) for method in methods})


# What OpenAPI says every route may answer besides success: problem JSON (clients and fuzzers read it).
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "error": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
        "warnings": {"type": "array", "items": {"type": "object"}},
    },
}
_REASONS = {
    400: "Bad request: the input cannot be used as given",
    401: "No API key, or a wrong one",
    403: "The key's role may not do this, or the request is refused",
    404: "No such thing",
    409: "The request conflicts with the current state",
    413: "The body is larger than ALMA_API_MAX_BODY_BYTES",
    422: "The request does not have the expected shape, or a blueprint is invalid",
    429: "Too many requests for this key (or wrong keys from this address); see Retry-After",
    502: "An engine or a service ALMA relies on failed",
    503: "ALMA's configuration or database cannot be used",
}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": reason, "content": {PROBLEM: {"schema": PROBLEM_SCHEMA}}}
    for status, reason in _REASONS.items()
}
