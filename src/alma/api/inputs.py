"""What the routes accept, bounded to what the store can hold, so that no input reaches the database only
to fail there as a server error: it is refused first, as a 4xx problem that says why.

- Ids and offsets are integers PostgreSQL can compare (its ids are 32-bit), not any Python int.
- Text fields refuse NUL characters (PostgreSQL cannot store them) and lone surrogates (not Unicode text).
- A NUL in the URL (``%00``) is refused before routing: no stack, plan or deployment is named so.

The bounds are in the OpenAPI document too, so clients and fuzzers know them.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote

from fastapi import FastAPI, Path, Query
from pydantic import StringConstraints
from starlette.types import ASGIApp, Receive, Scope, Send

from alma.api import problems

MAX_ID = 2**31 - 1  # PostgreSQL's integer: what an id or an event cursor can be

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
Cursor = Annotated[int, Query(ge=0, le=MAX_ID)]
# Checked by pydantic-core, which also refuses strings with lone surrogates.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]


def event_cursor(last_event_id: str | None, default: int) -> int:
    """Where a reconnecting event stream resumes: after ``Last-Event-ID`` when it is an event id (plain
    ASCII digits within bounds), else after ``default``. The length is checked before ``int``: Python
    refuses to convert more than 4300 digits, and no id has more than 10."""
    given = last_event_id or ""
    if 0 < len(given) <= len(str(MAX_ID)) and given.isascii() and given.isdigit() and int(given) <= MAX_ID:
        return int(given)
    return default


class RefuseNulInUrls:
    """A NUL in the path or the query string (``%00``) is refused before routing: 400 problem JSON, or a
    refused handshake for a WebSocket. Plain ASGI, so it costs a request nothing when the URL is clean."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and _has_nul(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": "the URL contains a NUL character"})
                return
            refused = problems.problem(400, "Invalid URL", "the URL contains a NUL character (%00)")
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _has_nul(scope: Scope) -> bool:
    query = bytes(scope.get("query_string", b"")).decode("latin-1")
    return "\x00" in scope["path"] or "\x00" in unquote(query)


def install(app: FastAPI) -> None:
    app.add_middleware(RefuseNulInUrls)
