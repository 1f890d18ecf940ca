"""Tasks and contention: a failing task reports its log tail, lock timeouts are transient, VM ids never
collide, and a half-made guest is taken away again."""

from __future__ import annotations

import asyncio

import pytest

from alma.engines.proxmox import ProxmoxEngine
from alma.errors import EngineError, TransientEngineError
from tests.integration.proxmox.conftest import EngineMaker, ref
from tests.integration.proxmox.fakes import Served
from tests.integration.proxmox.test_lxc import WEB, create, vmid_of
from tests.integration.proxmox.test_vm import APP


async def test_a_task_that_fails_reports_its_log_tail_and_leaves_nothing_behind(
    served: Served, engine: ProxmoxEngine
) -> None:
    # PVE's own error, raised inside the start worker: the request answers a UPID, the task fails.
    served.pve.fail("POST", "/nodes/{node}/qemu/{vmid}/status/start", error="qemu_exited_code")
    with pytest.raises(EngineError) as raised:
        await create(engine, ref("app"), APP)
    message = str(raised.value)
    assert "task log ends with" in message
    assert "TASK ERROR" in message
    assert raised.value.resource == "app"
    assert served.guests_named("app") == []


async def test_a_start_that_fails_after_the_clone_destroys_the_half_made_vm(
    served: Served, engine: ProxmoxEngine
) -> None:
    served.pve.fail("POST", "/status/start", 500, "start failed: QEMU exited with code 1")
    with pytest.raises(TransientEngineError, match="QEMU exited"):
        await create(engine, ref("app"), APP)
    assert served.guests_named("app") == []


async def test_a_config_lock_timeout_is_transient_and_the_retry_succeeds(served: Served, engine: ProxmoxEngine) -> None:
    _, created = await create(engine, ref("web"), WEB)
    vmid = vmid_of(created)
    await served.pve.hold_config_lock(vmid, None)
    desired = engine.normalize("compute", {**WEB, "disk": "6G"})
    change = engine.diff(ref("web"), desired, await engine.read(ref("web")))
    with pytest.raises(TransientEngineError, match="got timeout") as raised:
        await engine.apply(change)
    assert raised.value.resource == "web"
    served.pve.release_config_lock(vmid)
    retried = await engine.apply(change)
    assert retried is not None
    assert retried.specs == desired


async def test_concurrent_creates_from_two_engines_get_distinct_vmids(served: Served, make_engine: EngineMaker) -> None:
    first, second = make_engine(), make_engine()
    names = [f"web{i}" for i in range(6)]
    results = await asyncio.gather(
        *(create(first if i % 2 else second, ref(name), WEB) for i, name in enumerate(names))
    )
    vmids = [vmid_of(observed) for _, observed in results]
    assert len(set(vmids)) == len(names)
    assert sorted(ct.name for ct in served.pve.cts) == sorted(names)


async def test_a_vmid_taken_by_someone_else_meanwhile_is_skipped(served: Served, engine: ProxmoxEngine) -> None:
    # nextid offers 100 to everyone; another client creates 100 first, so this create is told so.
    served.pve.fail("POST", "/nodes/pve1/lxc", 500, "CT 100 already exists on node 'pve1'", times=1)
    _, observed = await create(engine, ref("web"), WEB)
    assert vmid_of(observed) == 101


async def test_a_task_still_running_at_the_timeout_is_transient(served: Served, make_engine: EngineMaker) -> None:
    served.pve.time_scale = 1.0
    served.pve.ct_secs["create"] = 30  # a slow storage: the task outlives the engine's patience
    served.pve.store_file("local", "alpine-3.20-default_20240908_amd64.tar.xz", 1024, content="vztmpl")
    engine = make_engine(proxmox_task_timeout_s=0.2)
    with pytest.raises(TransientEngineError, match=r"still running after 0\.2s"):
        await create(engine, ref("web"), WEB)
