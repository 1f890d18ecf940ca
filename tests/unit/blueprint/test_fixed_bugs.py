"""Regressions: merge keys, non-JSON constants, lazily found positions, node counting, huge integers,
lone surrogates, the required resource list, keys kept as written, list items named by their path,
and the topological order among ready nodes."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from alma.blueprint import Limits, parse_source, topological_order, validate_structure
from alma.diagnostics import Diagnostic
from alma.errors import BlueprintInvalidError


def refusal(text: str, limits: Limits | None = None) -> Diagnostic:
    """The one error that parsing ``text`` is refused with."""
    with pytest.raises(BlueprintInvalidError) as caught:
        parse_source(text, "bp.yaml", limits)
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.severity == "error"
    return diagnostic


def every_value(data: Any) -> list[Any]:
    """Every value and key in ``data``, without recursion."""
    out: list[Any] = []
    stack = [data]
    while stack:
        value = stack.pop()
        out.append(value)
        if isinstance(value, dict):
            out.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return out


def errors_of(text: str) -> list[Diagnostic]:
    blueprint, diagnostics = validate_structure(parse_source(text, "bp.yaml"))
    assert blueprint is None
    return [d for d in diagnostics if d.severity == "error"]


# 1. YAML merge keys


def test_a_merge_key_fills_in_the_keys_a_mapping_does_not_write_itself() -> None:
    doc = parse_source("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n")
    assert doc.data == {"base": {"x": 1, "y": 2}, "d": {"x": 1, "y": 3}}


def test_a_merge_key_leaves_the_anchored_mapping_unchanged() -> None:
    doc = parse_source("base: &b {x: 1}\nd:\n  <<: *b\n  x: 2\n  z: 3\n")
    assert doc.data["base"] == {"x": 1}
    assert doc.data["d"] == {"x": 2, "z": 3}


def test_a_list_of_merges_takes_each_key_from_the_earliest_mapping_that_has_it() -> None:
    doc = parse_source("a: &a {x: 1}\nb: &b {x: 2, y: 2}\nd:\n  <<: [*a, *b]\n  z: 3\n")
    assert doc.data["d"] == {"x": 1, "y": 2, "z": 3}


def test_merged_keys_do_not_appear_as_a_key_named_after_the_merge() -> None:
    doc = parse_source("base: &b {x: 1}\nd:\n  <<: *b\n")
    assert "<<" not in doc.data["d"]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: &a 5\nd:\n  <<: *a\n", 3, 3),
        ("a: &a [1, 2]\nd:\n  <<: *a\n", 3, 3),
        ("a: &a {x: 1}\nd:\n  <<: [*a, 7]\n", 3, 3),
        ("d:\n  k: 1\n  <<: text\n", 3, 3),
    ],
)
def test_merging_something_other_than_a_mapping_is_refused_at_the_merge_key(text: str, line: int, column: int) -> None:
    diagnostic = refusal(text)
    assert "'<<' merges only mappings" in diagnostic.message
    assert (diagnostic.line, diagnostic.column) == (line, column)


def test_a_quoted_merge_key_in_json_is_an_ordinary_key() -> None:
    doc = parse_source('{"d": {"<<": 1, "x": 2}}')
    assert doc.data == {"d": {"<<": 1, "x": 2}}


# 3. NaN and Infinity are not JSON


def test_json_constants_nan_and_infinity_are_read_as_text_not_as_floats() -> None:
    doc = parse_source('{"a": NaN, "b": Infinity, "c": -Infinity, "d": [NaN, 1]}')
    assert doc.data == {"a": "NaN", "b": "Infinity", "c": "-Infinity", "d": ["NaN", 1]}
    assert not any(isinstance(value, float) and not math.isfinite(value) for value in every_value(doc.data))


def test_json_with_a_nan_constant_is_read_by_the_yaml_reader_and_keeps_its_positions() -> None:
    doc = parse_source('{\n  "a": 1,\n  "b": NaN\n}\n')
    assert doc.position_of(("b",)) == (3, 3)


# 4. Positions found on demand, and node counting for JSON

JSON_ONLY = json.dumps(
    {
        "version": "1.0",
        "name": "web",
        "description": "PLACEHOLDER",
        "resources": [{"type": "compute", "name": "Bad_Name", "provider": "fake"}],
    }
).replace("PLACEHOLDER", "\\udcff")


def test_the_json_only_fixture_is_ascii_text_whose_escape_reads_as_a_lone_surrogate() -> None:
    assert "\\udcff" in JSON_ONLY
    assert JSON_ONLY.isascii()
    assert parse_source(JSON_ONLY).data["description"] == "\udcff"


def test_json_that_only_the_json_reader_accepts_still_gets_diagnostics_without_line_numbers() -> None:
    doc = parse_source(JSON_ONLY, "bp.json")
    blueprint, diagnostics = validate_structure(doc)
    assert blueprint is None
    assert [(d.path, d.line, d.column, d.severity) for d in diagnostics] == [("resources[0].name", None, None, "error")]
    assert "resource name 'Bad_Name' is not a lowercase DNS label" in diagnostics[0].message


def test_positions_of_json_that_only_the_json_reader_accepts_are_empty_rather_than_an_error() -> None:
    doc = parse_source(JSON_ONLY)
    assert doc.positions == {}
    assert doc.position_of(("resources", 0, "name")) is None


def one_level(keys: int) -> dict[str, int]:
    return {f"k{i}": i for i in range(keys)}


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "yaml"])
def test_a_mapping_with_n_keys_counts_as_2n_plus_1_values_in_json_and_yaml_alike(as_json: bool) -> None:
    def text(keys: int) -> str:
        data = one_level(keys)
        return json.dumps(data) if as_json else "".join(f"{key}: {value}\n" for key, value in data.items())

    limits = Limits(max_nodes=99)
    assert parse_source(text(49), limits=limits).data == one_level(49)  # 1 + 2 * 49 = 99 values
    diagnostic = refusal(text(50), limits)  # 1 + 2 * 50 = 101 values
    assert "more than 99 values" in diagnostic.message


def test_a_json_object_with_many_keys_is_refused_up_front_though_it_has_fewer_keys_than_the_limit() -> None:
    text = json.dumps(one_level(600))
    assert text.lstrip().startswith("{")
    diagnostic = refusal(text, Limits(max_nodes=1_000))
    assert "more than 1,000 values" in diagnostic.message


# 5. Integers too long to convert


def test_a_huge_integer_literal_is_a_located_refusal() -> None:
    diagnostic = refusal("a: 1" + "0" * 5000 + "\n")
    assert diagnostic.message.startswith("cannot read the value '1000")
    assert (diagnostic.line, diagnostic.column) == (1, 4)


def test_a_huge_integer_in_json_is_a_located_refusal() -> None:
    diagnostic = refusal('{"a": 1' + "0" * 5000 + "}")
    assert diagnostic.message.startswith("cannot read the value '1000")
    assert (diagnostic.line, diagnostic.column) == (1, 7)


# 6. Lone surrogates


@pytest.mark.parametrize("text", ["a: \udcff", '{"a": "\ud800"}'])
def test_text_holding_a_lone_surrogate_is_refused_as_not_utf8(text: str) -> None:
    diagnostic = refusal(text)
    assert "UTF-8" in diagnostic.message


# 7. resources is required


@pytest.mark.parametrize("text", ['version: "1.0"\nname: web\n', '{"version": "1.0", "name": "web"}'])
def test_a_blueprint_without_resources_is_refused_as_missing_them(text: str) -> None:
    messages = [d.message for d in errors_of(text)]
    assert messages == ["'resources' is required"]


def test_a_blueprint_with_an_empty_resource_list_is_accepted_with_a_warning() -> None:
    blueprint, diagnostics = validate_structure(parse_source('version: "1.0"\nname: web\nresources: []\n'))
    assert blueprint is not None
    assert [d.severity for d in diagnostics] == ["warning"]


# 8. Keys as written, list items named by their path


def test_mapping_keys_stay_exactly_as_written() -> None:
    doc = parse_source("on: 1\ntrue: 2\n1.0: 3\n1.50: 4\n0x10: 5\nnull: 6\n~: 7\nyes: 8\n")
    assert list(doc.data) == ["on", "true", "1.0", "1.50", "0x10", "null", "~", "yes"]
    assert doc.data["on"] == 1


def test_values_are_still_typed_while_keys_are_kept_as_written() -> None:
    doc = parse_source("on: on\n1.0: 1.0\nnull: null\n")
    assert doc.data == {"on": True, "1.0": 1.0, "null": None}


def test_a_key_kept_as_written_keeps_its_position() -> None:
    doc = parse_source("on:\n  true: 1\n")
    assert doc.position_of(("on", "true")) == (2, 3)


def test_keys_that_would_be_equal_once_typed_are_not_duplicates() -> None:
    doc = parse_source("0x10: a\n16: b\non: c\nTrue: d\n")
    assert doc.data == {"0x10": "a", "16": "b", "on": "c", "True": "d"}


def test_a_quoted_key_and_a_plain_key_with_the_same_text_are_duplicates() -> None:
    [diagnostic] = parse_source("on: 1\n'on': 2\n", "bp.yaml").problems
    assert "duplicate key 'on'" in diagnostic.message
    assert (diagnostic.line, diagnostic.column) == (2, 1)


def test_a_list_item_of_the_wrong_kind_is_named_by_its_whole_path() -> None:
    [error] = errors_of('version: "1.0"\nname: web\nresources: [5]\n')
    assert error.message == "'resources[0]' must be a mapping"
    assert error.path == "resources[0]"
    assert (error.line, error.column) == (3, 13)


def test_a_nested_list_item_of_the_wrong_kind_is_named_by_its_whole_path() -> None:
    text = 'version: "1.0"\nname: web\nresources:\n  - {type: compute, name: a, provider: fake, dependencies: [1]}\n'
    [error] = errors_of(text)
    assert error.message == "'resources[0].dependencies[0]' must be text"


# 9. Topological order


def test_among_ready_nodes_the_earliest_in_the_input_comes_first() -> None:
    assert topological_order({"a": [], "b": ["a"], "c": []}) == ["a", "b", "c"]


def test_a_node_released_later_still_goes_before_later_ready_nodes() -> None:
    assert topological_order({"c": ["b"], "b": [], "a": []}) == ["b", "c", "a"]
    assert topological_order({"a": [], "b": [], "c": ["a"], "d": []}) == ["a", "b", "c", "d"]
