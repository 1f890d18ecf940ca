"""Getting in: API tokens, tickets with CSRF tokens (renewed), TLS verification, and health that says
what is wrong instead of raising. No secret ever appears in an error or a log line."""

from __future__ import annotations

import logging
import socket

import pytest
from pydantic import SecretStr

from alma.engines import EngineContext
from alma.engines.memory import MemoryKeyValueStore
from alma.engines.proxmox import ProxmoxEngine, create_engine
from alma.errors import ConfigurationError, EngineError, PermanentEngineError
from alma.settings import Settings
from tests.integration.proxmox.conftest import EngineMaker, ref
from tests.integration.proxmox.fakes import PASSWORD, TOKEN_ID, TOKEN_SECRET, Served
from tests.integration.proxmox.test_lxc import WEB, create

SECRETS = (TOKEN_SECRET, PASSWORD)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _tickets(served: Served) -> int:
    return sum(1 for _, path, _ in served.pve.requests if path.endswith("/access/ticket"))


async def test_an_api_token_is_sent_as_pveapitoken_and_works_for_writes(
    served: Served, engine: ProxmoxEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await create(engine, ref("web"), WEB)
    assert _tickets(served) == 0
    assert not any(secret in caplog.text for secret in SECRETS)


async def test_a_ticket_login_sends_csrf_on_writes_and_renews_before_expiry(
    served: Served, make_engine: EngineMaker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    engine = make_engine(proxmox_token=None, proxmox_user="root@pam", proxmox_password=SecretStr(PASSWORD), clock=clock)
    await create(engine, ref("web"), WEB)  # writes: the fake refuses them without the CSRF token
    assert _tickets(served) == 1
    clock.now += 100 * 60  # past the renewal point, before PVE's two-hour expiry
    assert (await engine.health()).ok
    assert _tickets(served) == 2
    assert PASSWORD not in caplog.text


async def test_a_ticket_the_server_forgot_is_replaced_by_a_new_login(served: Served, make_engine: EngineMaker) -> None:
    engine = make_engine(proxmox_token=None, proxmox_user="root", proxmox_password=SecretStr(PASSWORD))
    assert (await engine.health()).ok
    served.pve.revoke_tickets()  # a restarted node, or an expired ticket
    assert await engine.read(ref("web")) is None
    assert _tickets(served) == 2


async def test_refused_credentials_are_permanent_name_the_endpoint_and_hide_the_secret(
    served: Served, make_engine: EngineMaker
) -> None:
    for engine in (
        make_engine(proxmox_token=SecretStr(f"{TOKEN_ID}=wrong-{TOKEN_SECRET}")),
        make_engine(proxmox_token=None, proxmox_user="root@pam", proxmox_password=SecretStr(f"wrong-{PASSWORD}")),
    ):
        with pytest.raises(PermanentEngineError) as raised:
            await engine.read(ref("web"))
        assert served.pve.url in str(raised.value)
        assert not any(secret in str(raised.value) for secret in SECRETS)
        health = await engine.health()
        assert not health.ok
        assert served.pve.url in health.detail


async def test_tls_is_verified_against_the_configured_ca_and_fails_clearly_without_it(
    served: Served, make_engine: EngineMaker
) -> None:
    assert (await make_engine().health()).ok
    untrusting = make_engine(proxmox_ca_bundle=None)
    with pytest.raises(PermanentEngineError, match="ALMA_PROXMOX_CA_BUNDLE") as raised:
        await untrusting.read(ref("web"))
    assert "certificate" in str(raised.value)
    health = await untrusting.health()
    assert not health.ok
    assert "certificate" in health.detail
    assert (await make_engine(proxmox_ca_bundle=None, proxmox_verify_tls=False).health()).ok


async def test_an_unreachable_endpoint_is_unhealthy_not_an_exception(make_engine: EngineMaker) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    health = await make_engine(proxmox_url=f"https://127.0.0.1:{port}").health()
    assert not health.ok
    assert f"127.0.0.1:{port}" in health.detail


async def test_a_server_that_does_not_answer_in_time_is_unhealthy(served: Served, make_engine: EngineMaker) -> None:
    served.pve.time_scale = 1.0
    served.pve.flaky_network(hang_rate=1.0, hang_secs=0.5)
    health = await make_engine(proxmox_timeout_s=0.05).health()
    assert not health.ok
    assert "timed out" in health.detail


async def test_the_engine_builds_with_nothing_configured_and_says_what_is_missing(tmp_path: object) -> None:
    engine = create_engine(EngineContext(Settings(), lambda _: MemoryKeyValueStore()))
    try:
        with pytest.raises(ConfigurationError, match="ALMA_PROXMOX_URL is not set"):
            await engine.read(ref("web"))
        health = await engine.health()
        assert (health.ok, health.detail) == (False, "ALMA_PROXMOX_URL is not set")
    finally:
        await engine.aclose()


async def test_a_malformed_token_is_a_configuration_error_without_the_secret(make_engine: EngineMaker) -> None:
    engine = make_engine(proxmox_token=SecretStr(f"no-realm={TOKEN_SECRET}"))
    with pytest.raises((ConfigurationError, EngineError)) as raised:
        await engine.read(ref("web"))
    assert TOKEN_SECRET not in str(raised.value)
