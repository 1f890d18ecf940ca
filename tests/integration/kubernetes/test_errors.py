"""API and connection failures leave the engine as Transient or Permanent errors that say where and why.

The failing responses are programmed into kmock with its DSL: they take precedence over the emulation.
"""

from __future__ import annotations

from pathlib import Path

import kmock
import pytest

from alma.engines import Engine, ResourceRef
from alma.errors import PermanentEngineError, TransientEngineError
from tests.integration.kubernetes.cluster import ApplyingCluster
from tests.integration.kubernetes.world import TOKEN, MakeEngine, write_kubeconfig

DEPLOYMENTS = kmock.resource("apps/v1/deployments")
WEB = ResourceRef("shop", "web", "service")


def _status(code: int, message: str) -> dict[str, object]:
    return {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": code, "message": message}


@pytest.mark.parametrize("code", [429, 500, 503])
async def test_rate_limits_and_server_errors_are_transient_with_the_api_message(
    engine: Engine, cluster: ApplyingCluster, code: int
) -> None:
    cluster[kmock.action.LIST, DEPLOYMENTS] << code << _status(code, "etcdserver: leader changed")
    with pytest.raises(TransientEngineError, match=rf"\({code}\).*etcdserver: leader changed") as raised:
        await engine.read(WEB)
    assert raised.value.resource is None  # a list call is not about one resource


async def test_an_invalid_object_is_permanent_with_the_api_message_and_leaves_nothing(
    engine: Engine, cluster: ApplyingCluster
) -> None:
    invalid = 'Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value'
    cluster[kmock.method.PATCH, DEPLOYMENTS] << 422 << _status(422, invalid)
    with pytest.raises(PermanentEngineError, match="Required value") as raised:
        await engine.apply(engine.diff(WEB, engine.normalize("service", {"ports": [80]}), None))
    assert raised.value.resource == "web"
    assert not any(True for _key in cluster.objects)  # the Service after it was never applied
    assert await engine.read(WEB) is None


@pytest.mark.parametrize("code", [401, 403])
async def test_refused_credentials_name_the_endpoint_and_never_the_token(
    engine: Engine, cluster: ApplyingCluster, code: int
) -> None:
    cluster[kmock.action.LIST] << code << _status(code, "User cannot list deployments")
    with pytest.raises(PermanentEngineError) as raised:
        await engine.read(WEB)
    message = str(raised.value)
    assert f"({code})" in message
    assert f"GET {str(cluster.url).rstrip('/')}/api" in message  # which of the list calls failed first varies
    assert "token or client certificate" in message
    assert TOKEN not in message


async def test_an_unreachable_api_is_transient_and_unhealthy_naming_the_endpoint(
    make_engine: MakeEngine, tmp_path: Path
) -> None:
    async with kmock.RawHandler() as handler, kmock.Server(handler) as server:
        gone = str(server.url).rstrip("/")  # a port that was just listening and now is closed
    engine = make_engine(kubeconfig=write_kubeconfig(tmp_path / "gone", gone))

    with pytest.raises(TransientEngineError, match="cannot reach the Kubernetes API") as raised:
        await engine.read(WEB)
    assert raised.value.__cause__ is not None
    health = await engine.health()
    assert not health.ok
    assert gone in health.detail


async def test_a_reachable_api_is_healthy_and_reports_its_version(engine: Engine, cluster: ApplyingCluster) -> None:
    health = await engine.health()
    assert health.ok
    assert "v1.26" in health.detail
    assert str(cluster.url).rstrip("/") in health.detail
