"""``alma fmt FILE [--write]``: a blueprint rewritten to canonical form, comments and layout kept.

Without ``--write`` the canonical text goes to stdout and the file is untouched; with it the file is
replaced (atomically: a reader sees the old file or the new one) only when something changes. What
changed is listed on stderr, or as JSON with ``--json``. A file ALMA cannot read, or one where a rewrite
would have to guess (``cpu`` and ``cores`` both given), is refused with exit 1 and nothing is written.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from rich.markup import escape

from alma.bootstrap import Services
from alma.cli.commands import run_with_services
from alma.cli.failures import reported
from alma.cli.output import print_json, stderr
from alma.errors import InvalidInputError
from alma.services import FormattedBlueprint, read_text
from alma.services.blueprints import STDIN


def fmt(file: str, write: bool, json_output: bool) -> None:
    with reported(json_output):
        if write and file == STDIN:
            raise InvalidInputError("--write rewrites a file, and standard input ('-') is none: drop --write")
        text = read_text(file, sys.stdin.buffer)

        async def body(services: Services) -> FormattedBlueprint:
            return services.blueprints.formatted(text, file)

        result = run_with_services(body)
        changed = result.text != text
        if write and changed:
            _replace(file, result.text)
        if json_output:
            print_json(
                {
                    "file": file,
                    "changed": changed,
                    "written": write and changed,
                    "changes": [d.as_json() for d in result.changes],
                    **({} if write else {"text": result.text}),
                }
            )
            return
        if not write:
            sys.stdout.write(result.text)
        console = stderr()
        for change in result.changes:
            console.print(f"[yellow]rewrite:[/yellow] {escape(change.render())}", markup=True, highlight=False)
        if not changed:
            console.print(f"{escape(file)} is already in canonical form")
        elif write:
            console.print(f"[green]rewrote[/green] {escape(file)}: {len(result.changes)} change(s)")


def _replace(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory, then rename it over."""
    # Through a symbolic link to the file it names: replacing the link itself turned it into a copy and left
    # the real blueprint as it was.
    target = Path(path).resolve()
    try:
        mode = target.stat().st_mode & 0o777
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:  # line endings as formatted
                out.write(text)
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InvalidInputError(f"cannot write {path}: {exc.strerror}") from exc
