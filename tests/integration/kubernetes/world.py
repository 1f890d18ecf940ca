"""A running emulated cluster and kubeconfigs pointing at it: shared by these tests and the contract suite."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import kmock
import yaml

from alma.engines import Engine, EngineContext
from alma.engines.kubernetes import create_engine
from alma.engines.memory import MemoryKeyValueStore
from alma.settings import Settings
from tests.integration.kubernetes.cluster import ApplyingCluster

TOKEN = "alma-test-token"  # what the emulated API sees; never a real credential
MakeEngine = Callable[
    ..., Engine
]  # the ``make_engine`` fixture: settings overrides in, a closed-on-teardown engine out


@asynccontextmanager
async def running_cluster(**options: Any) -> AsyncIterator[ApplyingCluster]:
    """The emulator served over real HTTP on a loopback port, for as long as the block runs."""
    async with ApplyingCluster(**options) as cluster, kmock.Server(cluster):
        yield cluster


def write_kubeconfig(
    path: Path,
    server: str,
    *,
    token: str | None = TOKEN,
    ca_pem: bytes | None = None,
    user: dict[str, Any] | None = None,
    cluster_extra: dict[str, Any] | None = None,
) -> Path:
    cluster: dict[str, Any] = {"server": server, **(cluster_extra or {})}
    if ca_pem is not None:
        cluster["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "emulated",
        "clusters": [{"name": "emulated-cluster", "cluster": cluster}],
        "users": [{"name": "tester", "user": user if user is not None else ({"token": token} if token else {})}],
        "contexts": [{"name": "emulated", "context": {"cluster": "emulated-cluster", "user": "tester"}}],
    }
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def engine_for(kubeconfig: Path, home: Path, **settings: Any) -> Engine:
    """The engine built through its entry point, the way the registry builds it."""
    values: dict[str, Any] = {"home": home, "kubeconfig": kubeconfig, "kube_ready_timeout_s": 5.0}
    return create_engine(EngineContext(Settings(**(values | settings)), lambda _ns: MemoryKeyValueStore()))
