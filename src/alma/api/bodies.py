"""Reading request bodies: bounded while streaming (a chunked body declares no length), decoded strictly."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

from alma.api.auth import services_of

# The OpenAPI description of a route that reads a blueprint with ``text_body`` (FastAPI cannot see a body
# read by hand). The outline is for clients and fuzzers; the blueprint model is what validates, and its
# diagnostics say what is wrong.
BLUEPRINT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A blueprint, as YAML or JSON text (the content type is not read).",
        "content": {
            "application/yaml": {
                "schema": {
                    "type": "object",
                    "required": ["version", "name", "resources"],
                    "properties": {
                        "version": {"type": "string", "example": "1.0"},
                        "name": {"type": "string"},
                        "description": {"type": "string"},
                        "resources": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["type", "name", "provider"],
                                "properties": {
                                    "type": {"type": "string"},
                                    "name": {"type": "string"},
                                    "provider": {"type": "string"},
                                    "specs": {"type": "object"},
                                    "dependencies": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                        },
                    },
                }
            },
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}


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
