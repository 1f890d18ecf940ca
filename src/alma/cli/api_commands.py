"""``alma serve``, ``alma worker`` and ``alma keys …``."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

from alma.bootstrap import Services
from alma.cli.commands import run_with_services
from alma.cli.failures import reported
from alma.cli.listening import listening_port
from alma.cli.output import print_json, stdout, table
from alma.settings import Settings


def serve(host: str, port: int) -> None:
    with reported(False):
        listening_port(port)
        Settings()  # a bad setting is reported here, as every command reports it, before the server starts
    # The server runs as its own lean process (same pid: supervisors and signals see no difference).
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "alma.api", "--host", host, "--port", str(port)])


def work(concurrency: int, name: str | None, metrics_port: int | None) -> None:
    with reported(False):
        if metrics_port is not None:
            listening_port(metrics_port, "--metrics-port")
        from alma.redaction import configure_server_logging
        from alma.worker import run_worker

        settings = Settings()
        # Engine errors are logged: every line is scrubbed of the configured secrets.
        configure_server_logging(settings, fmt="%(asctime)s %(name)s %(levelname)s %(message)s")
        asyncio.run(run_worker(settings, concurrency=concurrency, name=name, metrics_port=metrics_port))


def create_key(name: str, role: str, json_output: bool = False) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.keys.create(name, role)

        record, key = run_with_services(body)
        if json_output:  # the key is in the JSON, once, as it is in the text
            print_json({**_key_json(record), "key": key})
            return
        console = stdout()
        console.print(f"API key '{record.name}' with role {record.role} created. It is shown once; keep it safe:")
        print(key)  # the last line of the output is the key itself: scripts read it from there


def revoke_key(name: str, json_output: bool = False) -> None:
    with reported(json_output):

        async def body(services: Services) -> None:
            await services.keys.revoke(name)

        run_with_services(body)
        if json_output:
            print_json({"name": name, "revoked": True})
            return
        stdout().print(f"API key '{name}' revoked.")


def list_keys(json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.keys.list()

        keys = run_with_services(body)
        rows = [_key_json(k) for k in keys]
        if json_output:
            print_json(rows)
            return
        stdout().print(
            table(
                ["NAME", "ROLE", "CREATED BY", "CREATED (UTC)", "REVOKED"],
                [
                    [r["name"], r["role"], r["created_by"], str(r["created_at"])[:19], str(r["revoked_at"] or "")[:19]]
                    for r in rows
                ],
            )
        )


def _key_json(record: Any) -> dict[str, Any]:
    """A key's record as ``keys list --json`` shows it (the key itself is never stored)."""
    return {
        "name": record.name,
        "role": record.role,
        "created_by": record.created_by,
        "created_at": record.created_at.isoformat(),
        "revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
    }
