"""The one place where errors become HTTP answers: RFC 9457 problem JSON, with the CLI's messages."""

from __future__ import annotations

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
    RefusedError,
    UpstreamError,
)

PROBLEM = "application/problem+json"


def status_for(error: AlmaError) -> int:
    if isinstance(error, BlueprintInvalidError):
        return 422
    if isinstance(error, InvalidInputError):
        return 404 if str(error).startswith("no ") else 400
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


def install(app: FastAPI) -> None:
    @app.exception_handler(AlmaError)
    async def alma_error(_request: Request, error: AlmaError) -> JSONResponse:
        extra: dict[str, Any] = {"error": type(error).__name__}
        if isinstance(error, BlueprintInvalidError):
            extra["errors"] = [d.as_json() for d in error.diagnostics if d.severity == "error"]
            extra["warnings"] = [d.as_json() for d in error.diagnostics if d.severity == "warning"]
        return problem(status_for(error), type(error).__name__, str(error), **extra)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in error.errors()]
        return problem(422, "Invalid request", "the request does not have the expected shape", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        return problem(error.status_code, str(error.detail), str(error.detail))
