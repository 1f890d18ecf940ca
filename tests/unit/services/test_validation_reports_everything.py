"""Validation reports every problem at once, however the file goes wrong (issue 11, item 13): a duplicate
key does not stop it, and a size is named by the field the user wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from alma.diagnostics import Diagnostic
from alma.errors import BlueprintInvalidError
from alma.services import BlueprintService
from tests.unit.services.test_blueprint_service import make_service


@pytest.fixture
def service(tmp_path: Path) -> BlueprintService:
    return make_service(tmp_path)


def refused(service: BlueprintService, text: str) -> list[Diagnostic]:
    with pytest.raises(BlueprintInvalidError) as caught:
        service.load(text, "bp.yaml")
    return caught.value.diagnostics


DUPLICATE_AND_MORE = """\
version: "1.0"
name: web
resources:
  - type: compute
    name: app
    provider: fake
    specs: {cores: 2, cores: 4, memory: 2X}
  - type: storage
    name: data
    provider: fake
    specs: {size: 0}
    dependencies: [nowhere]
  - type: computer
    name: app
    provider: fakee
name: web2
"""


def test_a_duplicate_key_is_reported_with_every_other_problem_in_the_file(service: BlueprintService) -> None:
    found = [(d.line, d.path, d.message) for d in refused(service, DUPLICATE_AND_MORE)]
    assert found == [
        (7, "resources[0].specs.cores", "duplicate key 'cores' (YAML would silently keep only the last)"),
        (7, "resources[0].specs.memory", "unknown unit 'X' in memory '2X'; use M/MB/MiB, G/GB/GiB or T/TB/TiB"),
        (11, "resources[1].specs.size", "size must be greater than zero, got 0"),
        (12, "resources[1].dependencies[0]", "unknown dependency 'nowhere'; expected one of: app, data"),
        (13, "resources[2].type", "unknown resource type 'computer'; did you mean 'compute'?"),
        (14, "resources[2].name", "duplicate resource name 'app' (first defined at line 5)"),
        (15, "resources[2].provider", found[6][2]),
        (16, "name", "duplicate key 'name' (YAML would silently keep only the last)"),
    ]
    assert "fakee" in found[6][2]


def test_a_duplicate_key_alone_still_makes_the_blueprint_invalid(service: BlueprintService) -> None:
    text = 'version: "1.0"\nname: web\nresources: []\nresources: []\n'
    [error] = [d for d in refused(service, text) if d.severity == "error"]
    assert (error.line, error.path) == (4, "resources")


@pytest.mark.parametrize(
    ("rtype", "specs", "message"),
    [
        ("storage", "{size: 0}", "size must be greater than zero, got 0"),
        ("storage", "{size: -1G}", "size must be greater than zero, got '-1G'"),
        ("storage", "{size: 1.5G}", "size '1.5G' is not a whole number of GiB; round it to, say, '2G'"),
        ("storage", "{size: lots}", "cannot read size 'lots'; write a number with a unit, such as '512M' or '2G'"),
        ("compute", "{disk: 0}", "disk must be greater than zero, got 0"),
        ("compute", "{memory: 0}", "memory must be greater than zero, got 0"),
    ],
)
def test_a_size_is_named_by_the_field_that_was_written(
    service: BlueprintService, rtype: str, specs: str, message: str
) -> None:
    text = f'version: "1.0"\nname: web\nresources:\n  - {{type: {rtype}, name: one, provider: fake, specs: {specs}}}\n'
    [diagnostic] = refused(service, text)
    assert diagnostic.message == message
