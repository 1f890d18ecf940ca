"""Text that YAML reads as something else (the Norway problem: ``no`` is false, ``22.10`` is 22.1): the error
names what was written, what YAML made of it, and how to quote it, rather than a value nobody wrote."""

from __future__ import annotations

import json

import pytest

from alma.errors import BlueprintInvalidError
from alma.services import BlueprintService
from tests.unit.services.test_blueprint_aliases import service

__all__ = ["service"]  # the fixture, shared

SURPRISES = """\
version: "1.0"
name: no
resources:
  - {type: compute, name: on, provider: fake, specs: {cores: 1, template: 22.10}}
  - type: compute
    name: b
    provider: fake
    specs:
      cores: 1
      image: 3.10   # python
"""


def _messages(service: BlueprintService, text: str) -> list[str]:
    with pytest.raises(BlueprintInvalidError) as caught:
        service.load(text, "b.yaml")
    return [d.render() for d in caught.value.diagnostics]


def test_a_name_or_spec_yaml_reads_as_a_boolean_or_number_says_how_to_quote_it(service: BlueprintService) -> None:
    assert _messages(service, SURPRISES) == [
        """line 2, column 1: name: 'name' must be text; YAML reads no as false: quote it to mean the text """
        """(name: "no")""",
        """line 4, column 21: resources[0].name: 'name' must be text; YAML reads on as true: quote it to mean """
        """the text (name: "on")""",
        "line 4, column 65: resources[0].specs.template: template: input should be a valid string (got 22.1); "
        """YAML reads 22.10 as the number 22.1: quote it to mean the text (template: "22.10")""",
        "line 10, column 7: resources[1].specs.image: image: input should be a valid string (got 3.1); "
        """YAML reads 3.10 as the number 3.1: quote it to mean the text (image: "3.10")""",
    ]


def test_what_was_written_as_it_was_read_gets_no_lesson(service: BlueprintService) -> None:
    data = {"version": "1.0", "name": False, "resources": [{"type": "compute", "name": "a", "provider": "fake"}]}
    assert _messages(service, json.dumps(data))[0] == "line 1, column 20: name: 'name' must be text"


def test_a_blueprint_sent_inside_json_says_to_send_the_text_itself(service: BlueprintService) -> None:
    # POST /plans takes the text; {"blueprint": TEXT} (POST /iprs's shape) was "'version' is required" and more.
    text = SURPRISES.replace("name: no", 'name: "no"')
    assert _messages(service, json.dumps({"blueprint": text})) == [
        """line 1, column 1: this is {"blueprint": TEXT}: send the blueprint's text itself (YAML or JSON) as the body"""
    ]
    assert _messages(service, json.dumps(text)) == [
        "line 1, column 1: this is a blueprint's text encoded as one JSON string: send the text itself (YAML or JSON)"
    ]


@pytest.mark.parametrize("key", ["text", "yaml", "content", "source"])
def test_a_blueprint_in_any_one_key_envelope_says_to_send_it_itself(service: BlueprintService, key: str) -> None:
    text = SURPRISES.replace("name: no", 'name: "no"')
    assert _messages(service, json.dumps({key: text})) == [
        f"""line 1, column 1: this is {{"{key}": TEXT}}: send the blueprint's text itself (YAML or JSON) as the body"""
    ]


def test_a_blueprint_document_nested_in_an_envelope_says_so(service: BlueprintService) -> None:
    doc = {"version": "1.0", "name": "s", "resources": [{"type": "compute", "name": "a", "provider": "fake"}]}
    assert _messages(service, json.dumps({"spec": doc})) == [
        """line 1, column 1: this is {"spec": BLUEPRINT}: send the blueprint itself (YAML or JSON) as the body, """
        """not inside "spec\""""
    ]


def test_a_one_key_document_that_is_a_wrong_blueprint_gets_field_errors(service: BlueprintService) -> None:
    # {"resources": "…"} is a blueprint with errors, not an envelope: its own fields are named.
    messages = _messages(service, json.dumps({"resources": "a\nresources"}))
    assert any("'version' is required" in m for m in messages)


@pytest.mark.parametrize(
    ("text", "where", "char"),
    [
        # a YAML escape makes ESC in a value: "\e[1A\e[2K" would erase a line of the plan under review
        ('version: "1.0"\nname: s\nresources:\n  - {name: a, type: compute, provider: fake,'
         ' specs: {image: "nginx\\e[1A\\e[2K"}}\n', "line 4, column 61", "U+001B (ESC)"),
        # a direction override written as it is, in a plain scalar
        ("version: '1.0'\nname: s\nresources:\n  - name: a\n    type: compute\n    provider: fake\n"
         "    specs: {image: nginx\u202e}\n", "line 7, column 25", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        # a JSON escape
        ('{"version": "1.0", "name": "s", "resources": [{"name": "a", "type": "compute", "provider": "fake",'
         ' "specs": {"image": "ng\\u001b]0;x\\u0007"}}]}', "line 1, column 122", "U+001B (ESC)"),
        ('{"version": "1.0", "name": "s", "resources": [], "description": "a\\rb"}', "line 1, column 67",
         "U+000D (carriage return)"),
    ],
)  # fmt: skip
def test_control_characters_in_a_blueprint_are_refused_with_where(
    service: BlueprintService, text: str, where: str, char: str
) -> None:
    (message,) = _messages(service, text)
    assert message.startswith(f"{where}: the blueprint holds the control character {char}")


def test_an_escaped_backslash_before_u_is_text_not_a_control(service: BlueprintService) -> None:
    text = json.dumps(
        {"version": "1.0", "name": "s", "resources": [], "description": "write \\u001b for ESC\nline two\ttab"}
    )
    assert "\\\\u001b" in text
    service.load(text)  # no error: a literal backslash-u, a line feed and a tab
