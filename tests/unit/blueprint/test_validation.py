"""Structural validation: schema, version, names, dependencies and cycles, every problem located."""

from __future__ import annotations

import pytest

from alma.blueprint import Blueprint, parse_source, validate_structure
from alma.diagnostics import Diagnostic

HEADER = 'version: "1.0"\nname: web\nresources:\n'
LABEL_RULE = (
    "is not a lowercase DNS label (a-z, 0-9 and '-', at most 63 characters, starting and ending with a letter or digit)"
)


def validate(text: str) -> tuple[Blueprint | None, list[Diagnostic]]:
    return validate_structure(parse_source(text, "bp.yaml"))


def refused(text: str) -> list[Diagnostic]:
    """The diagnostics of a blueprint that validation refuses."""
    blueprint, diagnostics = validate(text)
    assert blueprint is None
    assert any(d.severity == "error" for d in diagnostics)
    return diagnostics


def errors(text: str) -> list[Diagnostic]:
    return [d for d in refused(text) if d.severity == "error"]


def located(diagnostics: list[Diagnostic]) -> list[tuple[str, int | None, int | None, str, str]]:
    return [(d.path, d.line, d.column, d.severity, d.message) for d in diagnostics]


def test_a_sound_blueprint_becomes_the_model_with_no_diagnostics() -> None:
    blueprint, diagnostics = validate(
        HEADER
        + "  - type: network\n    name: net\n    provider: fake\n"
        + "  - type: compute\n    name: app\n    provider: fake\n"
        + "    specs: {cores: 2}\n    dependencies: [net]\n    metadata: {owner: ops}\n"
    )
    assert diagnostics == []
    assert blueprint is not None
    assert blueprint.name == "web"
    assert blueprint.version == "1.0"
    assert [r.name for r in blueprint.resources] == ["net", "app"]
    app = blueprint.resource("app")
    assert app is not None
    assert app.specs == {"cores": 2}
    assert app.dependencies == ["net"]
    assert app.metadata == {"owner": "ops"}
    assert blueprint.resource("nothing") is None


def test_a_document_that_is_not_a_mapping_is_refused_at_its_start() -> None:
    assert located(refused("- version\n- name\n")) == [
        ("", 1, 1, "error", "a blueprint must be a mapping with 'version', 'name' and 'resources'")
    ]


# Schema


def test_an_unknown_top_level_field_is_refused_with_the_field_it_resembles() -> None:
    assert located(refused('version: "1.0"\nname: web\nresourcs: []\n')) == [
        ("resources", 1, 1, "error", "'resources' is required"),
        ("resourcs", 3, 1, "error", "unknown field 'resourcs'; did you mean 'resources'?"),
    ]


def test_an_unknown_resource_field_is_refused_with_the_field_it_resembles() -> None:
    text = HEADER + "  - type: compute\n    name: app\n    provider: fake\n    dependancies: []\n"
    assert located(refused(text)) == [
        ("resources[0].dependancies", 7, 5, "error", "unknown field 'dependancies'; did you mean 'dependencies'?")
    ]


def test_an_unknown_field_like_nothing_known_lists_the_fields_there_are() -> None:
    [diagnostic] = errors('version: "1.0"\nname: web\nresources: []\nzzz: 1\n')
    assert diagnostic.message == (
        "unknown field 'zzz'; expected one of: description, metadata, name, resources, version"
    )
    assert (diagnostic.path, diagnostic.line, diagnostic.column) == ("zzz", 4, 1)


def test_a_missing_field_points_at_the_mapping_it_is_missing_from() -> None:
    text = 'version: "1.0"\nresources:\n  - type: compute\n    provider: fake\n'
    assert located(refused(text)) == [
        ("name", 1, 1, "error", "'name' is required"),
        ("resources[0].name", 3, 5, "error", "'name' is required"),
    ]


@pytest.mark.parametrize(
    ("line", "path", "column", "message"),
    [
        ("name: [web]", "name", 1, "'name' must be text"),
        ("description: 5", "description", 1, "'description' must be text"),
        ("resources: {a: 1}", "resources", 1, "'resources' must be a list"),
        ("metadata: [1]", "metadata", 1, "'metadata' must be a mapping"),
    ],
)
def test_a_top_level_field_of_the_wrong_type_is_refused_saying_what_it_must_be(
    line: str, path: str, column: int, message: str
) -> None:
    fields = {"version": 'version: "1.0"', "name": "name: web", "resources": "resources: []"}
    fields[path] = line
    text = "\n".join(fields.values()) + "\n"
    [diagnostic] = errors(text)
    expected_line = list(fields).index(path) + 1
    assert (diagnostic.path, diagnostic.line, diagnostic.column, diagnostic.message) == (
        path,
        expected_line,
        column,
        message,
    )


def test_resource_fields_of_the_wrong_type_are_each_refused_where_they_are() -> None:
    text = (
        HEADER
        + "  - type: [compute]\n    name: app\n    provider: fake\n"
        + "    specs: [1]\n    dependencies: net\n    metadata: 3\n"
    )
    assert located(refused(text)) == [
        ("resources[0].type", 4, 5, "error", "'type' must be text"),
        ("resources[0].specs", 7, 5, "error", "'specs' must be a mapping"),
        ("resources[0].dependencies", 8, 5, "error", "'dependencies' must be a list"),
        ("resources[0].metadata", 9, 5, "error", "'metadata' must be a mapping"),
    ]


def test_a_resource_that_is_not_a_mapping_is_refused_where_it_is() -> None:
    [diagnostic] = refused(HEADER + "  - just text\n")
    assert (diagnostic.path, diagnostic.line, diagnostic.column) == ("resources[0]", 4, 5)
    assert "must be a mapping" in diagnostic.message


def test_a_dependency_that_is_not_text_is_refused_where_it_is() -> None:
    text = (
        HEADER
        + "  - type: compute\n    name: app\n    provider: fake\n    dependencies: [net, 7]\n"
        + "  - type: network\n    name: net\n    provider: fake\n"
    )
    [diagnostic] = refused(text)
    assert (diagnostic.path, diagnostic.line, diagnostic.column) == ("resources[0].dependencies[1]", 7, 25)
    assert "must be text" in diagnostic.message


# Version


def test_an_unsupported_version_is_refused_naming_the_one_that_is_read() -> None:
    [diagnostic] = refused('version: "2.0"\nname: web\nresources:\n  - {type: compute, name: a, provider: fake}\n')
    assert (diagnostic.path, diagnostic.line, diagnostic.column) == ("version", 1, 1)
    assert diagnostic.message == "unsupported version '2.0'; this ALMA reads version \"1.0\""


@pytest.mark.parametrize("written", ["1.0", "1.00"])
def test_a_version_written_as_a_number_is_accepted_with_a_warning_to_quote_it(written: str) -> None:
    blueprint, diagnostics = validate(
        f"version: {written}\nname: web\nresources:\n  - {{type: compute, name: a, provider: fake}}\n"
    )
    assert blueprint is not None
    assert blueprint.version == "1.0"
    assert located(diagnostics) == [("version", 1, 1, "warning", 'write the version as text: version: "1.0"')]


def test_a_version_written_as_a_whole_number_is_warned_about_and_then_refused() -> None:
    diagnostics = refused("version: 1\nname: web\nresources: []\n")
    assert [(d.severity, d.message) for d in diagnostics if d.path == "version"] == [
        ("warning", 'write the version as text: version: "1"'),
        ("error", "unsupported version '1'; this ALMA reads version \"1.0\""),
    ]


def test_a_version_written_as_a_boolean_must_be_text() -> None:
    diagnostics = refused("version: true\nname: web\nresources: []\n")
    assert [(d.path, d.line, d.message) for d in diagnostics if d.severity == "error"] == [
        ("version", 1, "'version' must be text")
    ]


# Names


def test_a_stack_name_that_is_not_a_dns_label_is_refused_with_a_suggestion() -> None:
    [diagnostic] = errors('version: "1.0"\nname: My_Stack\nresources: []\n')
    assert (diagnostic.path, diagnostic.line, diagnostic.column) == ("name", 2, 1)
    assert diagnostic.message == f"stack name 'My_Stack' {LABEL_RULE}; try 'my-stack'"


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("App.Server", "app-server"),
        ("-edge-", "edge"),
        ("web_1", "web-1"),
        ("", "resource-1"),
        ("a" * 64, "a" * 63),
        ("UPPER", "upper"),
        ("ünïcode", "n-code"),
    ],
)
def test_a_resource_name_that_is_not_a_dns_label_is_refused_with_a_suggestion(name: str, suggestion: str) -> None:
    text = HEADER + f'  - type: compute\n    name: "{name}"\n    provider: fake\n'
    assert located(refused(text)) == [
        ("resources[0].name", 5, 5, "error", f"resource name '{name}' {LABEL_RULE}; try '{suggestion}'")
    ]


@pytest.mark.parametrize("name", ["a", "web", "web-1", "1web", "a" * 63, "a-b-c"])
def test_lowercase_dns_labels_are_accepted_as_resource_names(name: str) -> None:
    blueprint, diagnostics = validate(HEADER + f"  - type: compute\n    name: {name}\n    provider: fake\n")
    assert diagnostics == []
    assert blueprint is not None


def test_a_duplicate_resource_name_is_refused_at_the_second_naming_the_line_of_the_first() -> None:
    text = (
        HEADER
        + "  - type: compute\n    name: app\n    provider: fake\n"
        + "  - type: network\n    name: app\n    provider: fake\n"
    )
    assert located(refused(text)) == [
        ("resources[1].name", 8, 5, "error", "duplicate resource name 'app' (first defined at line 5)")
    ]


# Dependencies


def test_an_unknown_dependency_is_refused_with_the_resource_it_resembles() -> None:
    text = (
        HEADER
        + "  - type: compute\n    name: app\n    provider: fake\n    dependencies: [databse]\n"
        + "  - type: storage\n    name: database\n    provider: fake\n"
    )
    assert located(refused(text)) == [
        ("resources[0].dependencies[0]", 7, 20, "error", "unknown dependency 'databse'; did you mean 'database'?")
    ]


def test_an_unknown_dependency_like_nothing_lists_the_resources_there_are() -> None:
    text = (
        HEADER
        + "  - type: compute\n    name: app\n    provider: fake\n    dependencies: [zzz]\n"
        + "  - type: storage\n    name: data\n    provider: fake\n"
    )
    [diagnostic] = refused(text)
    assert diagnostic.message == "unknown dependency 'zzz'; expected one of: app, data"


def test_a_dependency_listed_twice_is_a_warning_at_the_second_listing() -> None:
    text = (
        HEADER
        + "  - type: compute\n    name: app\n    provider: fake\n    dependencies: [net, net]\n"
        + "  - type: network\n    name: net\n    provider: fake\n"
    )
    blueprint, diagnostics = validate(text)
    assert blueprint is not None
    assert located(diagnostics) == [("resources[0].dependencies[1]", 7, 25, "warning", "'net' is listed twice")]


def test_a_two_resource_cycle_is_printed_with_arrows_at_the_first_resources_dependencies() -> None:
    text = (
        HEADER
        + "  - type: compute\n    name: a\n    provider: fake\n    dependencies: [b]\n"
        + "  - type: compute\n    name: b\n    provider: fake\n    dependencies: [a]\n"
    )
    assert located(refused(text)) == [("resources[0].dependencies", 7, 5, "error", "dependency cycle: a → b → a")]


def test_a_resource_that_depends_on_itself_is_a_cycle() -> None:
    text = HEADER + "  - type: compute\n    name: solo\n    provider: fake\n    dependencies: [solo]\n"
    assert located(refused(text)) == [("resources[0].dependencies", 7, 5, "error", "dependency cycle: solo → solo")]


def test_a_longer_cycle_is_printed_whole_from_the_resource_where_it_was_entered() -> None:
    resources = [("entry", "x"), ("x", "y"), ("y", "z"), ("z", "x")]
    text = HEADER + "".join(
        f"  - type: compute\n    name: {name}\n    provider: fake\n    dependencies: [{dep}]\n"
        for name, dep in resources
    )
    assert located(refused(text)) == [("resources[1].dependencies", 11, 5, "error", "dependency cycle: x → y → z → x")]


def test_a_cycle_in_json_is_located_too() -> None:
    text = (
        '{"version": "1.0", "name": "web", "resources": [\n'
        '  {"type": "compute", "name": "a", "provider": "fake", "dependencies": ["b"]},\n'
        '  {"type": "compute", "name": "b", "provider": "fake", "dependencies": ["a"]}\n'
        "]}\n"
    )
    assert located(refused(text)) == [("resources[0].dependencies", 2, 56, "error", "dependency cycle: a → b → a")]


# Types


def test_an_unknown_resource_type_is_refused_with_the_type_it_resembles() -> None:
    text = HEADER + "  - type: computer\n    name: app\n    provider: fake\n"
    assert located(refused(text)) == [
        ("resources[0].type", 4, 5, "error", "unknown resource type 'computer'; did you mean 'compute'?")
    ]


def test_an_unknown_resource_type_like_nothing_lists_the_types_there_are() -> None:
    [diagnostic] = refused(HEADER + "  - type: banana\n    name: app\n    provider: fake\n")
    assert diagnostic.message == "unknown resource type 'banana'; expected one of: compute, network, service, storage"


# Warnings that do not refuse


def test_an_empty_resource_list_is_accepted_with_a_warning_that_it_empties_the_stack() -> None:
    blueprint, diagnostics = validate('version: "1.0"\nname: web\nresources: []\n')
    assert blueprint is not None
    assert located(diagnostics) == [
        ("resources", 3, 1, "warning", "the blueprint has no resources; `alma destroy` empties a stack")
    ]


def test_warnings_alone_do_not_refuse_a_blueprint() -> None:
    text = (
        "version: 1.0\nname: web\nresources:\n"
        + "  - type: compute\n    name: app\n    provider: fake\n    dependencies: [net, net]\n"
        + "  - type: network\n    name: net\n    provider: fake\n"
    )
    blueprint, diagnostics = validate(text)
    assert blueprint is not None
    assert [d.severity for d in diagnostics] == ["warning", "warning"]


# Everything at once


def test_a_blueprint_with_many_problems_reports_all_of_them_at_once() -> None:
    text = """\
version: "9"
name: Web_Stack
colour: blue
resources:
  - type: computer
    name: App
    provider: fake
    dependancies: []
  - type: compute
    name: db
    provider: fake
    dependencies: [cache, cache, ghost]
  - type: compute
    name: db
    provider: fake
  - type: storage
    name: cache
    provider: fake
    dependencies: [db]
  - type: compute
    provider: fake
"""
    assert located(refused(text)) == [
        ("resources[0].dependancies", 8, 5, "error", "unknown field 'dependancies'; did you mean 'dependencies'?"),
        ("resources[4].name", 20, 5, "error", "'name' is required"),
        (
            "colour",
            3,
            1,
            "error",
            "unknown field 'colour'; expected one of: description, metadata, name, resources, version",
        ),
        ("version", 1, 1, "error", "unsupported version '9'; this ALMA reads version \"1.0\""),
        ("name", 2, 1, "error", f"stack name 'Web_Stack' {LABEL_RULE}; try 'web-stack'"),
        ("resources[0].type", 5, 5, "error", "unknown resource type 'computer'; did you mean 'compute'?"),
        ("resources[0].name", 6, 5, "error", f"resource name 'App' {LABEL_RULE}; try 'app'"),
        ("resources[2].name", 14, 5, "error", "duplicate resource name 'db' (first defined at line 10)"),
        ("resources[1].dependencies[1]", 12, 27, "warning", "'cache' is listed twice"),
        (
            "resources[1].dependencies[2]",
            12,
            34,
            "error",
            "unknown dependency 'ghost'; expected one of: App, cache, db",
        ),
        ("resources[1].dependencies", 12, 5, "error", "dependency cycle: db → cache → db"),
    ]
