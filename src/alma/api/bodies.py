"""Reading request bodies: bounded while streaming (a chunked body declares no length), decoded strictly."""

from __future__ import annotations

from fastapi import HTTPException, Request

from alma.api.auth import services_of


async def text_body(request: Request) -> str:
    """The body as text (a YAML or JSON blueprint); 413 past the configured limit, 400 if not UTF-8."""
    limit = services_of(request).settings.api_max_body_bytes
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(400, f"the body is not UTF-8 text (byte {exc.start})") from exc
