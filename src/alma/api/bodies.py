"""Reading request bodies as text, decoded strictly (their size is bounded by the gate as they stream)."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

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


# ``/validate`` takes any text: saying what is wrong with it is the answer (``{"valid": false, ...}``), so
# no text is a request the route refuses — only an empty body is.
ANY_TEXT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "Text to validate as a blueprint (YAML or JSON); every problem is reported in the answer.",
        "content": {"text/plain": {"schema": {"type": "string", "minLength": 1, "pattern": "\\S"}}},
    }
}


async def text_body(request: Request) -> str:
    """The body as text (a YAML or JSON blueprint); 400 if it is not UTF-8. The gate (``alma.perimeter``)
    counts it as it streams and answers 413 past ``ALMA_API_MAX_BODY_BYTES``."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
    if not body.strip():
        raise HTTPException(400, "the body is empty: send a blueprint (YAML or JSON)")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(400, f"the body is not UTF-8 text (byte {exc.start})") from exc
