"""One contract, every engine: each test body here runs against every engine implementation.

An engine joins the suite by adding a backend builder to ``BACKENDS``: an async context manager that
yields an ``EngineBackend`` able to build the engine (healthy, or with injected faults), to close and
reopen whatever holds its world, and that names sample resources for the engine's own resource types.
The failure semantics checked here are the ones ``alma.engines.base`` promises: a failed create leaves
nothing behind, a failed delete leaves the resource in place, and only ``EngineError`` escapes.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import tests.contract
from alma.engines import Engine, JSONDict, Observed, ResourceRef
from alma.errors import EngineError, TransientEngineError
from tests.contract.framework import Builder, EngineBackend


def _discover() -> dict[str, Builder]:
    """Every ``backends_*`` module's builders: an engine joins the suite by adding such a module."""
    found: dict[str, Builder] = {}
    for module in pkgutil.iter_modules(tests.contract.__path__):
        if module.name.startswith("backends_"):
            found.update(importlib.import_module(f"tests.contract.{module.name}").BACKENDS)
    return found


BACKENDS = _discover()


@pytest.fixture(params=sorted(BACKENDS))
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[EngineBackend]:
    async with BACKENDS[request.param](tmp_path) as built:
        yield built


@pytest.fixture
def engine(backend: EngineBackend) -> Engine:
    return backend.make_engine()


async def _create(engine: Engine, ref: ResourceRef, specs: JSONDict) -> tuple[JSONDict, Observed]:
    desired = engine.normalize(ref.type, specs)
    change = engine.diff(ref, desired, None)
    assert change.action == "create"
    observed = await engine.apply(change)
    assert observed is not None
    return desired, observed


async def _read(engine: Engine, ref: ResourceRef) -> Observed:
    observed = await engine.read(ref)
    assert observed is not None, f"{ref.key} should exist"
    return observed


async def test_reading_a_resource_that_was_never_created_returns_none(backend: EngineBackend, engine: Engine) -> None:
    for sample in backend.samples:
        assert await engine.read(backend.ref("never-made", sample)) is None


def test_check_accepts_valid_specs_of_every_sample(backend: EngineBackend, engine: Engine) -> None:
    for sample in backend.samples:
        for specs in (sample.specs, sample.in_place, *sample.replacing.values()):
            assert engine.check(sample.type, specs) == [], (sample.type, specs)


def test_check_reports_each_bad_spec_with_its_path(backend: EngineBackend, engine: Engine) -> None:
    for bad in backend.bad_specs:
        diagnostics = engine.check(bad.type, bad.specs)
        assert {d.path for d in diagnostics} == bad.paths, (bad, diagnostics)
        assert all(d.severity == "error" and d.message for d in diagnostics)


def test_check_refuses_a_resource_type_the_engine_does_not_have(backend: EngineBackend, engine: Engine) -> None:
    assert backend.unknown_type not in engine.resource_types
    diagnostics = engine.check(backend.unknown_type, {})
    assert diagnostics
    assert backend.unknown_type in diagnostics[0].message


def test_normalizing_normalized_specs_changes_nothing(backend: EngineBackend, engine: Engine) -> None:
    for sample in backend.samples:
        once = engine.normalize(sample.type, sample.specs)
        assert engine.normalize(sample.type, once) == once


async def test_a_created_resource_reads_back_as_desired_and_rediffs_to_noop(
    backend: EngineBackend, engine: Engine
) -> None:
    for sample in backend.samples:
        ref = backend.ref(f"made-{sample.type}", sample)
        desired, applied = await _create(engine, ref, sample.specs)
        observed = await _read(engine, ref)
        assert observed.ref == ref
        assert observed.specs == desired
        assert observed.external_id == applied.external_id
        assert observed.external_id
        assert engine.diff(ref, desired, observed).action == "noop"


async def test_a_fresh_engine_on_the_same_world_sees_what_another_created(backend: EngineBackend) -> None:
    sample = backend.samples[0]
    ref = backend.ref("shared", sample)
    desired, applied = await _create(backend.make_engine(), ref, sample.specs)
    observed = await _read(backend.make_engine(), ref)
    assert (observed.specs, observed.external_id) == (desired, applied.external_id)


async def test_reading_many_answers_for_every_ref_by_key_as_single_reads_do(
    backend: EngineBackend, engine: Engine
) -> None:
    refs = []
    for sample in backend.samples:
        present, absent = backend.ref(f"many-{sample.type}", sample), backend.ref(f"none-{sample.type}", sample)
        await _create(engine, present, sample.specs)
        refs += [present, absent]
    found = await engine.read_many(refs)
    assert set(found) == {ref.key for ref in refs}
    for ref in refs:
        assert found[ref.key] == await engine.read(ref), ref.key


async def test_reading_many_is_fresh_and_sees_what_another_engine_changed(backend: EngineBackend) -> None:
    sample = backend.samples[0]
    planner, other = backend.make_engine(), backend.make_engine()
    ref = backend.ref("elsewhere", sample)
    assert (await planner.read_many([ref]))[ref.key] is None
    desired, created = await _create(other, ref, sample.specs)
    seen = (await planner.read_many([ref]))[ref.key]
    assert seen is not None
    assert (seen.specs, seen.external_id) == (desired, created.external_id)
    await other.apply(other.diff(ref, None, seen))
    assert (await planner.read_many([ref]))[ref.key] is None


async def test_an_update_in_place_keeps_the_identity_and_reads_back_as_desired(
    backend: EngineBackend, engine: Engine
) -> None:
    for sample in backend.samples:
        ref = backend.ref(f"grown-{sample.type}", sample)
        _, created = await _create(engine, ref, sample.specs)
        desired = engine.normalize(sample.type, sample.in_place)
        change = engine.diff(ref, desired, await _read(engine, ref))
        assert change.action == "update"
        assert change.fields
        assert not any(f.forces_replace for f in change.fields)
        await engine.apply(change)
        observed = await _read(engine, ref)
        assert observed.specs == desired
        assert observed.external_id == created.external_id
        assert engine.diff(ref, desired, observed).action == "noop"


async def test_a_change_the_resource_cannot_take_in_place_replaces_it_under_a_new_id(
    backend: EngineBackend, engine: Engine
) -> None:
    for sample in backend.samples:
        for why, specs in sample.replacing.items():
            ref = backend.ref(f"replaced-{sample.type}-{why.replace(' ', '-')}", sample)
            _, created = await _create(engine, ref, sample.specs)
            desired = engine.normalize(sample.type, specs)
            change = engine.diff(ref, desired, await _read(engine, ref))
            assert change.action == "replace", why
            assert any(f.forces_replace for f in change.fields), why
            await engine.apply(change)
            observed = await _read(engine, ref)
            assert observed.specs == desired
            assert observed.external_id != created.external_id, why
            assert engine.diff(ref, desired, observed).action == "noop"


async def test_a_deleted_resource_reads_as_absent(backend: EngineBackend, engine: Engine) -> None:
    for sample in backend.samples:
        ref = backend.ref(f"gone-{sample.type}", sample)
        await _create(engine, ref, sample.specs)
        change = engine.diff(ref, None, await _read(engine, ref))
        assert change.action == "delete"
        assert await engine.apply(change) is None
        assert await engine.read(ref) is None
        assert await backend.make_engine().read(ref) is None


async def test_deleting_a_resource_that_is_already_absent_succeeds(backend: EngineBackend, engine: Engine) -> None:
    for sample in backend.samples:
        ref = backend.ref(f"absent-{sample.type}", sample)
        assert engine.diff(ref, None, None).action == "noop"
        stale = Observed(ref, engine.normalize(sample.type, sample.specs), "unknown", "long-gone")
        assert await engine.apply(engine.diff(ref, None, stale)) is None
        assert await engine.read(ref) is None


async def test_creating_a_resource_that_already_exists_adopts_it_instead_of_duplicating(
    backend: EngineBackend, engine: Engine
) -> None:
    for sample in backend.samples:
        ref = backend.ref(f"adopted-{sample.type}", sample)
        desired, first = await _create(engine, ref, sample.specs)
        # A retried create, planned before the first one was seen (diffed against "absent").
        again = await engine.apply(engine.diff(ref, desired, None))
        assert again is not None
        assert again.external_id == first.external_id
        observed = await _read(backend.make_engine(), ref)
        assert observed.external_id == first.external_id
        assert observed.specs == desired


async def test_a_create_that_fails_permanently_leaves_nothing_behind(backend: EngineBackend) -> None:
    sample = backend.samples[0]
    for faults in ({"fail_resources": frozenset({"doomed"})}, {"permanent_fail_rate": 1.0}):
        faulty = backend.make_engine(**faults)
        ref = backend.ref("doomed", sample)
        desired = faulty.normalize(sample.type, sample.specs)
        with pytest.raises(EngineError) as raised:
            await faulty.apply(faulty.diff(ref, desired, None))
        assert not isinstance(raised.value, TransientEngineError), faults
        assert raised.value.resource == "doomed"
        assert await faulty.read(ref) is None
        assert await backend.make_engine().read(ref) is None


async def test_a_create_that_fails_transiently_raises_a_transient_error_and_leaves_nothing_behind(
    backend: EngineBackend,
) -> None:
    sample = backend.samples[0]
    faulty = backend.make_engine(fail_rate=1.0)
    ref = backend.ref("flaky", sample)
    with pytest.raises(TransientEngineError) as raised:
        await faulty.apply(faulty.diff(ref, faulty.normalize(sample.type, sample.specs), None))
    assert raised.value.resource == "flaky"
    assert await backend.make_engine().read(ref) is None


async def test_a_delete_that_fails_leaves_the_resource_in_place(backend: EngineBackend, engine: Engine) -> None:
    sample = backend.samples[0]
    ref = backend.ref("sticky", sample)
    desired, created = await _create(engine, ref, sample.specs)
    faults: list[dict[str, Any]] = [
        {"fail_resources": frozenset({"sticky"})},
        {"permanent_fail_rate": 1.0},
        {"fail_rate": 1.0},
    ]
    for fault in faults:
        faulty = backend.make_engine(**fault)
        with pytest.raises(EngineError):
            await faulty.apply(faulty.diff(ref, None, await _read(faulty, ref)))
        for reader in (faulty, backend.make_engine()):
            observed = await _read(reader, ref)
            assert (observed.specs, observed.external_id) == (desired, created.external_id), fault


async def test_a_failed_update_or_replace_leaves_the_resource_as_it_was(backend: EngineBackend, engine: Engine) -> None:
    sample = backend.samples[0]
    ref = backend.ref("steady", sample)
    desired, created = await _create(engine, ref, sample.specs)
    faulty = backend.make_engine(fail_resources=frozenset({"steady"}))
    for specs in (sample.in_place, *sample.replacing.values()):
        change = faulty.diff(ref, faulty.normalize(sample.type, specs), await _read(faulty, ref))
        with pytest.raises(EngineError):
            await faulty.apply(change)
        observed = await _read(backend.make_engine(), ref)
        assert (observed.specs, observed.external_id) == (desired, created.external_id), change.action


async def test_a_healthy_engine_reports_ok(engine: Engine) -> None:
    health = await engine.health()
    assert health.ok
    assert health.detail


async def test_the_world_survives_closing_and_reopening_what_holds_it(backend: EngineBackend) -> None:
    sample = backend.samples[0]
    kept, dropped = backend.ref("kept", sample), backend.ref("dropped", sample)
    engine = backend.make_engine()
    desired, created = await _create(engine, kept, sample.specs)
    await _create(engine, dropped, sample.specs)
    await engine.apply(engine.diff(dropped, None, await _read(engine, dropped)))

    await backend.reopen()

    reopened = backend.make_engine()
    observed = await _read(reopened, kept)
    assert (observed.specs, observed.external_id) == (desired, created.external_id)
    assert reopened.diff(kept, desired, observed).action == "noop"
    assert await reopened.read(dropped) is None
