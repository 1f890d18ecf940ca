"""``python -m alma.api [--host H] [--port P]``: the server process that ``alma serve`` becomes (by exec).

It holds only what serving needs: the command line's Typer, Click and Rich stay out of a long-running
server's memory (an idle replica is ~8 MB smaller; the issue asks for ≤ 80 MB)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alma.settings import Settings


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

    settings = _settings_or_exit()
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


def _settings_or_exit() -> Settings:
    """The settings, and the embedded database's folder checked, before the server starts: a mistake there
    is one line on stderr and exit 1 (raised in the server's start-up, it came out as a traceback)."""
    import sys

    from pydantic import ValidationError

    from alma.bootstrap import check_home
    from alma.errors import AlmaError
    from alma.settings import Settings

    try:
        settings = Settings()
        check_home(settings)
    except AlmaError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    except ValidationError as error:
        problems = "; ".join(f"ALMA_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        print(f"error: invalid settings: {problems}", file=sys.stderr)
        raise SystemExit(1) from None
    return settings


if __name__ == "__main__":
    main()
