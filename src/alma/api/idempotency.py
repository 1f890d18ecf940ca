"""``Idempotency-Key`` on POSTs: the first answer is stored and replayed to retries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from alma.api import problems
from alma.api.auth import services_of
from alma.errors import ConflictError

HEADER = "idempotency-key"


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def idempotent(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        key = request.headers.get(HEADER)
        caller = request.headers.get("x-api-key") or request.headers.get("authorization")
        if request.method != "POST" or not key or not caller:
            return await call_next(request)
        service = services_of(request).idempotency
        body = await request.body()  # bounded already by the body-size middleware; kept for the route
        scope, body_hash = service.scope(caller, request.url.path, key, body)
        try:
            replay = await service.begin(scope, body_hash)
        except ConflictError as busy:
            return problems.problem(409, "Request in progress", str(busy))
        if replay is not None:
            return Response(
                replay.body,
                status_code=replay.status_code,
                media_type=replay.media_type,
                headers={"Idempotent-Replay": "true"},
            )
        try:
            response = await call_next(request)
            chunks = [chunk async for chunk in response.body_iterator]  # type: ignore[attr-defined]
        except BaseException:
            await service.abandon(scope)
            raise
        content = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
        media_type = response.headers.get("content-type", "application/json")
        if response.status_code >= 500:
            await service.abandon(scope)  # a failure to retry, not an answer to keep
        else:
            await service.finish(scope, response.status_code, content.decode("utf-8", "replace"), media_type)
        return Response(content, status_code=response.status_code, headers=dict(response.headers))
