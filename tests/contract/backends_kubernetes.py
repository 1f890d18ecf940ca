"""The Kubernetes engine in the contract suite, over kmock's emulator on a loopback HTTP port.

The world is the emulated API server (``tests/integration/kubernetes/cluster.py``: kmock's stateful
``KubernetesEmulator`` taught server-side apply, label selectors, uids and a Deployment status), so
closing and reopening engines leaves it in place, as a real cluster would. Faults are injected at the
server, never in ALMA: each faulty engine gets a kubeconfig with its own bearer token, and the server
fails that token's mutations (422 for the named resources or at ``permanent_fail_rate``, 503 at
``fail_rate``), while healthy engines on the same server see the world unharmed.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alma.engines import Engine
from tests.contract.framework import BadSpecs, Builder, EngineBackend, Sample
from tests.integration.kubernetes.cluster import Faults
from tests.integration.kubernetes.world import TOKEN, engine_for, running_cluster, write_kubeconfig

_WEB = {"image": "nginx:1.27", "replicas": 2, "ports": [80], "env": {"MODE": "a"}, "config": {"greeting": "hi"}}
KUBERNETES_SAMPLES = (
    Sample(
        "service",
        _WEB,
        {"image": "nginx:1.28", "replicas": 3, "ports": [443, 80], "env": {"MODE": "b"}, "config": {"greeting": "yo"}},
        {"namespace": _WEB | {"namespace": "other"}, "service type": _WEB | {"service_type": "NodePort"}},
    ),
    Sample(
        "storage",
        {"size": "10G"},
        {"size": 40},
        {"size shrink": {"size": 5}, "storage class": {"size": 10, "storage_class": "fast"}},
    ),
    Sample("network", {"labels": {"team": "a"}}, {"labels": {"team": "b"}}, {}),
)

KUBERNETES_BAD_SPECS = (
    BadSpecs("service", {"replicas": -1}, frozenset({"replicas"})),
    BadSpecs("service", {"imag": "nginx"}, frozenset({"imag"})),
    BadSpecs("service", {"ports": [80, 0]}, frozenset({"ports"})),
    BadSpecs("service", {"service_type": "NodePort"}, frozenset({"service_type"})),
    BadSpecs("service", {"namespace": "Not_A_Label", "env": {"1BAD": "x"}}, frozenset({"namespace", "env"})),
    BadSpecs("storage", {"size": "lots"}, frozenset({"size"})),
    BadSpecs("storage", {"access_mode": "ReadWriteSometimes"}, frozenset({"access_mode"})),
    BadSpecs("network", {"labels": "team=a"}, frozenset({"labels"})),
)


@asynccontextmanager
async def kubernetes_over_kmock(tmp_path: Path) -> AsyncIterator[EngineBackend]:
    built: list[Engine] = []
    tokens = (f"faulty-{n}" for n in itertools.count())
    async with running_cluster() as cluster:

        def make_engine(
            *,
            fail_resources: frozenset[str] = frozenset(),
            fail_rate: float = 0.0,
            permanent_fail_rate: float = 0.0,
        ) -> Engine:
            token = TOKEN
            if fail_resources or fail_rate or permanent_fail_rate:
                token = next(tokens)
                cluster.faults[token] = Faults(fail_resources, fail_rate, permanent_fail_rate)
            kubeconfig = write_kubeconfig(tmp_path / f"kubeconfig-{token}", str(cluster.url), token=token)
            engine = engine_for(kubeconfig, tmp_path / "home")
            built.append(engine)
            return engine

        async def reopen() -> None:
            for engine in built:
                await engine.aclose()  # the world lives on in the API server

        try:
            yield EngineBackend(make_engine, reopen, KUBERNETES_SAMPLES, KUBERNETES_BAD_SPECS, "compute")
        finally:
            for engine in built:
                await engine.aclose()


BACKENDS: dict[str, Builder] = {"kubernetes-kmock": kubernetes_over_kmock}
