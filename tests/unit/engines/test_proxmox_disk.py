"""The Proxmox ``disk`` spec, pure: its default (a clone's is the template's), how a plan compares it, and
every way PVE writes a size."""

from __future__ import annotations

import pytest

from alma.engines import JSONDict, Observed, ResourceRef
from alma.engines.proxmox import specs
from alma.engines.proxmox.observe import Guest, observe, size_gib

REF = ResourceRef("lab", "app", "compute")
CLONE: JSONDict = {"kind": "vm", "clone": 9000}


def _normalized(given: JSONDict) -> JSONDict:
    return specs.normalize(specs.ComputeSpec.model_validate(given))


@pytest.mark.parametrize(
    ("given", "disk"),
    [
        ({"template": "alpine"}, 8),
        ({"kind": "vm"}, 8),
        (CLONE, None),  # the template's size, whatever it is
        ({**CLONE, "disk": "12G"}, 12),
        ({"template": "alpine", "disk": None}, 8),
    ],
)
def test_disk_defaults_to_8g_except_for_a_clone_which_takes_its_templates(given: JSONDict, disk: int | None) -> None:
    assert _normalized(given)["disk"] == disk


def test_a_clone_that_leaves_disk_to_its_template_has_no_opinion_about_the_guests_size() -> None:
    desired = _normalized(CLONE)
    observed = Observed(REF, {**desired, "disk": 32}, "running", "vm/100")
    assert specs.diff(REF, desired, observed).action == "noop"


def test_a_disk_whose_size_is_unknown_grows_in_place_to_the_one_asked_for() -> None:
    desired = _normalized({**CLONE, "disk": "12G"})
    change = specs.diff(REF, desired, Observed(REF, {**desired, "disk": None}, "stopped", "vm/100"))
    assert change.action == "update"
    assert [(f.path, f.before, f.after, f.forces_replace) for f in change.fields] == [("disk", None, 12, False)]


def test_a_smaller_disk_than_the_guests_still_replaces_it() -> None:
    desired = _normalized({**CLONE, "disk": "12G"})
    change = specs.diff(REF, desired, Observed(REF, {**desired, "disk": 20}, "stopped", "vm/100"))
    assert change.action == "replace"


@pytest.mark.parametrize(
    ("written", "gib"),
    [("8G", 8), ("8g", 8), ("8192M", 8), ("1T", 1024), ("10485760K", 10), ("1.5G", 2), ("", None), ("big", None)],
)
def test_every_size_pve_writes_reads_as_whole_gib_rounded_up(written: str, gib: int | None) -> None:
    assert size_gib(written) == gib


def test_a_disk_entry_without_size_reads_as_what_storage_reports_and_one_with_size_ignores_it() -> None:
    vm = Guest("vm", 100, "pve1", "app", "running", "", False)
    bare = {"scsi0": "local-lvm:vm-100-disk-0,iothread=1", "boot": "order=scsi0"}
    assert observe(vm, bare, None)[0]["disk"] is None
    assert observe(vm, bare, None, stored_disk=10)[0]["disk"] == 10
    sized = {**bare, "scsi0": "local-lvm:vm-100-disk-0,size=8192M"}
    assert observe(vm, sized, None, stored_disk=10)[0]["disk"] == 8
