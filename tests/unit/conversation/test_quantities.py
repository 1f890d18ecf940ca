"""Numbers and sizes as operators write them, read into counts, cores, MiB and GiB."""

from __future__ import annotations

import pytest

from alma.conversation import IntentParser


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser()


@pytest.mark.parametrize(
    ("sentence", "memory_mb"),
    [
        ("deploy a vm with 512M of ram", 512),
        ("deploy a vm with 512MB ram", 512),
        ("deploy a vm with half a gig of memory", 512),
        ("deploy a vm with 4 gigs of ram", 4096),
        ("deploy a vm with 1GB RAM", 1024),
        ("deploy a vm with 1.5G memory", 1536),
        ("deploy a vm with a gig of ram", 1024),
        ("deploy a vm with two gigabytes of memory", 2048),
        ("deploy a vm with RAM: 8 GB", 8192),
        ("deploy a vm with 2048MB", 2048),
    ],
)
def test_memory_is_read_in_any_usual_unit(parser: IntentParser, sentence: str, memory_mb: int) -> None:
    assert parser.parse(sentence).resources[0].memory_mb == memory_mb


@pytest.mark.parametrize(
    ("sentence", "disk_gb"),
    [
        ("deploy a vm with a 50GB disk", 50),
        ("deploy a vm with 1.5 TB of storage", 1536),
        ("deploy a vm with 8G disk", 8),
        ("deploy a vm with disk 100G", 100),
        ("deploy a vm with 2 gigs of ram and 2TB", 2048),
    ],
)
def test_disk_is_read_in_any_usual_unit(parser: IntentParser, sentence: str, disk_gb: int) -> None:
    assert parser.parse(sentence).resources[0].disk_gb == disk_gb


@pytest.mark.parametrize(
    ("sentence", "cores"),
    [
        ("deploy a vm with 2 vCPUs", 2),
        ("deploy a vm with two cores", 2),
        ("deploy a vm with 1 core", 1),
        ("deploy a vm with 4 cpus", 4),
        ("deploy a vm with a quad core cpu", 4),
        ("deploy a vm with 8vcpu", 8),
    ],
)
def test_cores_are_read_from_numbers_and_words(parser: IntentParser, sentence: str, cores: int) -> None:
    assert parser.parse(sentence).resources[0].cores == cores


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("deploy three web servers", 3),
        ("deploy a dozen containers", 12),
        ("spin up half a dozen alpine lxcs", 6),
        ("deploy a couple of ubuntu vms", 2),
        ("deploy twenty-five containers", 25),
        ("deploy twenty five containers", 25),
        ("deploy 5 new containers", 5),
        ("deploy one container", 1),
    ],
)
def test_counts_are_read_from_numbers_in_words(parser: IntentParser, sentence: str, count: int) -> None:
    assert parser.parse(sentence).resources[0].count == count


def test_a_version_after_a_template_is_not_a_count(parser: IntentParser) -> None:
    resource = parser.parse("create an Ubuntu 22.04 VM with 4 cores").resources[0]
    assert (resource.template, resource.kind, resource.count, resource.cores) == ("ubuntu", "vm", 1, 4)


def test_specs_said_once_with_each_apply_to_every_copy(parser: IntentParser) -> None:
    resource = parser.parse("spin up 5 alpine LXCs with 1 core and 512MB each").resources[0]
    assert (resource.count, resource.cores, resource.memory_mb) == (5, 1, 512)
