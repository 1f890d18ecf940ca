"""A faulty road to the Docker daemon: a TCP proxy that fails requests the way a network or an
authorization plugin would, so fault tests exercise the engine's real error handling, not patched code.

The engine talks to ``tcp://127.0.0.1:<port>``; the proxy forwards each HTTP request to the daemon's
unix socket on a connection of its own (it asks for ``Connection: close``, so one request is one
connection and the proxy needs no HTTP response parsing). Reads (GET, HEAD) always pass, as a
refresh must see the world while changes fail. A change (POST, PUT, DELETE) is:
- refused with ``403`` and a Docker-style JSON message, as an authorization plugin refuses, when it
  targets a resource in ``fail_resources`` (its Docker name or the id of an object labelled with its
  ``alma.name`` in the path, or that label in the body), or at ``permanent_fail_rate``;
- dropped (the connection closed unanswered, before the daemon saw the request) at ``fail_rate``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
from urllib.parse import unquote

import docker

READS = frozenset({"GET", "HEAD"})


class FaultProxy:
    def __init__(
        self,
        daemon_socket: str,
        *,
        fail_rate: float = 0.0,
        permanent_fail_rate: float = 0.0,
        fail_resources: frozenset[str] = frozenset(),
        seed: int = 7,
    ) -> None:
        self._socket = daemon_socket
        self._fail_rate = fail_rate
        self._permanent_fail_rate = permanent_fail_rate
        self._fail_resources = fail_resources
        self._random = random.Random(seed)
        self._lookup = docker.DockerClient(base_url=f"unix://{daemon_socket}", timeout=30)
        self.refused = 0
        self.dropped = 0
        self._handlers: set[asyncio.Task[None]] = set()
        # Listening starts here, synchronously, so an engine can be pointed at the proxy at once; the
        # asyncio server takes over the socket as soon as the loop runs (connections wait in the backlog).
        listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        self._server = asyncio.get_running_loop().create_task(asyncio.start_server(self._serve, sock=listener))

    async def aclose(self) -> None:
        server = await self._server
        server.close()
        # Closing the server leaves accepted connections open: end their handlers, or they outlive the test.
        for handler in self._handlers:
            handler.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await server.wait_closed()
        self._lookup.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handler = asyncio.current_task()
        if handler is not None:
            self._handlers.add(handler)
            handler.add_done_callback(self._handlers.discard)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = [line for line in lines[1:] if line and not line.lower().startswith("connection:")]
            length = next((int(h.split(":", 1)[1]) for h in headers if h.lower().startswith("content-length:")), 0)
            body = await reader.readexactly(length)
            verdict = await self._verdict(method, unquote(target), body)
            if verdict == "drop":
                self.dropped += 1
                return
            if verdict == "refuse":
                self.refused += 1
                message = json.dumps({"message": f"injected fault: {method} {target} refused"}).encode()
                writer.write(
                    b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(message)}\r\nConnection: close\r\n\r\n".encode()
                    + message
                )
                await writer.drain()
                return
            await self._forward(lines[0], headers, body, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            return  # the client went away: nothing to answer
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _forward(self, request_line: str, headers: list[str], body: bytes, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_unix_connection(self._socket)
        try:
            request = "\r\n".join([request_line, *headers, "Connection: close", "", ""]).encode("latin-1")
            up_writer.write(request + body)
            await up_writer.drain()
            while chunk := await up_reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        finally:
            up_writer.close()
            with contextlib.suppress(ConnectionError):
                await up_writer.wait_closed()

    async def _verdict(self, method: str, target: str, body: bytes) -> str:
        if method in READS:
            return "pass"
        if self._fail_resources and await self._targets_failing_resource(target, body):
            return "refuse"
        if self._permanent_fail_rate and self._random.random() < self._permanent_fail_rate:
            return "refuse"
        if self._fail_rate and self._random.random() < self._fail_rate:
            return "drop"
        return "pass"

    async def _targets_failing_resource(self, target: str, body: bytes) -> bool:
        with contextlib.suppress(ValueError):
            document = json.loads(body) if body else {}
            labels = document.get("Labels") if isinstance(document, dict) else None
            if isinstance(labels, dict) and labels.get("alma.name") in self._fail_resources:
                return True
        if any(f"_{name}" in target for name in self._fail_resources):
            return True  # a Docker name, <stack>_<name>
        ids = await asyncio.to_thread(self._ids_of_failing_resources)
        return any(object_id in target for object_id in ids)

    def _ids_of_failing_resources(self) -> set[str]:
        ids: set[str] = set()
        for name in self._fail_resources:
            filters: dict[str, str | list[str] | bool] = {"label": [f"alma.name={name}"]}
            ids.update(c.id or "" for c in self._lookup.containers.list(all=True, filters=filters))
            ids.update(n.id or "" for n in self._lookup.networks.list(filters=filters))
        return ids - {""}
