"""Spec checking and normalization: pure, no daemon needed."""

from __future__ import annotations

from alma.engines import Observed, ResourceRef
from alma.engines.docker import DockerEngine
from alma.engines.docker.client import DockerConnection

ENGINE = DockerEngine(DockerConnection("tcp://127.0.0.1:9", 1.0))  # never contacted by check/normalize


def test_ports_env_image_and_durations_are_spelled_out_in_one_canonical_form() -> None:
    specs = {
        "image": "busybox",
        "command": "sh -c 'echo hi'",
        "ports": [{"host_ip": "::1", "host_port": 81, "container_port": 80}, "127.0.0.1:8080:80/udp"],
        "env": {"B": "2", "A": "1"},
        "volumes": [{"source": "data", "target": "/data", "read_only": True}],
        "healthcheck": {"test": "true", "interval": "500ms"},
    }
    normalized = ENGINE.normalize("service", specs)
    assert normalized["image"] == "busybox:latest"
    assert normalized["command"] == ["sh", "-c", "echo hi"]
    assert normalized["ports"] == ["127.0.0.1:8080:80/udp", "[::1]:81:80/tcp"]
    assert list(normalized["env"]) == ["A", "B"]
    assert normalized["volumes"] == ["data:/data:ro"]
    assert normalized["healthcheck"]["test"] == ["CMD-SHELL", "true"]
    assert normalized["healthcheck"]["interval"] == 0.5
    assert ENGINE.normalize("service", normalized) == normalized


def test_a_gateway_outside_its_subnet_is_refused_at_the_gateway() -> None:
    diagnostics = ENGINE.check("network", {"subnet": "10.0.0.0/24", "gateway": "10.0.1.1"})
    assert [d.path for d in diagnostics] == ["gateway"]


def test_a_change_of_pull_policy_alone_is_no_change() -> None:
    ref = ResourceRef("s", "web", "compute")
    before = ENGINE.normalize("compute", {"image": "busybox", "pull": "never"})
    after = ENGINE.normalize("compute", {"image": "busybox", "pull": "always"})
    assert ENGINE.diff(ref, after, Observed(ref, before, "running", "id")).action == "noop"
