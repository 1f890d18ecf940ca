"""The body of ``alma export terraform|compose STACK``: the stack's text on stdout, or in ``--out FILE``.

The export reads the engines (what exists, under which ids) and changes nothing; ``--json`` gives the
text with each resource's address and import id. A stack with resources the format cannot hold is
refused with exit 1 naming them; an engine that cannot be read is exit 3.
"""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from alma.bootstrap import Services
from alma.cli.commands import run_with_services
from alma.cli.failures import reported
from alma.cli.output import print_json, stderr, stdout
from alma.errors import InvalidInputError
from alma.services.export import ExportedStack, Format


def export(format: Format, stack: str, out: str | None, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> ExportedStack:
            return await services.export.export(stack, format)

        exported = run_with_services(body)
        if out:
            _write(out, exported.text)
        if json_output:
            print_json({**exported.model_dump(mode="json"), "file": out})
            return
        info = stderr()
        for note in exported.notes:
            info.print(f"[dim]note:[/dim] {escape(note)}")
        imported = sum(1 for r in exported.resources if r.imported)
        if out:
            info.print(
                f"wrote {escape(out)}: stack '{stack}' at revision {exported.revision}, "
                f"{len(exported.resources)} object(s), {imported} of them existing"
            )
            return
        stdout().out(exported.text, end="", highlight=False)


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot write {path}: {exc.strerror}") from exc
