"""What the hostile-input suites share: ALMA server processes on loopback with their whole log in a file,
requests over raw sockets (so a test decides exactly what is sent: chunked bodies, huge headers, bodies
that never end), and the server's memory and CPU as the kernel counts them (``/proc``)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

READY_S = 60
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)  # polling another process's state; the condition is what is waited on


def clean_env(home: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env.update(ALMA_HOME=str(home), ALMA_USER="ops", ALMA_RETRY_BASE_DELAY_S="0.001", **settings)
    return env


def alma(env: dict[str, str], *args: str, timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alma", *args], env=env, capture_output=True, text=True, timeout=timeout_s, check=False
    )


def make_key(env: dict[str, str], name: str, role: str) -> str:
    created = alma(env, "keys", "create", "--role", role, "--name", name)
    assert created.returncode == 0, created.stderr
    return created.stdout.strip().splitlines()[-1]


@dataclass
class Process:
    """An ``alma`` process (``serve``, ``mcp --http``, ``apply``) with stdout and stderr in ``log``."""

    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "alma", *self.args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self) -> None:
        if self.alive():
            assert self.popen is not None
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def kill(self) -> None:
        assert self.popen is not None
        self.popen.kill()
        self.popen.wait()

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    # What the kernel says about the process.
    def rss_mb(self) -> float:
        return self._status_kb("VmRSS") / 1024

    def peak_mb(self) -> float:
        return self._status_kb("VmHWM") / 1024

    def reset_peak(self) -> None:
        """The high-water mark starts again from the current RSS (``clear_refs`` 5)."""
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime

    def _status_kb(self, name: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
        raise AssertionError(f"no {name} for pid {self.pid}")


def serve(env: dict[str, str], log: Path) -> tuple[Process, str]:
    """``alma serve`` on a free port, ready when ``/health`` answers; its base URL."""
    port = free_port()
    server = Process(["serve", "--port", str(port)], env, log).start()
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert server.alive(), "alma serve exited:\n" + server.text()[-3000:]
        try:
            return httpx.get(f"{base}/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_until(up, READY_S, "alma serve to answer")
    return server, base


def serve_mcp(env: dict[str, str], log: Path) -> tuple[Process, str]:
    """``alma mcp --http`` on a free port, ready when uvicorn says it listens; the endpoint's URL."""
    port = free_port()
    server = Process(["mcp", "--http", "--port", str(port)], env, log).start()

    def up() -> bool:
        assert server.alive(), "alma mcp --http exited:\n" + server.text()[-3000:]
        return f"running on http://127.0.0.1:{port}" in server.text()

    wait_until(up, READY_S, "alma mcp --http to listen")
    return server, f"http://127.0.0.1:{port}/mcp"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    sent: int  # body bytes the server took before it answered (or closed)
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


def body_of(total: int, chunk: int = 65536) -> Iterator[bytes]:
    block = b"x" * chunk
    for start in range(0, total, chunk):
        yield block[: min(chunk, total - start)]


def raw_request(
    base: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: Iterable[bytes] = (),
    *,
    chunked: bool = False,
    timeout_s: float = 60,
) -> Answer:
    """One HTTP/1.1 request on its own connection. The body is sent from a thread while the answer is read,
    as a client that streams a large upload would: a server that answers early (or closes) stops it."""
    host, port = base.removeprefix("http://").split(":")
    started = time.monotonic()
    sock = socket.create_connection((host, int(port)), timeout=timeout_s)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    sent = [0]

    def pump() -> None:
        try:
            for chunk in body:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk)
                sent[0] += len(chunk)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server closed the connection: it will not take the rest

    sender = threading.Thread(target=pump, daemon=True)
    sender.start()
    received = bytearray()
    try:
        while not _complete(received):
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            received += data
    finally:
        sock.close()
        sender.join(timeout=timeout_s)
    head, _, rest = bytes(received).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    assert status_line.startswith("HTTP/1.1 "), f"no answer: {bytes(received)[:200]!r}"
    parsed = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    return Answer(int(status_line.split()[1]), parsed, rest, sent[0], time.monotonic() - started)


def _complete(received: bytearray) -> bool:
    head, found, rest = bytes(received).partition(b"\r\n\r\n")
    if not found:
        return False
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            return len(rest) >= int(value.strip())
    return rest.endswith(b"0\r\n\r\n")


@dataclass
class EchoingProxmox:
    """A 'Proxmox' endpoint that refuses every request and quotes back the Authorization header it was
    sent — what a misconfigured proxy in front of PVE does. Plain HTTP (ALMA_PROXMOX_ALLOW_HTTP=true)."""

    port: int = field(default_factory=free_port)
    seen: list[str] = field(default_factory=list)

    def __enter__(self) -> EchoingProxmox:
        seen = self.seen

        class Echo(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                credential = self.headers.get("Authorization", "")
                seen.append(credential)
                body = json.dumps({"data": None, "message": f"bad credential '{credential}'"}).encode()
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test reads what was sent from ``seen``."""

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Echo)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def stored_bytes(home: Path) -> bytes:
    """Every byte ALMA keeps on disk under its home: databases, their WAL files, checkpoints."""
    return b"".join(path.read_bytes() for path in sorted(home.rglob("*")) if path.is_file())
