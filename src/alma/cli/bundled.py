"""``alma --version`` and ``alma examples …``: what this installation is and the blueprints it ships.

The example blueprints travel inside the package (see ``alma.bundled``), so an ALMA installed from a wheel
or run from the container image can hand them out without a checkout: ``alma examples copy examples`` and then
``alma deploy examples/web-stack.yaml``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

examples_app = typer.Typer(
    help="The example blueprints shipped with ALMA: list them, show one, copy them to a directory.",
    invoke_without_command=True,
    rich_markup_mode=None,
)
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def print_version(value: bool) -> None:
    """The eager ``--version`` option of the root command."""
    if value:
        from alma import __version__

        print(f"alma {__version__}")
        raise typer.Exit()


@examples_app.callback()
def examples_root(ctx: typer.Context, json_output: Json = False) -> None:
    """Without a subcommand: list the examples."""
    if ctx.invoked_subcommand is None:
        list_examples(json_output)


@examples_app.command("list")
def list_examples(json_output: Json = False) -> None:
    """The shipped examples: name, file and what each builds."""
    from alma.bundled import examples
    from alma.cli.failures import reported
    from alma.cli.output import print_json, stdout, table

    with reported(json_output):
        found = examples()
        rows = [{"name": e.name, "file": e.file_name, "path": str(e.path), "summary": e.summary()} for e in found]
        if json_output:
            print_json(rows)
            return
        stdout().print(table(["NAME", "FILE", "WHAT IT BUILDS"], [[r["name"], r["file"], r["summary"]] for r in rows]))
        print("Show one with `alma examples show NAME`; copy them with `alma examples copy DIR`.")


@examples_app.command("show")
def show(name: Annotated[str, typer.Argument(help="The example's name (e.g. web-stack).", show_default=False)]) -> None:
    """Print an example blueprint as it is (redirect it to a file to start your own)."""
    from alma.bundled import find_example
    from alma.cli.failures import reported

    with reported(False):
        sys.stdout.write(find_example(name).text())


@examples_app.command("copy")
def copy(
    directory: Annotated[str, typer.Argument(help="Where to put them (made when missing).", show_default=False)],
    names: Annotated[list[str] | None, typer.Argument(help="Only these examples (default: all).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that differ.")] = False,
    json_output: Json = False,
) -> None:
    """Copy example blueprints into a directory; identical files are left alone, differing ones refused."""
    from rich.markup import escape

    from alma.bundled import examples, find_example
    from alma.cli.failures import reported
    from alma.cli.output import print_json, stdout
    from alma.errors import InvalidInputError, RefusedError

    with reported(json_output):
        chosen = [find_example(n) for n in names] if names else examples()
        target = Path(directory)
        if target.exists() and not target.is_dir():
            raise InvalidInputError(f"{directory} exists and is not a directory; name a directory to copy into")
        # Decide everything before writing anything: a refusal changes nothing.
        unchanged = [e for e in chosen if _same(target / e.file_name, e.text())]
        differing = [e for e in chosen if (target / e.file_name).exists() and e not in unchanged]
        if differing and not force:
            files = ", ".join(str(target / e.file_name) for e in differing)
            verb = "exists and differs" if len(differing) == 1 else "exist and differ"
            raise RefusedError(f"{files} {verb} from the shipped example; pass --force to overwrite")
        copied = [e for e in chosen if e not in unchanged]
        try:
            target.mkdir(parents=True, exist_ok=True)
            for example in copied:
                _write_atomically(target / example.file_name, example.text())
        except OSError as error:
            raise InvalidInputError(f"cannot write into {directory}: {error.strerror or error}") from error
        if json_output:
            print_json(
                {
                    "directory": str(target),
                    "copied": [e.file_name for e in copied],
                    "unchanged": [e.file_name for e in unchanged],
                }
            )
            return
        console = stdout()
        for example in copied:
            console.print(f"copied {escape(str(target / example.file_name))}")
        for example in unchanged:
            console.print(f"unchanged {escape(str(target / example.file_name))} (already the shipped example)")


def _same(path: Path, text: str) -> bool:
    try:
        return path.is_file() and path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _write_atomically(path: Path, text: str) -> None:
    """A crash mid-copy leaves the old file or the new one, never half of one (the next copy finishes it)."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
