"""Published ports in the spellings people write (``8080:80``, ``8080:80/udp``, ``127.0.0.1:8080:80``,
``80``): each gets an explicit host address in the normalized specs (the plan shows it), the address
Docker reads back, and a warning when it publishes on every interface."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import docker
import pytest
from pydantic import ValidationError

from alma.bootstrap import build
from alma.engines import Engine, Observed, ResourceRef
from alma.engines.docker import DockerEngine
from alma.engines.docker.client import DockerConnection
from alma.errors import BlueprintInvalidError
from alma.planning import render_plan
from alma.settings import Settings
from tests.conftest import make_settings
from tests.helpers import run_plan
from tests.integration.docker.daemon import HOST, IMAGE_1, SLEEPER, wait_until

SERVER = ["httpd", "-f", "-p", "8080", "-h", "/www"]
NOWHERE = DockerConnection("tcp://127.0.0.1:9", 1.0)  # check/normalize never contact the daemon


def _engine(default_bind: str = "127.0.0.1") -> DockerEngine:
    return DockerEngine(NOWHERE, default_bind=default_bind)


def _ports(engine: DockerEngine, ports: list[Any]) -> list[str]:
    normalized: list[str] = engine.normalize("service", {"image": "busybox", "ports": ports})["ports"]
    return normalized


def test_the_short_spellings_get_the_loopback_address_by_default() -> None:
    engine = _engine()
    ports = ["8080:80", "8081:81/udp", "90", {"host_port": 8082, "container_port": 82}]
    assert _ports(engine, ports) == [
        "127.0.0.1:8080:80/tcp",
        "127.0.0.1:8081:81/udp",
        "127.0.0.1:8082:82/tcp",
        "127.0.0.1::90/tcp",  # no host port: Docker picks a free one
    ]
    assert engine.check("service", {"image": "busybox", "ports": ports}) == []


def test_an_explicit_address_is_kept_whatever_the_default() -> None:
    ports = ["10.0.0.5:8080:80", "[::1]:8081:81/sctp", "127.0.0.1::82"]
    expected = ["10.0.0.5:8080:80/tcp", "127.0.0.1::82/tcp", "[::1]:8081:81/sctp"]
    assert _ports(_engine(), ports) == expected
    assert _ports(_engine("0.0.0.0"), ports) == expected


def test_the_default_bind_address_is_a_setting_and_publishing_everywhere_is_a_warning() -> None:
    engine = _engine("0.0.0.0")
    ports: list[Any] = ["127.0.0.1:9090:90", "8080:80"]
    specs = {"image": "busybox", "ports": ports}
    assert _ports(engine, ports) == ["0.0.0.0:8080:80/tcp", "127.0.0.1:9090:90/tcp"]
    diagnostics = engine.check("service", specs)
    assert [(d.path, d.severity) for d in diagnostics] == [("ports.1", "warning")]
    assert "every interface" in diagnostics[0].message
    assert "ALMA_DOCKER_DEFAULT_BIND" in diagnostics[0].message


@pytest.mark.parametrize("port", ["0.0.0.0:8080:80", "[::]:8080:80/udp", {"host_ip": "0.0.0.0", "container_port": 80}])
def test_an_explicit_every_interface_address_is_accepted_with_a_warning(port: Any) -> None:
    diagnostics = _engine().check("service", {"image": "busybox", "ports": ["127.0.0.1:9090:90", port]})
    assert [(d.path, d.severity) for d in diagnostics] == [("ports.1", "warning")]
    assert "ALMA_DOCKER_DEFAULT_BIND" not in diagnostics[0].message  # the blueprint said so itself


@pytest.mark.parametrize(
    ("port", "says"),
    [
        ("8080:80:70:60", "HOST_IP:HOST_PORT:CONTAINER_PORT"),
        ("web", "HOST_IP:HOST_PORT:CONTAINER_PORT"),
        ("8080:80/icmp", "HOST_IP:HOST_PORT:CONTAINER_PORT"),
        ("70000:80", "between 1 and 65535"),
        ("8080:0", "between 1 and 65535"),
        ("8000-8010:80-90", "ranges"),
        ("example.com:8080:80", "not an IP address"),
        ("[::1:8080:80", "HOST_IP:HOST_PORT:CONTAINER_PORT"),
    ],
)
def test_a_port_nobody_can_read_is_refused_saying_what_to_write(port: str, says: str) -> None:
    diagnostics = _engine().check("service", {"image": "busybox", "ports": [port]})
    assert [(d.path, d.severity) for d in diagnostics] == [("ports", "error")]
    assert says in diagnostics[0].message
    assert repr(port) in diagnostics[0].message


def test_the_default_bind_setting_must_be_an_ip_address() -> None:
    assert str(Settings(docker_default_bind="::1").docker_default_bind) == "::1"
    with pytest.raises(ValidationError, match="docker_default_bind"):
        Settings(docker_default_bind="localhost")


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body: bytes = response.read()
            return body.decode()
    except OSError:
        return None


async def test_a_short_spelling_publishes_on_loopback_and_replans_as_noop(
    engine: Engine, stack: str, sdk: docker.DockerClient, unused_tcp_port: int
) -> None:
    ref = ResourceRef(stack, "web", "service")
    desired = engine.normalize("service", {"image": IMAGE_1, "command": SERVER, "ports": [f"{unused_tcp_port}:8080"]})
    observed = await engine.apply(engine.diff(ref, desired, await engine.read(ref)))
    assert observed is not None and observed.specs == desired
    bindings = sdk.containers.get(observed.external_id).attrs["HostConfig"]["PortBindings"]
    assert bindings == {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(unused_tcp_port)}]}
    assert engine.diff(ref, desired, await engine.read(ref)).action == "noop"

    async def serving() -> bool:
        return _fetch(f"http://127.0.0.1:{unused_tcp_port}/") == "alma\n"

    await wait_until(serving, what="httpd answering on the published port")


async def test_a_container_port_alone_gets_a_free_host_port_that_the_facts_name(engine: Engine, stack: str) -> None:
    ref = ResourceRef(stack, "box", "compute")
    desired = engine.normalize("compute", {"image": IMAGE_1, "command": SLEEPER, "ports": ["8080"]})
    observed = await engine.apply(engine.diff(ref, desired, await engine.read(ref)))
    assert observed is not None and observed.specs["ports"] == ["127.0.0.1::8080/tcp"]
    assert engine.diff(ref, desired, await engine.read(ref)).action == "noop"
    [published] = observed.facts["published"]
    address, _, port = published.partition("->")[0].rpartition(":")
    assert address == "127.0.0.1" and int(port) > 0
    assert published.endswith("->8080/tcp")


def _blueprint(stack: str, ports: list[str]) -> str:
    specs = {"image": IMAGE_1, "command": SLEEPER, "ports": ports}
    resource = {"type": "service", "name": "web", "provider": "docker", "specs": specs}
    return json.dumps({"version": "1.0", "name": stack, "resources": [resource]})


async def test_the_plan_shows_the_address_and_an_applied_short_spelling_replans_as_noop(
    sdk: docker.DockerClient, stack: str, tmp_path: Path, unused_tcp_port: int
) -> None:
    text = _blueprint(stack, [f"{unused_tcp_port}:80"])
    async with await build(make_settings(tmp_path / "home", docker_host=HOST)) as services:
        planned = await services.plans.plan_blueprint(text)
        assert planned.warnings == []
        assert f'"127.0.0.1:{unused_tcp_port}:80/tcp"' in render_plan(planned.plan)
        result = await run_plan(services, planned.plan.id)
        assert result.outcome == "succeeded", result.error
        again = await services.plans.plan_blueprint(text)
    assert again.plan.summary()["noop"] == 1 and not again.plan.has_changes


async def test_a_plan_that_publishes_everywhere_carries_the_warning(tmp_path: Path) -> None:
    text = _blueprint("everywhere", ["8080:80"])
    settings = make_settings(tmp_path / "home", docker_host=HOST, docker_default_bind="0.0.0.0")
    async with await build(settings) as services:
        loaded = services.blueprints.load(text)
        planned_specs = loaded.desired[0].specs
    assert planned_specs["ports"] == ["0.0.0.0:8080:80/tcp"]
    assert [(w.path, w.severity) for w in loaded.warnings] == [("resources[0].specs.ports[0]", "warning")]


async def test_a_bad_port_fails_validation_at_its_line(tmp_path: Path) -> None:
    async with await build(make_settings(tmp_path / "home", docker_host=HOST)) as services:
        with pytest.raises(BlueprintInvalidError) as raised:
            services.blueprints.load(_blueprint("bad", ["8080:80:70:60"]))
    [error] = [d for d in raised.value.diagnostics if d.severity == "error"]
    assert error.path == "resources[0].specs.ports"


def test_a_changed_default_bind_replans_short_spellings_as_a_replace_and_leaves_explicit_ones() -> None:
    ref = ResourceRef("s", "web", "service")
    before = _engine().normalize("service", {"image": "busybox", "ports": ["8080:80"]})
    after = _engine("0.0.0.0").normalize("service", {"image": "busybox", "ports": ["8080:80"]})
    change = _engine("0.0.0.0").diff(ref, after, Observed(ref, before, "running", "id"))
    assert change.action == "replace"
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("ports", ["127.0.0.1:8080:80/tcp"], ["0.0.0.0:8080:80/tcp"])
    ]
    explicit = {"image": "busybox", "ports": ["127.0.0.1:8080:80"]}
    seen = Observed(ref, _engine().normalize("service", explicit), "running", "id")
    assert _engine("0.0.0.0").diff(ref, _engine("0.0.0.0").normalize("service", explicit), seen).action == "noop"
