"""The Docker engine in the contract suite, against the real daemon ``scripts/dockerd`` starts.

Skipped, with the reason, unless ``ALMA_TEST_DOCKER=1``. Faults are injected at the external boundary,
never by patching ALMA: a faulty engine reaches the daemon through ``FaultProxy``, a TCP proxy in front of
the daemon's socket (see ``tests/integration/docker/proxy.py``). The contract's fault knobs map to:
- ``fail_rate``: the proxy drops that share of change requests unanswered (reads pass), which the
  engine must report as a ``TransientEngineError``: nothing reached the daemon, so nothing is half-made;
- ``permanent_fail_rate``: the proxy refuses that share of change requests with ``403``, as a Docker
  authorization plugin does: a ``PermanentEngineError``;
- ``fail_resources``: the proxy refuses every change to those resources (by Docker name, by the id of
  their labelled objects, or by the ``alma.name`` label of what is being created) with ``403``.
Healthy engines talk to the daemon directly. ``reopen`` closes every engine's client: the world is
the daemon, which lives on.

Only containers are samples: the contract asks every sample for an update in place, and Docker can
change nothing of a network or a volume in place (their behaviour is tested in tests/integration/docker).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import docker

from alma.engines import Engine
from tests.contract.framework import STACK, BadSpecs, Builder, EngineBackend, MakeEngine, Sample
from tests.integration.docker.daemon import HOST, IMAGE_1, IMAGE_2, SLEEPER, make_engine, require_docker, sweep
from tests.integration.docker.proxy import FaultProxy

_CONTAINER = {"image": IMAGE_1, "command": SLEEPER, "env": {"MODE": "contract", "A": "1"}}
SAMPLES = tuple(
    Sample(
        kind,
        _CONTAINER,
        {**_CONTAINER, "env": {"A": "1", "MODE": "contract"}, "restart": "unless-stopped", "memory": "64M"},
        {
            "image": {**_CONTAINER, "image": IMAGE_2},
            "command": {**_CONTAINER, "command": ["sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait"]},
            "env": {**_CONTAINER, "env": {"MODE": "other"}},
        },
    )
    for kind in ("compute", "service")
)
BAD_SPECS = (
    BadSpecs("compute", {}, frozenset({"image"})),
    BadSpecs("compute", {"image": IMAGE_1, "ports": ["8080:80:70:60"]}, frozenset({"ports"})),
    BadSpecs("compute", {"image": IMAGE_1, "pull": "sometimes", "imgae": "x"}, frozenset({"pull", "imgae"})),
    BadSpecs("compute", {"image": IMAGE_1, "volumes": ["data"]}, frozenset({"volumes"})),
    BadSpecs(
        "service",
        {"image": IMAGE_1, "healthcheck": {"test": "true", "interval": "soon"}},
        frozenset({"healthcheck.interval"}),
    ),
    BadSpecs("network", {"subnet": "not-a-network"}, frozenset({"subnet"})),
    BadSpecs("network", {"gateway": "10.0.0.1"}, frozenset({"gateway"})),
    BadSpecs("storage", {"driver": ""}, frozenset({"driver"})),
)


def _daemon_socket() -> str:
    if not HOST.startswith("unix://"):
        raise RuntimeError(f"the fault proxy needs the daemon's unix socket, DOCKER_HOST is {HOST}")
    return HOST.removeprefix("unix://")


@asynccontextmanager
async def docker_daemon(tmp_path: Path) -> AsyncIterator[EngineBackend]:
    require_docker()
    sdk = docker.DockerClient(base_url=HOST, timeout=30)
    sweep(sdk, STACK)  # what an interrupted earlier run of this suite left
    built: list[Engine] = []
    proxies: list[FaultProxy] = []

    def factory() -> MakeEngine:
        def make(
            *,
            fail_resources: frozenset[str] = frozenset(),
            fail_rate: float = 0.0,
            permanent_fail_rate: float = 0.0,
        ) -> Engine:
            host = HOST
            if fail_resources or fail_rate or permanent_fail_rate:
                proxy = FaultProxy(
                    _daemon_socket(),
                    fail_rate=fail_rate,
                    permanent_fail_rate=permanent_fail_rate,
                    fail_resources=fail_resources,
                )
                proxies.append(proxy)
                host = proxy.address
            engine = make_engine(tmp_path / "home", host)
            built.append(engine)
            return engine

        return make

    async def reopen() -> None:
        for engine in built:
            await engine.aclose()

    try:
        yield EngineBackend(factory(), reopen, SAMPLES, BAD_SPECS, "database")
    finally:
        for engine in built:
            await engine.aclose()
        for proxy in proxies:
            await proxy.aclose()
        sweep(sdk, STACK)
        sdk.close()


BACKENDS: dict[str, Builder] = {"docker-daemon": docker_daemon}
