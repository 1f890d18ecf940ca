"""The one Docker SDK client of an engine: created lazily, used only in threads, errors translated here.

The Docker SDK blocks (requests over a socket), so every call runs in ``asyncio.to_thread``. The client
is made on first use, not with the engine: an engine must be constructible, and report itself unhealthy,
without a daemon. Creating it already talks to the daemon (API version negotiation), so it happens in
the worker thread too, under a lock.

Translation at this boundary (nothing else escapes):
- connection refused/reset, timeouts, 5xx, 429           → ``TransientEngineError``
- other 4xx (conflict, forbidden, bad request, not found) → ``PermanentEngineError``
- TLS or argument errors of the client itself              → ``PermanentEngineError``
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Callable
from typing import TypeVar

import docker
import requests
from docker.errors import APIError, DockerException, InvalidArgument, InvalidVersion, TLSParameterError
from docker.transport.unixconn import UnixHTTPConnection

from alma.errors import EngineError, PermanentEngineError, TransientEngineError

T = TypeVar("T")
log = logging.getLogger(__name__)


def _connect_or_close(self: UnixHTTPConnection) -> None:
    """The SDK's Unix-socket connect, closing the socket when the connect fails. The SDK's own (docker 7.x)
    leaves it open for the garbage collector: a server probing a daemon that is down leaked a descriptor
    per probe until a collection, each with a ResourceWarning."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(self.timeout)
        sock.connect(self.unix_socket)
    except BaseException:
        sock.close()
        raise
    self.sock = sock


UnixHTTPConnection.connect = _connect_or_close  # type: ignore[method-assign]

# Every failure the SDK or the transport under it raises; callers catch these, never ``Exception``.
SDK_ERRORS: tuple[type[BaseException], ...] = (DockerException, requests.exceptions.RequestException, OSError)


def translate(exc: BaseException, *, doing: str, resource: str | None) -> EngineError:
    """The engine error for one SDK failure; ``doing`` says what was being attempted."""
    if isinstance(exc, APIError):
        status = exc.status_code or 0
        detail = exc.explanation or str(exc)
        message = f"Docker refused to {doing}: {detail} (HTTP {status})"
        if status >= 500 or status == 429:
            return TransientEngineError(message, resource=resource)
        return PermanentEngineError(message, resource=resource)
    if isinstance(exc, TLSParameterError | InvalidArgument | InvalidVersion):
        return PermanentEngineError(f"cannot {doing}: Docker client settings are unusable: {exc}", resource=resource)
    return TransientEngineError(f"cannot {doing}: Docker daemon unreachable: {exc}", resource=resource)


class DockerConnection:
    def __init__(self, host: str | None, timeout_s: float) -> None:
        self._host = host
        self._timeout_s = timeout_s
        self._client: docker.DockerClient | None = None
        self._lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        """Where the daemon is expected, for messages (the environment's default when unset)."""
        return self._host or "DOCKER_HOST or unix:///var/run/docker.sock"

    def _client_now(self) -> docker.DockerClient:
        with self._lock:
            if self._client is None:
                timeout = max(1, round(self._timeout_s))  # the SDK takes whole seconds
                if self._host is None:
                    self._client = docker.from_env(timeout=timeout)
                else:
                    self._client = docker.DockerClient(base_url=self._host, timeout=timeout)
            return self._client

    async def call(self, fn: Callable[[docker.DockerClient], T], *, doing: str, resource: str | None = None) -> T:
        """Run ``fn(client)`` in a worker thread; SDK failures come back as engine errors."""

        def run() -> T:
            try:
                return fn(self._client_now())
            except SDK_ERRORS as exc:
                raise translate(exc, doing=doing, resource=resource) from exc

        return await asyncio.to_thread(run)

    def _close(self) -> None:
        with self._lock:  # in a thread: a client being created elsewhere holds this lock meanwhile
            client, self._client = self._client, None
        if client is not None:
            client.close()

    async def aclose(self) -> None:
        await asyncio.to_thread(self._close)
