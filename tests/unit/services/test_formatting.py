"""``alma fmt``'s formatting: a blueprint rewritten to canonical form, everything else kept as written."""

from __future__ import annotations

import json

import pytest

from alma.errors import BlueprintInvalidError
from alma.services import BlueprintService
from tests.unit.services.test_blueprint_aliases import LEGACY, service

__all__ = ["service"]  # the fixture, shared

CANONICAL = """\
# A blueprint as ALMA 0.8 shipped it
version: "1.0"
name: legacy
resources:
  - type: compute
    name: web-1
    provider: fake
    specs:
      cores: 2        # two cores
      memory: 4GB
      disk: 1TB
      template: ubuntu-22.04
  - type: compute
    name: web-2
    provider: fake
    specs: {cores: 2, memory: 4096MB, disk: 100GB, template: ubuntu-22.04}
  - type: service
    name: lb
    provider: fake
    specs:
      algorithm: round-robin
      backends: [web-1, web-2]
      ports: [80]
    dependencies: [web-1, web-2]
"""


def test_a_legacy_blueprint_is_rewritten_to_canonical_keys_keeping_comments_order_and_style(
    service: BlueprintService,
) -> None:
    formatted = service.formatted(LEGACY, "legacy.yaml")
    assert formatted.text == CANONICAL
    assert len(formatted.changes) == 14  # every rewrite, each where it was written
    assert [c.line for c in formatted.changes] == sorted(c.line or 0 for c in formatted.changes)


def test_formatting_twice_changes_nothing_the_second_time(service: BlueprintService) -> None:
    once = service.formatted(LEGACY, "legacy.yaml").text
    twice = service.formatted(once, "legacy.yaml")
    assert (twice.text, twice.changes) == (once, [])


def test_the_canonical_form_validates_without_warnings_and_plans_the_same_specs(service: BlueprintService) -> None:
    before = service.load(LEGACY, "legacy.yaml")
    after = service.load(service.formatted(LEGACY, "legacy.yaml").text, "legacy.yaml")
    assert after.warnings == []
    assert [(r.name, r.type, dict(r.specs), set(r.dependencies)) for r in after.desired] == [
        (r.name, r.type, dict(r.specs), set(r.dependencies)) for r in before.desired
    ]


def test_a_file_that_needs_nothing_is_returned_byte_for_byte(service: BlueprintService) -> None:
    text = 'version: "1.0"\nname: ok\nresources:\n    -   type: compute   # odd but valid indentation\n'
    text += "        name: a\n        provider: fake\n        specs: {cores: 1}\n"
    formatted = service.formatted(text, "ok.yaml")
    assert (formatted.text, formatted.changes) == (text, [])


def test_the_file_s_own_indentation_is_kept_when_something_changes(service: BlueprintService) -> None:
    text = 'version: "1.0"\nname: ok\nresources:\n- type: compute\n  name: a\n  provider: fake\n  specs:\n'
    text += "    cpu: 1\n"
    assert service.formatted(text, "ok.yaml").text == text.replace("cpu:", "cores:")


def test_a_json_blueprint_is_rewritten_as_json(service: BlueprintService) -> None:
    data = {"version": 1.0, "name": "j", "resources": [{"type": "compute", "name": "a", "provider": "fake"}]}
    data["resources"][0]["specs"] = {"ram": "1G", "cpu": 2}  # type: ignore[index]
    formatted = service.formatted(json.dumps(data), "j.json")
    assert json.loads(formatted.text) == {
        "version": "1.0",
        "name": "j",
        "resources": [{"type": "compute", "name": "a", "provider": "fake", "specs": {"memory": "1G", "cores": 2}}],
    }


def test_a_rewrite_that_would_have_to_guess_refuses_to_format_anything(service: BlueprintService) -> None:
    text = LEGACY.replace("cpu: 2          # two cores", "cpu: 2\n      cores: 4")
    with pytest.raises(BlueprintInvalidError) as caught:
        service.formatted(text, "legacy.yaml")
    assert [d.message for d in caught.value.diagnostics] == ["'cpu' and 'cores' both give 'cores': keep one of them"]


def test_unreadable_text_is_refused_with_its_position(service: BlueprintService) -> None:
    with pytest.raises(BlueprintInvalidError) as caught:
        service.formatted("name: [unclosed\n", "bad.yaml")
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.message.startswith("YAML syntax error") and diagnostic.line is not None


def test_a_document_that_is_not_a_blueprint_is_left_alone(service: BlueprintService) -> None:
    for text in ("- just\n- a list\n", "plain text\n", "resources: 7\n"):
        assert service.formatted(text, "x.yaml").text == text


def test_a_key_shared_through_an_anchor_or_a_merge_is_renamed_once_where_it_is_written(
    service: BlueprintService,
) -> None:
    text = """\
version: "1.0"
name: a
resources:
  - {type: compute, name: x, provider: fake, specs: &small {cpu: 2, ram: 1G}}
  - {type: compute, name: y, provider: fake, specs: *small}
  - type: compute
    name: z
    provider: fake
    specs:
      <<: *small
      disk_size: 4G
"""
    formatted = service.formatted(text, "a.yaml")
    assert formatted.text == text.replace("cpu:", "cores:").replace("ram:", "memory:").replace("disk_size", "disk")
    loaded = service.load(formatted.text, "a.yaml")
    assert loaded.warnings == []
    assert [dict(r.specs)["cores"] for r in loaded.desired] == [2, 2, 2]


def test_a_version_written_as_a_whole_number_becomes_the_text_it_means(service: BlueprintService) -> None:
    text = "version: 1\nname: a\nresources: []\n"
    assert service.formatted(text, "a.yaml").text == 'version: "1.0"\nname: a\nresources: []\n'


def test_a_windows_file_keeps_its_line_endings_and_its_own_indentation(service: BlueprintService) -> None:
    # Written on Windows, four spaces deep: one renamed key must not show as every line changed, nor
    # re-indent the file (the indentation that reproduces it is found on the text without its CRs).
    text = 'version: "1.0"\nname: ok\nresources:\n    - type: compute\n      name: a\n'
    text += "      provider: fake\n      specs:\n          cpu: 1   # one\n"
    windows = text.replace("\n", "\r\n")
    expected = text.replace("cpu: 1   #", "cores: 1 #").replace("\n", "\r\n")  # the comment keeps its column
    assert service.formatted(windows, "ok.yaml").text == expected


def test_a_byte_order_mark_is_kept_and_a_json_file_behind_one_stays_json(service: BlueprintService) -> None:
    yaml_text = "\ufeffversion: '1.0'\r\nname: ok\r\nresources:\r\n"
    yaml_text += "- {type: compute, name: a, provider: fake, specs: {cpu: 1}}\r\n"
    assert service.formatted(yaml_text, "ok.yaml").text == yaml_text.replace("cpu:", "cores:")
    data = {"version": "1.0", "name": "j", "resources": [{"type": "compute", "name": "a", "provider": "fake"}]}
    data["resources"][0]["specs"] = {"cpu": 2}  # type: ignore[index]
    formatted = service.formatted("\ufeff" + json.dumps(data), "j.json").text
    assert formatted.startswith("\ufeff{")
    assert json.loads(formatted[1:])["resources"][0]["specs"] == {"cores": 2}
