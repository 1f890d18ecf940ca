"""``python -m alma.api [--host H] [--port P]``: the server process that ``alma serve`` becomes (by exec).

It holds only what serving needs: the command line's Typer, Click and Rich stay out of a long-running
server's memory (an idle replica is ~8 MB smaller; the issue asks for ≤ 80 MB)."""

from __future__ import annotations

import argparse


def _port(text: str) -> int:
    """A port number: the socket layer would keep the low 16 bits of a larger one (99999 listens on 34463)."""
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port: give a number from 1 to 65535")
    return port


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="alma serve", description="Serve the HTTP API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=_port, default=8000)
    args = parser.parse_args(argv)
    import uvicorn

    from alma.api.app import create_app
    from alma.redaction import configure_server_logging
    from alma.settings import Settings

    settings = Settings()
    # One handler, every line scrubbed of secrets and query-string values (alma.redaction); request lines
    # are ALMA's own JSON (route templates, never URLs), so uvicorn's access log, which prints URLs, is off.
    configure_server_logging(settings)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level="info",
        log_config=None,
        access_log=False,
        # The client's address is the peer's unless it is a proxy named in ALMA_API_TRUSTED_PROXIES.
        proxy_headers=bool(settings.api_trusted_proxies),
        forwarded_allow_ips=settings.api_trusted_proxies or None,
    )


if __name__ == "__main__":
    main()
