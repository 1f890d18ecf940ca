"""Loading a blueprint whose sizes are not finite: refused as an invalid blueprint, at the size's position,
never with a raw OverflowError or ValueError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alma.services import BlueprintService
from tests.unit.services.test_blueprint_service import HEADER, make_service, one_resource, refused


@pytest.fixture
def service(tmp_path: Path) -> BlueprintService:
    return make_service(tmp_path)


def json_blueprint(specs_text: str) -> str:
    """A one-line JSON blueprint whose compute specs are ``specs_text``, written as is."""
    resource = '{"type": "compute", "name": "one", "provider": "fake", "specs": ' + specs_text + "}"
    return '{"version": "1.0", "name": "web", "resources": [' + resource + "]}"


@pytest.mark.parametrize(
    ("rtype", "specs", "path", "message"),
    [
        ("compute", "{memory: .inf}", "resources[0].specs.memory", "memory must be a finite size, got inf"),
        ("compute", "{memory: -.inf}", "resources[0].specs.memory", "memory must be a finite size, got -inf"),
        ("compute", "{memory: .nan}", "resources[0].specs.memory", "memory must be a finite size, got nan"),
        ("compute", "{memory: .Inf}", "resources[0].specs.memory", "memory must be a finite size, got inf"),
        ("compute", "{disk: .inf}", "resources[0].specs.disk", "disk must be a finite size, got inf"),
        ("compute", "{disk: .NaN}", "resources[0].specs.disk", "disk must be a finite size, got nan"),
        ("storage", "{size: .inf}", "resources[0].specs.size", "size must be a finite size, got inf"),
    ],
)
def test_a_yaml_size_that_is_not_finite_is_refused_at_its_position(
    service: BlueprintService, rtype: str, specs: str, path: str, message: str
) -> None:
    [diagnostic] = refused(service, one_resource(rtype, specs))
    assert (diagnostic.path, diagnostic.line, diagnostic.column, diagnostic.severity) == (path, 7, 13, "error")
    assert diagnostic.message == message


def test_a_size_written_with_too_many_digits_for_a_float_is_refused_as_not_finite(service: BlueprintService) -> None:
    [diagnostic] = refused(service, one_resource("compute", '{memory: "1' + "0" * 400 + 'G"}'))
    assert diagnostic.path == "resources[0].specs.memory"
    assert diagnostic.message.startswith("memory must be a finite size")


@pytest.mark.parametrize(
    ("specs", "path", "message"),
    [
        ('{"memory": 1e999}', "resources[0].specs.memory", "memory must be a finite size, got inf"),
        ('{"memory": -1e999}', "resources[0].specs.memory", "memory must be a finite size, got -inf"),
        ('{"disk": 1E+999}', "resources[0].specs.disk", "disk must be a finite size, got inf"),
    ],
)
def test_a_json_number_too_large_for_a_float_is_refused_as_not_finite(
    service: BlueprintService, specs: str, path: str, message: str
) -> None:
    text = json_blueprint(specs)
    assert json.loads(text)["resources"][0]["specs"] != {}  # the fixture is JSON, read by the JSON reader too
    [diagnostic] = refused(service, text)
    assert (diagnostic.path, diagnostic.severity, diagnostic.message) == (path, "error", message)
    assert diagnostic.line == 1


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_json_nan_or_infinity_size_is_refused_as_unreadable_text(service: BlueprintService, constant: str) -> None:
    [diagnostic] = refused(service, json_blueprint(f'{{"memory": {constant}}}'))
    assert diagnostic.path == "resources[0].specs.memory"
    assert diagnostic.message.startswith(f"cannot read memory '{constant}'")


def test_every_non_finite_size_is_reported_at_once(service: BlueprintService) -> None:
    text = (
        HEADER
        + "  - {type: compute, name: a, provider: fake, specs: {memory: .inf, disk: .nan}}\n"
        + "  - {type: storage, name: b, provider: fake, specs: {size: -.inf}}\n"
    )
    diagnostics = refused(service, text)
    assert [(d.path, d.line) for d in diagnostics] == [
        ("resources[0].specs.memory", 4),
        ("resources[0].specs.disk", 4),
        ("resources[1].specs.size", 5),
    ]
