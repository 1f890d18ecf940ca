"""Kubeconfig handling: found where kubectl finds it, its token and CA used over real TLS, and every
problem reported as a ConfigurationError on first use (the engine itself is always constructible).

The TLS certificates are made per test session with the ``openssl`` command line tool.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp.test_utils
import kmock
import pytest

from alma.engines import EngineContext, ResourceRef
from alma.engines.kubernetes import create_engine
from alma.engines.kubernetes.kubeconfig import load_cluster_access
from alma.engines.memory import MemoryKeyValueStore
from alma.errors import ConfigurationError, PermanentEngineError
from alma.settings import Settings
from tests.integration.kubernetes.cluster import ApplyingCluster
from tests.integration.kubernetes.world import MakeEngine, write_kubeconfig

WEB = ResourceRef("shop", "web", "service")


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway CA and a server certificate for 127.0.0.1 signed by it."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make test certificates")
    where = tmp_path_factory.mktemp("pki")
    (where / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    for command in (
        "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=alma-test-ca",
        "req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1",
        "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1 -extfile san.cnf",
    ):
        subprocess.run(["openssl", *command.split()], cwd=where, check=True, capture_output=True)
    return where


@pytest.fixture
async def tls_cluster(pki: Path) -> AsyncIterator[ApplyingCluster]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki / "server.crt", pki / "server.key")

    class TLSServer(aiohttp.test_utils.RawTestServer):
        async def start_server(self, loop: asyncio.AbstractEventLoop | None = None, **kwargs: Any) -> None:
            await super().start_server(loop, ssl=context, **kwargs)

    async with ApplyingCluster() as cluster, kmock.Server(cluster, server_cls=TLSServer):
        yield cluster


async def test_a_token_and_a_ca_from_the_kubeconfig_are_used_over_tls(
    make_engine: MakeEngine, tls_cluster: ApplyingCluster, pki: Path, tmp_path: Path
) -> None:
    server = str(tls_cluster.url).rstrip("/")
    assert server.startswith("https://")
    kubeconfig = write_kubeconfig(tmp_path / "kc", server, token="s3cret", ca_pem=(pki / "ca.crt").read_bytes())
    engine = make_engine(kubeconfig=kubeconfig)

    assert await engine.read(WEB) is None
    assert all(request.headers["Authorization"] == "Bearer s3cret" for request in tls_cluster)
    assert (await engine.health()).ok


async def test_a_server_the_ca_does_not_vouch_for_is_a_permanent_tls_error(
    make_engine: MakeEngine, tls_cluster: ApplyingCluster, tmp_path: Path
) -> None:
    engine = make_engine(kubeconfig=write_kubeconfig(tmp_path / "kc", str(tls_cluster.url)))
    with pytest.raises(PermanentEngineError, match="TLS verification failed"):
        await engine.read(WEB)


@pytest.mark.parametrize(("flag", "trusted"), [(True, True), ("true", False)])
async def test_skipping_tls_verification_is_honoured_only_when_the_kubeconfig_sets_it_to_true(
    make_engine: MakeEngine, tls_cluster: ApplyingCluster, tmp_path: Path, flag: object, trusted: bool
) -> None:
    extra = {"insecure-skip-tls-verify": flag}
    engine = make_engine(kubeconfig=write_kubeconfig(tmp_path / "kc", str(tls_cluster.url), cluster_extra=extra))
    assert (await engine.health()).ok is trusted


async def test_without_any_kubeconfig_the_engine_builds_and_its_first_call_names_what_is_missing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "nowhere" / "config"
    engine = create_engine(EngineContext(Settings(home=tmp_path, kubeconfig=missing), lambda _: MemoryKeyValueStore()))
    try:
        with pytest.raises(ConfigurationError, match=f"{missing}.*ALMA_KUBECONFIG"):
            await engine.read(WEB)
        health = await engine.health()
        assert not health.ok
        assert str(missing) in health.detail
    finally:
        await engine.aclose()


async def test_the_kubeconfig_is_found_through_the_kubeconfig_variable_when_settings_name_none(
    kubeconfig: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", f"{kubeconfig}:{tmp_path / 'second'}")
    engine = create_engine(EngineContext(Settings(home=tmp_path), lambda _: MemoryKeyValueStore()))
    try:
        assert (await engine.health()).ok
    finally:
        await engine.aclose()


def test_a_token_file_and_a_named_context_are_read_relative_to_the_kubeconfig(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("from-file\n")
    path = write_kubeconfig(tmp_path / "kc", "https://k8s.example:6443", user={"tokenFile": "token"})
    access = load_cluster_access(path, "emulated")
    assert (access.server, access.token) == ("https://k8s.example:6443", "from-file")
    assert "from-file" not in repr(access)


def test_client_certificates_load_into_the_tls_context(pki: Path, tmp_path: Path) -> None:
    user = {"client-certificate": str(pki / "server.crt"), "client-key": str(pki / "server.key")}
    access = load_cluster_access(write_kubeconfig(tmp_path / "kc", "https://x:6443", user=user), None)
    assert isinstance(access.ssl_context(), ssl.SSLContext)


@pytest.mark.parametrize(
    ("user", "context", "message"),
    [
        ({"exec": {"command": "aws"}}, None, "authenticates with 'exec'"),
        ({"token": "t"}, "prod", "no context named 'prod' .*emulated"),
        ({"client-certificate": "missing.crt"}, None, "cannot read client-certificate missing.crt"),
    ],
)
def test_unusable_kubeconfigs_are_configuration_errors(
    tmp_path: Path, user: dict[str, Any], context: str | None, message: str
) -> None:
    path = write_kubeconfig(tmp_path / "kc", "https://x:6443", user=user)
    with pytest.raises(ConfigurationError, match=message):
        load_cluster_access(path, context)
