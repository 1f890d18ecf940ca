"""A Docker stack as a Compose file, read back as YAML: every container a service under its Docker name,
networks and volumes under theirs, container dependencies as depends_on, text kept as text."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from alma.errors import InvalidInputError
from alma.export import Recorded, export_compose
from tests.unit.export.test_terraform import DOCKER


def document(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def test_containers_networks_and_volumes_keep_their_docker_names() -> None:
    exported = export_compose("s", 3, DOCKER)
    compose = document(exported.text)
    assert list(compose["services"]) == ["web"]
    assert compose["networks"]["net"]["name"] == "s_net"
    assert compose["volumes"]["data"]["name"] == "s_data"
    web = compose["services"]["web"]
    assert (web["container_name"], web["pull_policy"], web["restart"]) == ("s_web", "missing", "unless-stopped")
    assert web["volumes"] == ["data:/srv:ro", "/etc/x:/x:rw"]
    assert web["ports"] == ["127.0.0.1:8080:80/tcp"]
    assert (web["cpu_period"], web["cpu_quota"], web["mem_limit"], web["memswap_limit"]) == (100000, 50000, "256m", -1)
    assert web["labels"]["alma.stack"] == "s" and web["labels"]["alma.env-keys"] == "A"
    assert "depends_on" not in web  # its dependencies are a network and a volume, named where it uses them
    assert [a.address for a in exported.addresses] == ["services.web", "networks.net", "volumes.data"]


def test_dollars_are_doubled_so_compose_reads_no_variable() -> None:
    web = document(export_compose("s", 1, DOCKER).text)["services"]["web"]
    assert web["command"][2] == 'echo "$${HOME}" %{x}'


def test_a_container_that_depends_on_another_waits_for_it() -> None:
    db = Recorded("db", "service", "docker", {**DOCKER[2].specs, "pull": "never", "ports": []}, (), True, "c1")
    web = Recorded("web", "service", "docker", {**DOCKER[2].specs, "volumes": []}, ("db", "net"), True, "c2")
    compose = document(export_compose("s", 1, [DOCKER[0], db, web]).text)
    assert compose["services"]["web"]["depends_on"] == ["db"]


def test_a_stack_with_anything_but_docker_is_refused_naming_it() -> None:
    other = Recorded("ns", "network", "kubernetes", {}, (), True, "u")
    with pytest.raises(InvalidInputError, match=r"writes Docker stacks; stack 's' also has ns \(kubernetes\)"):
        export_compose("s", 1, [*DOCKER, other])
