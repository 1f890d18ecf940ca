"""Only the commands a command line names are built, and options are read as typer reads them: the same values
and the same errors, without a pydantic validator per option."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
import typer.core
import typer.main
from typer import _click
from typer._coercion import build_runtime_param
from typer.testing import CliRunner

from alma.cli.dispatch import BuiltOnFirstValue, branch, read_lightly
from alma.cli.main import app


def names(group: typer.core.TyperGroup) -> set[str]:
    return set(group.commands)


def built(args: list[str]) -> typer.core.TyperGroup:
    command = typer.main.get_command(branch(app, args))
    assert isinstance(command, typer.core.TyperGroup)
    return command


def commands(command: Any) -> Iterator[Any]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from commands(sub)


def test_a_command_line_builds_only_the_commands_it_names() -> None:
    assert names(built(["history", "web-stack"])) == {"history"}
    state = built(["state", "list", "--json"])
    assert names(state) == {"state"}
    assert names(state.commands["state"]) == {"list"}  # type: ignore[arg-type]
    assert names(built(["import", "s", "n", "100", "--as", "x"])) == {"import"}  # named unlike its function
    assert names(built(["force-unlock", "s"])) == {"force-unlock"}


def test_a_word_that_names_nothing_keeps_the_whole_table_at_that_level() -> None:
    everything = names(typer.main.get_group(app))
    assert len(everything) > 30
    for args in (["statee"], ["--help"], ["--version"], [], ["--", "state"]):
        assert names(built(args)) == everything
    ipr = built(["ipr", "lis"]).commands["ipr"]
    assert isinstance(ipr, typer.core.TyperGroup)
    assert {"list", "show", "create", "review"} <= names(ipr)


def test_the_full_table_is_left_as_it_was() -> None:
    before = names(typer.main.get_group(app))
    branch(app, ["state", "list"])
    assert names(typer.main.get_group(app)) == before


def test_an_unknown_command_is_refused_with_suggestions_from_the_whole_table() -> None:
    result = CliRunner().invoke(branch(app, ["statee"]), ["statee"], prog_name="alma")
    assert result.exit_code == 2
    assert "No such command 'statee'. Did you mean 'state'" in result.output


def test_every_parameter_of_a_built_command_and_its_help_option_is_read_lightly() -> None:
    command = built(["ipr", "list"])
    read_lightly(command)
    for each in commands(command):
        params = [*each.params, each.get_help_option(_click.Context(each))]
        assert params[-1] is not None
        for param in params:
            assert isinstance(param._runtime_param, BuiltOnFirstValue)


def test_options_not_given_and_strings_build_no_validator_and_come_back_as_typer_returns_them() -> None:
    command = built(["history", "web-stack"])
    read_lightly(command)
    stack = next(p for p in command.commands["history"].params if p.name == "stack")
    assert isinstance(stack, typer.core._TyperParameter)
    light = stack._runtime_param
    assert isinstance(light, BuiltOnFirstValue)
    context = _click.Context(command)
    for value in ("web-stack", "", "x" * 10_000, "\udcff", "[b]é"):
        assert light.coerce(value, param=stack, ctx=context) is value
    assert light.coerce(None, param=stack, ctx=context) is None
    assert not light._built  # nothing needed typer's validator


# Values each kind of parameter of the table may be given on a command line, valid or not.
VALUES: dict[object, list[object]] = {
    str: ["web", "", "  spaced  ", None, b"bytes"],
    int: ["5", "0", "-1", "1000", "1001", "abc", " 7 ", "1_0", "+3", "2.5", "", None, 7],
    float: ["2", "0.1", "3600.5", "nan", "x", None],
    bool: ["true", "false", "", "maybe", True, None],
}


def test_every_parameter_coerces_like_typer_and_refuses_with_typer_s_words() -> None:
    command = typer.main.get_group(app)
    read_lightly(command)
    checked = 0
    for each in commands(command):
        context = _click.Context(each)
        for param in each.params:
            light = param._runtime_param
            assert isinstance(light, BuiltOnFirstValue)
            for value in VALUES.get(param.type_descriptor.annotation, []):
                checked += 1
                assert outcome(light, value, param, context) == outcome(
                    build_runtime_param(param.type_descriptor), value, param, context
                ), (each.name, param.name, value)
    assert checked > 300


def outcome(coercion: Any, value: object, param: Any, context: Any) -> tuple[str, object]:
    try:
        return "value", coercion.coerce(value, param=param, ctx=context)
    except typer.BadParameter as error:
        return "refused", error.format_message()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ipr", "show", "abc"], "Input should be a valid integer"),
        (["ipr", "show", "0"], "Input should be greater than or equal to 1"),
        (["rollback", "web-stack", "--to", "-1"], "Input should be greater than or equal to 0"),
        (["apply", "x.yaml", "-p", "1001"], "Input should be less than or equal to 1000"),
    ],
)
def test_a_bad_value_is_refused_as_typer_refuses_it(args: list[str], needle: str) -> None:
    result = CliRunner().invoke(branch(app, args), args, prog_name="alma")
    assert result.exit_code == 2
    assert needle in result.output
