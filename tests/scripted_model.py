"""A scripted OpenAI-compatible chat server on 127.0.0.1: real HTTP, with answers read from a script.

Each request takes the next entry of the script: a string is the answer's content (sent in word-sized
pieces as server-sent events when the request asks to stream), an ``int`` is an error answer with that
HTTP status. A request past the end of the script is answered 500, so a test that asks the model more
than it meant to fails loudly. The requests' JSON bodies are kept for the tests to read.
"""

from __future__ import annotations

import asyncio
import json
import re
from types import TracebackType
from typing import Any

_STATUS = {200: "OK", 400: "Bad Request", 500: "Internal Server Error", 503: "Service Unavailable"}


class ScriptedModel:
    """Serve while the ``async with`` block runs; ``base_url`` is the API root (``.../v1``)."""

    def __init__(self, *script: str | int) -> None:
        self._script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.base_url = ""
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> ScriptedModel:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def left(self) -> int:
        """Entries of the script not asked for yet."""
        return len(self._script)

    def said_to(self, index: int) -> str:
        """Everything the messages of request ``index`` say, joined (what the model read)."""
        return "\n".join(m["content"] for m in self.requests[index]["messages"])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            length = re.search(r"(?im)^content-length:\s*(\d+)", head)
            body = json.loads(await reader.readexactly(int(length[1]) if length else 0))
            self.requests.append(body)
            answer: str | int = self._script.pop(0) if self._script else 500
            if isinstance(answer, int):
                error = {"error": {"message": f"scripted failure {answer}"}}
                await _send(writer, answer, "application/json", [json.dumps(error)])
            elif body.get("stream"):
                events = [_chunk({"role": "assistant"})]
                events += [_chunk({"content": piece}) for piece in re.findall(r"\S+\s*|\s+", answer)]
                await _send(writer, 200, "text/event-stream", [*events, "data: [DONE]\n\n"])
            else:
                choice = {"message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}
                await _send(writer, 200, "application/json", [json.dumps({"choices": [choice]})])
        finally:
            writer.close()
            await writer.wait_closed()


def _chunk(delta: dict[str, str]) -> str:
    return f"data: {json.dumps({'choices': [{'index': 0, 'delta': delta}]})}\n\n"


async def _send(writer: asyncio.StreamWriter, status: int, content_type: str, parts: list[str]) -> None:
    """An HTTP/1.1 answer that ends when the connection closes, written part by part."""
    reason = _STATUS.get(status, "Status")
    writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n".encode())
    for part in parts:
        writer.write(part.encode())
        await writer.drain()
