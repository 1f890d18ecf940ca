"""``alma mcp``: serve the MCP server over stdio (the default) or streamable HTTP (``--http``).

On stdio, stdout belongs to the protocol: nothing else may print there (the SDK logs to stderr).
"""

from __future__ import annotations

import asyncio

from alma.cli.failures import reported
from alma.cli.listening import listening_port
from alma.cli.output import stderr
from alma.settings import Settings


def serve(*, http: bool, host: str, port: int, read_only: bool) -> None:
    from alma.mcp import serve_http, serve_stdio  # the SDK loads only for this command

    with reported(False):
        settings = Settings()
        if http:
            listening_port(port)
            mode = " (read-only)" if read_only else ""
            stderr().print(
                f"ALMA MCP server{mode} on http://{host}:{port}/mcp — clients send an API key "
                "(Authorization: Bearer KEY; `alma keys create --role operator --name NAME`)"
            )
            asyncio.run(serve_http(settings, host=host, port=port, read_only=read_only))
        else:
            asyncio.run(serve_stdio(settings, read_only=read_only))
