"""Where a long-running command listens (``serve``, ``mcp --http``, ``worker --metrics-port``)."""

from __future__ import annotations

from alma.errors import InvalidInputError


def listening_port(port: int, option: str = "--port") -> int:
    """A port to listen on, or an error: the socket layer keeps the low 16 bits of a larger number, so
    ``--port 99999`` listened on 34463 while the server said 99999."""
    if not 0 <= port <= 65535:
        raise InvalidInputError(f"{option} {port} is not a port: give a number from 1 to 65535 (0: any free port)")
    return port
