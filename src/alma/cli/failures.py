"""The one place where errors become exit codes and messages (a contract for scripts).

0 ok · 1 invalid input · 2 usage · 3 apply/destroy/rollback failed or partial · 4 locked/conflict · 5 refused ·
6 drift found (``alma drift``: the engines differ from the recorded state; not an error)
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

from pydantic import ValidationError

from alma.errors import (
    AlmaError,
    BlueprintInvalidError,
    ConflictError,
    EngineError,
    RefusedError,
    UpstreamError,
)

if TYPE_CHECKING:
    from rich.console import Console

OK, INVALID, USAGE, FAILED, CONFLICT, REFUSED, DRIFTED = 0, 1, 2, 3, 4, 5, 6


def exit_code_for(error: AlmaError) -> int:
    if isinstance(error, ConflictError):
        return CONFLICT
    if isinstance(error, RefusedError):
        return REFUSED
    if isinstance(error, EngineError | UpstreamError):
        return FAILED
    return INVALID


def error_json(error: AlmaError) -> dict[str, object]:
    body: dict[str, object] = {
        "type": type(error).__name__,
        "message": str(error),
        "exit_code": exit_code_for(error),
    }
    if isinstance(error, BlueprintInvalidError):
        body["errors"] = [d.as_json() for d in error.diagnostics if d.severity == "error"]
        body["warnings"] = [d.as_json() for d in error.diagnostics if d.severity == "warning"]
    return body


def exit_with(code: int) -> NoReturn:
    raise SystemExit(code)


@contextmanager
def reported(json_output: bool, *, on_error: Callable[[AlmaError], None] | None = None) -> Iterator[None]:
    """Run a command body; turn our errors into a message (or JSON) and the contract's exit code."""
    try:
        yield
    except AlmaError as error:
        if on_error is not None:
            on_error(error)
        elif json_output:
            sys.stdout.write(json.dumps({"error": error_json(error)}, indent=2) + "\n")
        else:
            render_error(_stderr(), error)
        exit_with(exit_code_for(error))
    except ValidationError as error:  # only settings are validated outside our own error tree
        problems = "; ".join(_settings_problem(e["loc"], e["msg"]) for e in error.errors())
        _stderr().print(f"[red]error:[/red] invalid settings: {problems}")
        exit_with(INVALID)
    except KeyboardInterrupt:
        _stderr().print("[yellow]interrupted[/yellow]")
        exit_with(130)
    except _unparsable_setting() as error:  # a list or mapping setting that is not JSON: a traceback before
        field = re.search(r'field "(\w+)"', str(error))
        name = f"ALMA_{field.group(1).upper()}" if field else "a setting"
        _stderr().print(
            f"[red]error:[/red] invalid settings: {name} cannot be read: a list or mapping setting is written as "
            """JSON (e.g. ALMA_PROVIDER_PARALLELISM='{"fake": 20}')""",
            markup=True,
        )
        exit_with(INVALID)


def _unparsable_setting() -> type[Exception]:
    """pydantic-settings' error for a value it cannot decode; imported only when something went wrong (plain
    settings are read without pydantic-settings)."""
    from pydantic_settings import SettingsError

    return SettingsError


def _stderr() -> Console:
    from rich.console import Console  # only when there is something to say: a command that succeeds needs no Rich

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _settings_problem(loc: tuple[int | str, ...], message: str) -> str:
    """``ALMA_NAME: message`` for one setting; a rule across settings (no name) says its message alone."""
    message = message.removeprefix("Value error, ")
    return f"ALMA_{'_'.join(str(p) for p in loc).upper()}: {message}" if loc else message


def render_error(console: Console, error: AlmaError) -> None:
    # Messages carry what the user wrote (file names, titles, values): '[/]' in one raised a MarkupError.
    from rich.markup import escape

    if isinstance(error, BlueprintInvalidError):
        errors = [d for d in error.diagnostics if d.severity == "error"]
        for diagnostic in error.diagnostics:
            color = "red" if diagnostic.severity == "error" else "yellow"
            console.print(f"[{color}]{diagnostic.severity}:[/{color}] {escape(diagnostic.render())}", markup=True)
        console.print(f"[red]{len(errors)} error(s)[/red]; nothing was changed.")
        return
    console.print(f"[red]error:[/red] {escape(str(error))}")
