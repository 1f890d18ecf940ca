"""Containers on a real daemon: ports on an explicit address, no pulls, replace, ownership, clean failure."""

from __future__ import annotations

import urllib.request
from typing import Any

import docker
import pytest

from alma.engines import Engine, JSONDict, Observed, ResourceRef
from alma.errors import EngineError, PermanentEngineError
from tests.integration.docker.daemon import IMAGE_1, IMAGE_2, SLEEPER, wait_until

SERVER = ["httpd", "-f", "-p", "8080", "-h", "/www"]


async def _apply(engine: Engine, ref: ResourceRef, specs: dict[str, Any]) -> tuple[JSONDict, Observed]:
    desired = engine.normalize(ref.type, specs)
    observed = await engine.apply(engine.diff(ref, desired, await engine.read(ref)))
    assert observed is not None
    return desired, observed


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            body: bytes = response.read()
            return body.decode()
    except OSError:
        return None


async def test_a_published_port_is_bound_to_the_address_the_spec_names(
    engine: Engine, stack: str, sdk: docker.DockerClient, unused_tcp_port: int
) -> None:
    ref = ResourceRef(stack, "web", "service")
    specs = {"image": IMAGE_1, "command": SERVER, "ports": [f"127.0.0.1:{unused_tcp_port}:8080"]}
    desired, observed = await _apply(engine, ref, specs)
    assert observed.specs == desired
    bindings = sdk.containers.get(observed.external_id).attrs["HostConfig"]["PortBindings"]
    assert bindings == {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(unused_tcp_port)}]}

    async def serving() -> bool:
        return _fetch(f"http://127.0.0.1:{unused_tcp_port}/") == "alma\n"

    await wait_until(serving, what="httpd answering on the published port")


async def test_everything_alma_creates_carries_the_ownership_labels(
    engine: Engine, stack: str, sdk: docker.DockerClient
) -> None:
    _, observed = await _apply(engine, ResourceRef(stack, "box", "compute"), {"image": IMAGE_1, "command": SLEEPER})
    labels = sdk.containers.get(observed.external_id).labels
    assert {k: labels[k] for k in ("alma.managed", "alma.stack", "alma.name")} == {
        "alma.managed": "true",
        "alma.stack": stack,
        "alma.name": "box",
    }


async def test_a_missing_image_with_pull_never_is_refused_by_name_and_nothing_is_made(
    engine: Engine, stack: str, sdk: docker.DockerClient
) -> None:
    ref = ResourceRef(stack, "nope", "compute")
    with pytest.raises(PermanentEngineError, match=r"alma-test/absent:1.*pull: never") as raised:
        await _apply(engine, ref, {"image": "alma-test/absent:1"})
    assert raised.value.resource == "nope"
    assert await engine.read(ref) is None
    assert not sdk.containers.list(all=True, filters={"name": f"{stack}_nope"})


async def test_an_unchanged_container_replans_as_noop_whatever_the_order_of_ports_and_env(
    engine: Engine, stack: str, unused_tcp_port: int, unused_tcp_port_factory: Any
) -> None:
    ref = ResourceRef(stack, "ordered", "compute")
    other = unused_tcp_port_factory()
    ports = [f"127.0.0.1:{unused_tcp_port}:8080", {"host_ip": "127.0.0.1", "host_port": other, "container_port": 81}]
    await _apply(
        engine, ref, {"image": "alma-test/busybox:1", "command": SERVER, "ports": ports, "env": {"B": "2", "A": "1"}}
    )
    again = engine.normalize(
        "compute", {"image": IMAGE_1, "command": " ".join(SERVER), "ports": ports[::-1], "env": {"A": "1", "B": "2"}}
    )
    assert engine.diff(ref, again, await engine.read(ref)).action == "noop"


@pytest.mark.parametrize("change", [{"image": IMAGE_2}, {"command": ["sleep", "600"]}])
async def test_an_image_or_command_change_replaces_the_container(
    engine: Engine, stack: str, sdk: docker.DockerClient, change: dict[str, Any]
) -> None:
    ref = ResourceRef(stack, "moved", "compute")
    _, before = await _apply(engine, ref, {"image": IMAGE_1, "command": SLEEPER})
    desired = engine.normalize("compute", {"image": IMAGE_1, "command": SLEEPER, **change})
    planned = engine.diff(ref, desired, before)
    assert planned.action == "replace"
    after = await engine.apply(planned)
    assert after is not None and after.external_id != before.external_id
    assert after.specs == desired and after.status == "running"
    left = sdk.containers.list(all=True, filters={"label": [f"alma.stack={stack}", "alma.name=moved"]})
    assert [c.id for c in left] == [after.external_id]


async def test_restart_policy_and_limits_change_in_place(engine: Engine, stack: str) -> None:
    ref = ResourceRef(stack, "tuned", "compute")
    _, before = await _apply(engine, ref, {"image": IMAGE_1, "command": SLEEPER})
    desired = engine.normalize(
        "compute", {"image": IMAGE_1, "command": SLEEPER, "restart": "always", "memory": "96M", "cpus": 0.5}
    )
    planned = engine.diff(ref, desired, before)
    assert planned.action == "update"
    after = await engine.apply(planned)
    assert after is not None and after.external_id == before.external_id and after.specs == desired


async def test_start_false_creates_a_stopped_container_and_start_changes_in_place(
    engine: Engine, stack: str, sdk: docker.DockerClient
) -> None:
    ref = ResourceRef(stack, "idle", "compute")
    desired, created = await _apply(engine, ref, {"image": IMAGE_1, "command": SLEEPER, "start": False})
    assert created.specs == desired and created.specs["start"] is False
    assert sdk.containers.get(f"{stack}_idle").status == "created"
    assert engine.diff(ref, desired, await engine.read(ref)).action == "noop"
    running = engine.normalize("compute", {"image": IMAGE_1, "command": SLEEPER})
    assert running["start"] is True  # the default: blueprints that never say `start` run their containers
    planned = engine.diff(ref, running, created)
    assert planned.action == "update" and [(f.path, f.before, f.after) for f in planned.fields] == [
        ("start", False, True)
    ]
    started = await engine.apply(planned)
    assert started is not None and started.external_id == created.external_id and started.specs == running
    assert sdk.containers.get(f"{stack}_idle").status == "running"


async def test_a_container_alma_does_not_own_is_invisible_untouched_and_a_conflict(
    engine: Engine, stack: str, sdk: docker.DockerClient
) -> None:
    foreign = sdk.containers.run(IMAGE_1, SLEEPER, name=f"{stack}_web", detach=True)
    try:
        ref = ResourceRef(stack, "web", "compute")
        assert await engine.read(ref) is None
        assert (await engine.read_many([ref]))[ref.key] is None
        with pytest.raises(PermanentEngineError, match="not managed by ALMA"):
            await _apply(engine, ref, {"image": IMAGE_1, "command": SLEEPER})
        await engine.apply(engine.diff(ref, None, Observed(ref, {}, "unknown", foreign.id or "")))
        foreign.reload()
        assert foreign.status == "running"
    finally:
        foreign.remove(force=True)


async def test_a_container_that_cannot_start_is_removed_before_the_error_goes_up(
    engine: Engine, stack: str, sdk: docker.DockerClient, unused_tcp_port: int
) -> None:
    holder = sdk.containers.run(
        IMAGE_1, SLEEPER, name=f"{stack}-port-holder", ports={"8080/tcp": ("127.0.0.1", unused_tcp_port)}, detach=True
    )
    try:
        ref = ResourceRef(stack, "late", "compute")
        # Docker answers 500 ("port is already allocated"): transient, since the holder may go away.
        with pytest.raises(EngineError):
            await _apply(
                engine, ref, {"image": IMAGE_1, "command": SERVER, "ports": [f"127.0.0.1:{unused_tcp_port}:8080"]}
            )
        assert await engine.read(ref) is None
        assert not sdk.containers.list(all=True, filters={"name": f"{stack}_late"})
    finally:
        holder.remove(force=True)


async def test_a_health_check_runs_and_is_reported(engine: Engine, stack: str) -> None:
    ref = ResourceRef(stack, "checked", "service")
    check = {"test": ["CMD", "true"], "interval": "200ms", "timeout": "1s", "retries": 1}
    desired, _ = await _apply(engine, ref, {"image": IMAGE_1, "command": SLEEPER, "healthcheck": check})

    async def healthy() -> bool:
        observed = await engine.read(ref)
        return observed is not None and observed.facts.get("health") == "healthy"

    await wait_until(healthy, what="the container's health check passing")
    observed = await engine.read(ref)
    assert observed is not None and engine.diff(ref, desired, observed).action == "noop"
