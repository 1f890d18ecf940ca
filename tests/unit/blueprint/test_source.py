"""Reading blueprint text: plain data, where each value came from, and hostile input refused early."""

from __future__ import annotations

import json
import time

import pytest

from alma.blueprint import Limits, parse_source, render_path
from alma.diagnostics import Diagnostic
from alma.errors import BlueprintInvalidError, InvalidInputError

NESTED = """\
name: web
resources:
  - type: compute
    specs:
      memory: 2G
      tags: [a, b]
  - type: network
"""


def refusal(text: str | bytes, limits: Limits | None = None, filename: str = "bp.yaml") -> Diagnostic:
    """The one diagnostic that parsing ``text`` is refused with."""
    with pytest.raises(BlueprintInvalidError) as caught:
        parse_source(text, filename, limits)
    assert len(caught.value.diagnostics) == 1, caught.value.diagnostics
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.severity == "error"
    return diagnostic


def billion_laughs(levels: int = 10, fan_out: int = 10) -> str:
    lines = ['l0: &l0 "lol"']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * fan_out) + "]")
    return "\n".join(lines) + "\n"


# Data and positions


def test_yaml_becomes_plain_python_data() -> None:
    doc = parse_source(NESTED, "bp.yaml")
    assert doc.data == {
        "name": "web",
        "resources": [
            {"type": "compute", "specs": {"memory": "2G", "tags": ["a", "b"]}},
            {"type": "network"},
        ],
    }
    assert doc.filename == "bp.yaml"


def test_the_position_of_a_mapping_entry_is_where_its_key_is_written() -> None:
    doc = parse_source(NESTED)
    assert doc.positions[("name",)] == (1, 1)
    assert doc.positions[("resources",)] == (2, 1)
    assert doc.positions[("resources", 0, "specs")] == (4, 5)
    assert doc.positions[("resources", 0, "specs", "memory")] == (5, 7)
    assert doc.positions[("resources", 1, "type")] == (7, 5)


def test_the_position_of_a_sequence_item_is_where_the_item_starts() -> None:
    doc = parse_source(NESTED)
    assert doc.positions[("resources", 0)] == (3, 5)
    assert doc.positions[("resources", 1)] == (7, 5)
    assert doc.positions[("resources", 0, "specs", "tags", 0)] == (6, 14)
    assert doc.positions[("resources", 0, "specs", "tags", 1)] == (6, 17)


def test_the_whole_document_is_at_its_first_value() -> None:
    assert parse_source(NESTED).positions[()] == (1, 1)
    assert parse_source("# a comment\n\nname: web\n").positions[()] == (3, 1)


def test_a_path_without_a_position_of_its_own_takes_its_nearest_ancestors() -> None:
    doc = parse_source(NESTED)
    assert doc.position_of(("resources", 0, "specs", "cores")) == (4, 5)
    assert doc.position_of(("resources", 1, "name")) == (7, 5)
    assert doc.position_of(("missing", "deeper")) == (1, 1)


def test_a_diagnostic_made_from_the_document_carries_the_path_line_and_column() -> None:
    doc = parse_source(NESTED)
    diagnostic = doc.diagnostic("too much", ("resources", 0, "specs", "memory"))
    assert diagnostic == Diagnostic("too much", "resources[0].specs.memory", 5, 7, "error")
    assert doc.diagnostic("careful", ("name",), "warning").severity == "warning"


def test_paths_render_with_dots_for_keys_and_brackets_for_indexes() -> None:
    assert render_path(("resources", 2, "specs", "tags", 0)) == "resources[2].specs.tags[0]"
    assert render_path(()) == ""
    assert render_path((0, "name")) == "[0].name"


def test_json_reads_the_same_as_yaml_and_has_positions_too() -> None:
    text = '{\n  "name": "web",\n  "resources": [\n    {"type": "compute", "specs": {"cores": 2}}\n  ]\n}\n'
    doc = parse_source(text, "bp.json")
    assert doc.data == {"name": "web", "resources": [{"type": "compute", "specs": {"cores": 2}}]}
    assert doc.positions[("name",)] == (2, 3)
    assert doc.positions[("resources",)] == (3, 3)
    assert doc.positions[("resources", 0)] == (4, 5)
    assert doc.positions[("resources", 0, "specs", "cores")] == (4, 35)


def test_utf8_bytes_are_accepted_with_or_without_a_byte_order_mark() -> None:
    assert parse_source("name: café\n".encode()).data == {"name": "café"}
    assert parse_source(b"\xef\xbb\xbfname: web\n").data == {"name": "web"}


def test_dates_stay_text_and_quoted_numbers_stay_text() -> None:
    doc = parse_source('created: 2024-01-31\nversion: "1.0"\nport: "80"\n')
    assert doc.data == {"created": "2024-01-31", "version": "1.0", "port": "80"}


def test_plain_scalars_take_their_usual_yaml_types() -> None:
    doc = parse_source("count: 3\nratio: 1.5\nenabled: true\nnothing: null\nhex: 0x10\nwords: hello world\n")
    assert doc.data == {"count": 3, "ratio": 1.5, "enabled": True, "nothing": None, "hex": 16, "words": "hello world"}


def test_the_core_yaml_tags_for_plain_data_are_accepted() -> None:
    doc = parse_source('a: !!str 123\nb: !!int "7"\nc: !!float "2"\nd: !!map {x: 1}\ne: !!seq [1]\n')
    assert doc.data == {"a": "123", "b": 7, "c": 2.0, "d": {"x": 1}, "e": [1]}


def test_an_explicit_start_of_the_one_document_is_fine() -> None:
    assert parse_source("---\nname: web\n...\n").data == {"name": "web"}


def test_an_alias_repeats_the_anchored_value() -> None:
    text = "defaults: &defaults {cores: 2, memory: 1G}\nfirst: *defaults\nsecond: *defaults\nname: &n web\nalso: *n\n"
    doc = parse_source(text)
    assert doc.data["first"] == doc.data["second"] == {"cores": 2, "memory": "1G"}
    assert doc.data["also"] == "web"
    assert doc.positions[("second",)] == (3, 1)


def test_aliases_within_the_value_limit_are_fine() -> None:
    # 1 + 10 + 100 + 1,000 values on the last level: well under the default limit of two million.
    assert parse_source(billion_laughs(levels=4)).data["l3"][9][9] == ["lol"] * 10


# Refusals, each with a clear message and, where there is one, the place


def test_a_yaml_syntax_error_is_reported_at_its_line_and_column() -> None:
    diagnostic = refusal("name: web\n  resources: []\n")
    assert diagnostic.message == "YAML syntax error: mapping values are not allowed in this context"
    assert (diagnostic.line, diagnostic.column) == (2, 12)


def test_an_unclosed_flow_sequence_is_reported_with_what_was_being_parsed() -> None:
    diagnostic = refusal("tags: [a, b\nname: web\n")
    assert diagnostic.message.startswith("YAML syntax error: did not find expected ',' or ']'")
    assert "(while parsing a flow sequence)" in diagnostic.message
    assert (diagnostic.line, diagnostic.column) == (2, 5)


def test_an_unterminated_quote_is_a_syntax_error() -> None:
    diagnostic = refusal("name: 'web\n")
    assert "YAML syntax error" in diagnostic.message
    assert "quoted scalar" in diagnostic.message
    assert diagnostic.line == 2


def test_the_error_message_renders_the_position_for_people() -> None:
    with pytest.raises(BlueprintInvalidError, match=r"^line 2, column 12: YAML syntax error: mapping values"):
        parse_source("name: web\n  resources: []\n")


def test_blueprint_errors_are_invalid_input() -> None:
    with pytest.raises(InvalidInputError):
        parse_source("")


def duplicates(text: str) -> list[Diagnostic]:
    """The duplicate-key problems reading ``text`` found (reading goes on: they do not stop it)."""
    doc = parse_source(text, "bp.yaml")
    assert all(d.severity == "error" for d in doc.problems)
    return doc.problems


def test_a_duplicate_key_is_reported_at_its_second_occurrence_and_the_first_value_is_kept() -> None:
    doc = parse_source("name: web\nversion: '1.0'\nname: api\n")
    [diagnostic] = doc.problems
    assert diagnostic.message == "duplicate key 'name' (YAML would silently keep only the last)"
    assert (diagnostic.line, diagnostic.column, diagnostic.path) == (3, 1, "name")
    assert doc.data == {"name": "web", "version": "1.0"}


def test_a_duplicate_key_in_a_nested_mapping_is_reported_where_it_is() -> None:
    [diagnostic] = duplicates("resources:\n  - name: a\n    specs:\n      cores: 1\n      cores: 2\n")
    assert "duplicate key 'cores'" in diagnostic.message
    assert (diagnostic.line, diagnostic.column, diagnostic.path) == (5, 7, "resources[0].specs.cores")


def test_every_duplicate_key_is_reported_not_only_the_first() -> None:
    text = "name: a\nname: b\nresources:\n  - {type: compute, type: network}\n  - specs: {x: 1, x: {y: 2}}\n"
    assert [(d.path, d.line) for d in duplicates(text)] == [
        ("name", 2),
        ("resources[0].type", 4),
        ("resources[1].specs.x", 5),
    ]


def test_a_duplicate_key_in_json_is_reported_with_its_position() -> None:
    [diagnostic] = duplicates('{"name": "web",\n "name": "api"}')
    assert "duplicate key 'name'" in diagnostic.message
    assert (diagnostic.line, diagnostic.column) == (2, 2)


def test_a_duplicate_key_does_not_disturb_the_positions_of_what_follows() -> None:
    doc = parse_source("a: 1\na: 2\nb:\n  c: 3\n")
    assert doc.positions[("b", "c")] == (4, 3)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("spec: !!python/object:os.system {}\n", "tag:yaml.org,2002:python/object:os.system"),
        ("spec: !!python/object/apply:os.system [ls]\n", "tag:yaml.org,2002:python/object/apply:os.system"),
        ("spec: !!python/name:os.system ''\n", "tag:yaml.org,2002:python/name:os.system"),
        ("spec: !!binary aGVsbG8=\n", "tag:yaml.org,2002:binary"),
        ("spec: !!set {a, b}\n", "tag:yaml.org,2002:set"),
        ("spec: !!omap [{a: 1}]\n", "tag:yaml.org,2002:omap"),
        ("spec: !vault secret\n", "!vault"),
    ],
)
def test_a_tag_that_is_not_plain_data_is_refused_where_it_is_written(text: str, tag: str) -> None:
    diagnostic = refusal(text)
    assert diagnostic.message.startswith(f"unsupported YAML tag {tag!r}")
    assert (diagnostic.line, diagnostic.column) == (1, 7)


def test_a_second_document_is_refused_where_it_starts() -> None:
    diagnostic = refusal("name: web\n---\nname: api\n")
    assert diagnostic.message == "a blueprint file holds one YAML document; found a second"
    assert (diagnostic.line, diagnostic.column) == (2, 1)


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "null\n", "~\n", "---\n"])
def test_an_empty_file_is_refused_naming_the_file_and_what_it_needs(text: str) -> None:
    diagnostic = refusal(text, filename="stack.yaml")
    assert diagnostic.message == "stack.yaml is empty: a blueprint needs at least 'version', 'name' and 'resources'"
    assert diagnostic.line is None


def test_bytes_that_are_not_utf8_are_refused_naming_the_first_bad_byte() -> None:
    diagnostic = refusal(b"name: caf\xe9\n", filename="latin1.yaml")
    assert diagnostic.message == "latin1.yaml is not UTF-8 text (byte 9): save it as UTF-8"


def test_an_alias_to_an_anchor_that_does_not_exist_is_refused() -> None:
    diagnostic = refusal("name: *nowhere\n")
    assert "*nowhere" in diagnostic.message
    assert (diagnostic.line, diagnostic.column) == (1, 7)


def test_a_mapping_used_as_a_key_is_refused() -> None:
    diagnostic = refusal("? {a: 1}\n: value\n")
    assert diagnostic.message == "mapping keys must be plain text"
    assert diagnostic.line == 1


# Hostile input: refused fast, in bounded memory, without recursion


def test_a_billion_laughs_alias_bomb_is_refused_fast() -> None:
    text = billion_laughs()  # ten levels of ten: 10**9 strings once expanded
    started = time.perf_counter()
    with pytest.raises(BlueprintInvalidError) as caught:
        parse_source(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, f"took {elapsed:.3f}s: the bomb was expanded"
    [diagnostic] = caught.value.diagnostics
    assert "alias" in diagnostic.message
    assert "expands to more than 2,000,000 values" in diagnostic.message
    assert diagnostic.line is not None


def test_aliases_count_as_the_size_of_what_they_expand_to() -> None:
    # Three lines of text, but 1 + 10 + 100 + ... values: the limit sees the expansion, not the text.
    diagnostic = refusal(billion_laughs(levels=3), Limits(max_nodes=100))
    assert "expands to more than 100 values" in diagnostic.message
    assert diagnostic.line == 3


def test_a_document_exactly_at_the_value_limit_is_accepted_and_one_more_is_refused() -> None:
    # {a: [1, 2]} is five values: the mapping, its key, the list and the list's two items.
    assert parse_source("a: [1, 2]\n", limits=Limits(max_nodes=5)).data == {"a": [1, 2]}
    assert "more than 4 values" in refusal("a: [1, 2]\n", Limits(max_nodes=4)).message


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "[" * 10_000,
        "{a: " * 10_000 + "1" + "}" * 10_000,
        '{"a": ' * 10_000 + "1" + "}" * 10_000,
    ],
    ids=["flow-sequences", "unclosed-flow-sequences", "flow-mappings", "json-objects"],
)
def test_ten_thousand_levels_of_flow_nesting_are_refused_without_recursion(text: str) -> None:
    # pytest.raises lets a RecursionError through, so this also shows that nothing recursed.
    diagnostic = refusal(text)
    assert "nest" in diagnostic.message
    assert diagnostic.line == 1


def test_deeply_nested_block_mappings_are_refused_at_the_first_level_too_deep() -> None:
    text = "".join("  " * level + f"k{level}:\n" for level in range(1_000)) + "  " * 1_000 + "leaf\n"
    diagnostic = refusal(text)
    assert diagnostic.message == "blueprint nests deeper than 64 levels; refused"
    assert (diagnostic.line, diagnostic.column) == (65, 129)


def test_nesting_exactly_at_the_depth_limit_is_accepted() -> None:
    assert parse_source("[" * 64 + "]" * 64).data is not None
    assert parse_source("a:\n  b: 1\n", limits=Limits(max_depth=2)).data == {"a": {"b": 1}}
    diagnostic = refusal("a:\n  b: {c: 1}\n", Limits(max_depth=2))
    assert diagnostic.message == "blueprint nests deeper than 2 levels; refused"
    assert (diagnostic.line, diagnostic.column) == (2, 6)


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed() -> None:
    # Broken YAML that is also too big: the size is what is reported, so nothing was parsed.
    diagnostic = refusal("[" * 100, Limits(max_bytes=99), filename="huge.yaml")
    assert diagnostic.message == "huge.yaml is 100 bytes; blueprints are limited to 99 bytes"
    assert diagnostic.line is None


def test_the_size_limit_counts_utf8_bytes_not_characters() -> None:
    assert parse_source("a: é\n", limits=Limits(max_bytes=6)).data == {"a": "é"}
    assert "is 8 bytes" in refusal("a: éé\n", Limits(max_bytes=6)).message  # six characters


def test_bytes_over_the_size_limit_are_refused_before_they_are_decoded() -> None:
    diagnostic = refusal(b"\xff" * 20, Limits(max_bytes=10))
    assert "is 20 bytes; blueprints are limited to 10 bytes" in diagnostic.message


def test_the_default_size_limit_is_sixteen_mebibytes() -> None:
    text = json.dumps({"description": "x" * (16 * 1024 * 1024)})
    diagnostic = refusal(text)
    assert f"is {len(text):,} bytes; blueprints are limited to 16,777,216 bytes" in diagnostic.message
