"""A lean HTTP/1.1 load generator for the API benchmark: asyncio streams, one kept-alive connection per
worker, requests written as bytes and answers read by Content-Length. httpx spends ~1 ms of CPU per
request in its own machinery, which on a 2-core machine shared with the server made the client, not the
server, set the pace; this one spends a few microseconds, and ``ceiling`` measures how many requests a
second it can make at all (against a server that does nothing), so a figure below that ceiling is the
server's. Standard library only.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import socket
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes


@dataclass
class Phase:
    """One kind of request, sent ``requests`` times by ``concurrency`` workers."""

    name: str
    requests: int
    elapsed_s: float = 0.0
    errors: int = 0
    latencies_s: list[float] = field(default_factory=list)
    unexpected: Counter[str] = field(default_factory=Counter)  # what the errors were: a status, or no answer

    def percentile_ms(self, p: float) -> float:
        """Nearest-rank percentile of the answered requests' latencies."""
        if not self.latencies_s:
            return math.nan
        ordered = sorted(self.latencies_s)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "requests": self.requests,
            "errors": self.errors,
            "req_per_s": round(self.requests / self.elapsed_s, 1) if self.elapsed_s else None,
            "p50_ms": round(self.percentile_ms(50), 2),
            "p99_ms": round(self.percentile_ms(99), 2),
            "unexpected": dict(self.unexpected),
        }


# A request: method, path, headers, body (bytes or None).
Request = tuple[str, str, dict[str, str], bytes | None]


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self._host, self._port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def send(self, request: Request) -> Answer:
        if self._writer is None or self._reader is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
            sock = self._writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        method, path, headers, body = request
        head = [f"{method} {path} HTTP/1.1", f"Host: {self._host}:{self._port}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        if body is not None:
            head.append(f"Content-Length: {len(body)}")
        self._writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        status_line = await self._reader.readuntil(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length = 0
        close = False
        while True:
            line = await self._reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.partition(b":")
            lowered = name.strip().lower()
            if lowered == b"content-length":
                length = int(value.strip())
            elif lowered == b"connection" and value.strip().lower() == b"close":
                close = True
            elif lowered == b"transfer-encoding":
                raise ValueError("chunked answers are not supported by this load generator")
        payload = await self._reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return Answer(status, payload)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


async def run(
    host: str, port: int, phase: Phase, concurrency: int, request: Callable[[int], Request], expected: int
) -> list[Answer | None]:
    """Send request ``i`` for every i in ``range(phase.requests)`` from ``concurrency`` workers, each on its
    own kept-alive connection; the answers in request order (``None``: none)."""
    answers: list[Answer | None] = [None] * phase.requests
    pending = iter(range(phase.requests))  # shared: each worker takes the next index

    async def worker() -> None:
        connection = Connection(host, port)
        try:
            for i in pending:
                started = time.perf_counter()
                try:
                    answer = await connection.send(request(i))
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    phase.errors += 1
                    phase.unexpected[type(exc).__name__] += 1
                    await connection.close()
                    continue
                phase.latencies_s.append(time.perf_counter() - started)
                answers[i] = answer
                if answer.status != expected:
                    phase.errors += 1
                    phase.unexpected[f"{answer.status}: {answer.body[:200].decode(errors='replace')}"] += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    phase.elapsed_s = time.perf_counter() - started
    return answers


async def _null_server(ready: asyncio.Future[int]) -> None:
    """An HTTP server that answers every request with ``200 {}`` and does nothing else."""
    reply = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        await reader.readexactly(int(line.split(b":", 1)[1]))
                writer.write(reply)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    ready.set_result(server.sockets[0].getsockname()[1])
    async with server:
        await server.serve_forever()


def serve_nothing(port_out: Any) -> None:
    """Entry of the null server's process: sends its port on ``port_out`` (a multiprocessing pipe)."""

    async def main() -> None:
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        task = asyncio.ensure_future(_null_server(ready))
        port_out.send(await ready)
        await task

    asyncio.run(main())


def ceiling(requests: int, concurrency: int) -> dict[str, Any]:
    """How many requests a second this generator makes against a server (in its own process) that does
    nothing: figures well below it are the server's, not the client's."""
    import multiprocessing

    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=serve_nothing, args=(send,), daemon=True)
    server.start()
    try:
        if not receive.poll(30):
            raise SystemExit("the null server did not start")
        port = receive.recv()
        phase = Phase("GET / (a server that does nothing)", requests)
        asyncio.run(run("127.0.0.1", port, phase, concurrency, lambda i: ("GET", "/", {}, None), 200))
        return phase.as_json()
    finally:
        server.terminate()
        server.join(10)
