"""The fake engine in the contract suite: over an in-memory world, and over the store on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from alma.engines import Engine, EngineContext, KeyValueStore
from alma.engines.fake import create_engine as create_fake_engine
from alma.engines.memory import MemoryKeyValueStore
from alma.settings import Settings
from alma.store import Database, Store
from tests.contract.framework import BadSpecs, Builder, EngineBackend, MakeEngine, Sample

FAKE_SAMPLES = (
    Sample(
        "compute",
        {"cores": 1, "memory": "1G", "disk": "10G", "image": "debian-12", "tags": ["web", "a"]},
        {"cores": 2, "memory": "2G", "disk": "20G", "image": "debian-12", "tags": ["a", "web"]},
        {
            "image": {"cores": 1, "memory": "1G", "disk": "10G", "image": "ubuntu-24.04", "tags": ["a", "web"]},
            "disk shrink": {"cores": 1, "memory": "1G", "disk": "5G", "image": "debian-12", "tags": ["a", "web"]},
        },
    ),
    Sample(
        "network",
        {"cidr": "10.1.0.0/24"},
        {"cidr": "10.1.0.0/24", "vlan": 42},
        {"cidr": {"cidr": "10.2.0.0/16"}},
    ),
    Sample(
        "storage",
        {"size": "10G"},
        {"size": 40},
        {"kind": {"size": 10, "kind": "bucket"}, "size shrink": {"size": 5}},
    ),
)

FAKE_BAD_SPECS = (
    BadSpecs("compute", {"cores": 0}, frozenset({"cores"})),
    BadSpecs("compute", {"memory": "lots"}, frozenset({"memory"})),
    BadSpecs("compute", {"corez": 2}, frozenset({"corez"})),
    BadSpecs("compute", {"cores": 0, "disk": "1.5G"}, frozenset({"cores", "disk"})),
    BadSpecs("compute", {"image": "debian-12", "template": "tpl"}, frozenset({"template"})),
    BadSpecs("network", {"cidr": "not-a-network"}, frozenset({"cidr"})),
    BadSpecs("network", {"vlan": 5000}, frozenset({"vlan"})),
    BadSpecs("storage", {"kind": "tape"}, frozenset({"kind"})),
    BadSpecs("service", {"ports": [80, 70000]}, frozenset({"ports"})),
)


def _fake_factory(backend_world: Callable[[], KeyValueStore], home: Path, built: list[Engine]) -> MakeEngine:
    """Builds the fake through its entry point, faults set the way an operator sets them."""

    def make_engine(
        *,
        fail_resources: frozenset[str] = frozenset(),
        fail_rate: float = 0.0,
        permanent_fail_rate: float = 0.0,
    ) -> Engine:
        settings = Settings(
            home=home,
            fake_fail_resources=sorted(fail_resources),
            fake_fail_rate=fail_rate,
            fake_permanent_fail_rate=permanent_fail_rate,
            fake_seed=7,
        )
        engine = create_fake_engine(EngineContext(settings, lambda _namespace: backend_world()))
        built.append(engine)
        return engine

    return make_engine


@asynccontextmanager
async def fake_over_memory(tmp_path: Path) -> AsyncIterator[EngineBackend]:
    world = MemoryKeyValueStore()
    built: list[Engine] = []

    async def reopen() -> None:
        for engine in built:
            await engine.aclose()  # the world itself lives on, as a remote API would

    backend = EngineBackend(
        _fake_factory(lambda: world, tmp_path / "home", built),
        reopen,
        FAKE_SAMPLES,
        FAKE_BAD_SPECS,
        "database",
    )
    try:
        yield backend
    finally:
        for engine in built:
            await engine.aclose()


@asynccontextmanager
async def fake_over_sqlite_store(tmp_path: Path) -> AsyncIterator[EngineBackend]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'engine-world.db'}"

    async def open_store() -> Store:
        db = Database(url)
        await db.migrate()
        return Store(db)

    store = await open_store()
    built: list[Engine] = []

    async def reopen() -> None:
        nonlocal store
        for engine in built:
            await engine.aclose()
        await store.aclose()  # flushes the write buffer, then disposes of the database engine
        store = await open_store()

    backend = EngineBackend(
        _fake_factory(lambda: store.key_value("fake"), tmp_path / "home", built),
        reopen,
        FAKE_SAMPLES,
        FAKE_BAD_SPECS,
        "database",
    )
    try:
        yield backend
    finally:
        for engine in built:
            await engine.aclose()
        await store.aclose()


BACKENDS: dict[str, Builder] = {
    "fake-memory": fake_over_memory,
    "fake-sqlite-store": fake_over_sqlite_store,
}
