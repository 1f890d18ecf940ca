"""Only the part of the command table a command line uses is built, and its options are read without
building a pydantic validator for each.

Typer turns the whole table (about fifty commands) into Click commands before it reads the first argument:
every function's signature and type hints, ~35 ms of a 300 ms ``alma state list``. ``branch`` keeps the
commands the leading words of the command line name (``state list``: the ``state`` group with ``list`` in it)
and leaves everything else out; when a word names nothing (a typo, an option, ``--help`` of a group) that
level keeps all its commands, so listings, "No such command" and suggestions come from the whole table.

Typer then builds a pydantic ``TypeAdapter`` for every parameter it reads, even for an option that was not
given (its value is None, which typer hands back without asking the adapter) and for ``--help``: ~25 ms and
most of pydantic's import. ``BuiltOnFirstValue`` builds the very same adapter, but only for a value that
needs it: None never does, nor a string for a ``str`` parameter without a parser, which typer's adapter hands
back unchanged (``typer._adapters._parse_cli_str`` returns ``str(value)``, and pydantic's ``str`` returns its
input). Everything else goes through typer's own coercion, errors included.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import typer
import typer.core
import typer.main
from typer import _click
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer.models import TyperInfo

from alma.cli.help import FullHelpGroup


def branch(app: typer.Typer, args: Sequence[str]) -> typer.Typer:
    """``app`` with only the commands ``args`` walk into (``app`` itself when the first word names none)."""
    if not args or args[0].startswith("-"):
        return app
    name = args[0]
    commands = [c for c in app.registered_commands if _command_name(c) == name]
    groups = [g for g in app.registered_groups if _group_name(g) == name]
    if not commands and not groups:
        return app
    pruned = copy.copy(app)
    pruned.registered_commands = commands
    pruned.registered_groups = [_group_branch(g, args[1:]) for g in groups]
    return pruned


def _group_branch(group: TyperInfo, args: Sequence[str]) -> TyperInfo:
    if group.typer_instance is None:
        return group
    narrowed = branch(group.typer_instance, args)
    if narrowed is group.typer_instance:
        return group
    pruned = copy.copy(group)
    pruned.typer_instance = narrowed
    return pruned


def _command_name(command: typer.models.CommandInfo) -> str | None:
    if command.name:
        return command.name
    return typer.main.get_command_name(command.callback.__name__) if command.callback else None


def _group_name(group: TyperInfo) -> str | None:
    name = typer.main.solve_typer_info_defaults(group).name  # as typer names the group it builds
    return name if isinstance(name, str) else None


@dataclass(frozen=True)
class BuiltOnFirstValue(RuntimeParam):
    """Typer's coercion of one parameter, built when a value first needs it (see the module's docstring)."""

    descriptor: TypeDescriptor
    _built: list[RuntimeParam] = field(default_factory=list, compare=False, repr=False)

    def _coerce_value(self, value: Any, param: typer.core._TyperParameter, ctx: _click.Context) -> Any:
        if type(value) is str and self.annotation is str and self.parameter_info.parser is None:
            return value
        if not self._built:
            self._built.append(build_runtime_param(self.descriptor))
        return self._built[0]._coerce_value(value, param=param, ctx=ctx)


def read_lightly(command: _click.Command, *, plain_help: bool = True) -> None:
    """Give every typer parameter of ``command`` and its subcommands a ``BuiltOnFirstValue`` coercion.

    ``--help`` is a parameter too, made by Click on first use with the names the context allows; unless a
    command's context settings name others, that is ``--help`` at every level, and it is made here the same
    way (``get_help_option`` keeps the one it made)."""
    plain_help = plain_help and "help_option_names" not in (command.context_settings or {})
    params = list(command.params)
    if plain_help:
        help_option = command.get_help_option(_click.Context(command))
        params += [help_option] if help_option is not None else []
    for param in params:
        if isinstance(param, typer.core._TyperParameter) and param._runtime_param is None:
            descriptor = param.type_descriptor
            param._runtime_param = BuiltOnFirstValue(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation, descriptor=descriptor
            )
    if isinstance(command, typer.core.TyperGroup):
        for sub in command.commands.values():
            read_lightly(sub, plain_help=plain_help)


class AlmaGroup(FullHelpGroup):
    """The root command: reads its command line with ``read_lightly``'s coercions."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        read_lightly(self)
        return super().main(*args, **kwargs)
