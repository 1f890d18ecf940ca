"""Blueprints people already have: the spellings of ALMA 0.8 and other tools are read as the canonical
keys (with a warning naming them), a load balancer written as a network plans as the fake's load-balancer
service, and an unknown key is suggested by meaning (cpu -> cores), not only by spelling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from alma.bootstrap import Services
from alma.diagnostics import Diagnostic
from alma.engines import EngineContext, EngineRegistry, Readiness, ResourceRef
from alma.engines.docker import create_engine as create_docker
from alma.engines.fake import create_engine as create_fake
from alma.engines.kubernetes import create_engine as create_kubernetes
from alma.engines.memory import MemoryKeyValueStore
from alma.engines.proxmox import create_engine as create_proxmox
from alma.errors import BlueprintInvalidError
from alma.services import BlueprintService, LoadedBlueprint
from tests.conftest import make_settings
from tests.helpers import run_plan

LEGACY = """\
# A blueprint as ALMA 0.8 shipped it
version: 1.0
name: legacy
resources:
  - type: compute
    name: web-1
    provider: fake
    specs:
      cpu: 2          # two cores
      ram: 4GB
      storage: 1TB
      os: ubuntu-22.04
  - type: compute
    name: web-2
    provider: fake
    specs: {cpus: 2, mem: 4096MB, disk_size: 100GB, os: ubuntu-22.04}
  - type: network
    name: lb
    provider: fake
    specs:
      type: load_balancer
      algorithm: round-robin
      backends: [web-1, web-2]
      port: 80
    depends_on: [web-1]
"""


@pytest.fixture
def service(tmp_path: Path) -> BlueprintService:
    """Every engine installed; none is reached (loading a blueprint only checks specs)."""
    settings = make_settings(tmp_path, kubeconfig=tmp_path / "no-kubeconfig", proxmox_url="https://127.0.0.1:1")
    context = EngineContext(settings, lambda namespace: MemoryKeyValueStore())
    factories = {"fake": create_fake, "docker": create_docker, "kubernetes": create_kubernetes}
    return BlueprintService(settings, EngineRegistry(context, {**factories, "proxmox": create_proxmox}))


def specs_of(loaded: LoadedBlueprint, name: str) -> dict[str, Any]:
    [resource] = [r for r in loaded.desired if r.name == name]
    return dict(resource.specs)


def refused(service: BlueprintService, text: str) -> list[Diagnostic]:
    with pytest.raises(BlueprintInvalidError) as caught:
        service.load(text, "bp.yaml")
    return [d for d in caught.value.diagnostics if d.severity == "error"]


def one(provider: str, rtype: str, specs: str) -> str:
    return (
        f'version: "1.0"\nname: s\nresources:\n  - {{type: {rtype}, name: r, provider: {provider}, specs: {specs}}}\n'
    )


def test_an_alma_0_8_blueprint_validates_with_its_spellings_read_as_the_canonical_keys(
    service: BlueprintService,
) -> None:
    loaded = service.load(LEGACY, "legacy.yaml")
    assert specs_of(loaded, "web-1") == {
        "cores": 2,
        "memory": 4096,
        "disk": 1024,
        "template": "ubuntu-22.04",
        "image": None,
        "start": True,
        "tags": [],
    }
    assert specs_of(loaded, "web-2")["disk"] == 100
    lb = next(r for r in loaded.desired if r.name == "lb")
    assert (lb.type, dict(lb.specs)) == (
        "service",
        {"backends": ["web-1", "web-2"], "algorithm": "round_robin", "ports": [80]},
    )
    assert set(lb.dependencies) == {"web-1", "web-2"}


def test_each_spelling_is_warned_about_where_it_is_written_naming_the_canonical_key(
    service: BlueprintService,
) -> None:
    found = service.load(LEGACY, "legacy.yaml").warnings
    warnings = {(w.line, w.path): w.message for w in found}
    assert warnings[(9, "resources[0].specs.cpu")] == (
        "'cpu' is read as 'cores': write 'cores' (`alma fmt --write` does)"
    )
    assert "'ram' is read as 'memory'" in warnings[(10, "resources[0].specs.ram")]
    assert "'storage' is read as 'disk'" in warnings[(11, "resources[0].specs.storage")]
    assert "'os' is read as 'template'" in warnings[(12, "resources[0].specs.os")]
    assert "'disk_size' is read as 'disk'" in warnings[(16, "resources[1].specs.disk_size")]
    assert "'type: network' is read as 'type: service'" in warnings[(17, "resources[2].type")]
    assert "'port: 80' is read as 'ports: [80]'" in warnings[(24, "resources[2].specs.port")]
    assert warnings[(2, "version")] == 'write the version as text: version: "1.0"'
    depends = [w.message for w in found if (w.line, w.path) == (25, "resources[2].depends_on")]
    assert "'depends_on' is read as 'dependencies': write 'dependencies'" in depends
    assert "a load balancer depends on its backends: 'web-2' added to 'dependencies'" in depends


@pytest.mark.parametrize(
    ("provider", "rtype", "specs", "expected"),
    [
        ("docker", "service", "{image: nginx, cores: 2, ram: 1G}", {"cpus": 2.0, "memory": 1024}),
        ("docker", "service", "{os: 'busybox:1'}", {"image": "busybox:1"}),
        ("docker", "network", "{cidr: 10.9.0.0/24}", {"subnet": "10.9.0.0/24"}),
        ("kubernetes", "storage", "{disk: 5G}", {"size": 5}),
        ("kubernetes", "service", "{os: 'redis:7'}", {"image": "redis:7"}),
        ("proxmox", "compute", "{os: alpine, vcpus: 2, mem: 1G}", {"template": "alpine", "cores": 2, "memory": 1024}),
        ("proxmox", "compute", "{kind: vm, os: debian-12-cloudinit}", {"clone": "debian-12-cloudinit"}),
        ("fake", "storage", "{disk_size: 1TB}", {"size": 1024}),
        ("fake", "network", "{subnet: 10.1.0.0/16}", {"cidr": "10.1.0.0/16"}),
    ],
)
def test_each_engine_reads_the_spellings_of_its_own_keys(
    service: BlueprintService, provider: str, rtype: str, specs: str, expected: dict[str, Any]
) -> None:
    loaded = service.load(one(provider, rtype, specs), "bp.yaml")
    assert expected.items() <= specs_of(loaded, "r").items()
    assert all("is read as" in w.message for w in loaded.warnings if w.path.startswith("resources[0].specs"))


def test_a_spelling_that_is_a_key_of_the_model_is_that_key_not_an_alias(service: BlueprintService) -> None:
    # Proxmox's 'storage' is the datastore a guest's disk lives on, not a size.
    loaded = service.load(one("proxmox", "compute", "{template: alpine, storage: local-lvm, disk: 4G}"), "bp.yaml")
    assert (specs_of(loaded, "r")["storage"], specs_of(loaded, "r")["disk"]) == ("local-lvm", 4)
    assert not loaded.warnings


def test_an_alias_given_with_its_canonical_key_is_refused_naming_both(service: BlueprintService) -> None:
    [error] = refused(service, one("fake", "compute", "{cores: 2, cpu: 4}"))
    assert error.message == "'cpu' and 'cores' both give 'cores': keep one of them"
    assert error.path == "resources[0].specs.cpu"


def test_two_aliases_of_one_key_are_refused_too(service: BlueprintService) -> None:
    [error] = refused(service, one("fake", "compute", "{cpu: 2, vcpus: 4}"))
    assert error.message == "'vcpus' and 'cpu' both give 'cores': keep one of them"


@pytest.mark.parametrize(
    ("provider", "rtype", "specs", "suggestion"),
    [
        ("fake", "compute", "{vcpu: 2}", "unknown spec key 'vcpu'; did you mean 'cores'?"),
        ("fake", "compute", "{processors: 2}", "unknown spec key 'processors'; did you mean 'cores'?"),
        ("fake", "compute", "{ram_mb: 512}", "unknown spec key 'ram_mb'; did you mean 'memory'?"),
        ("fake", "service", "{instances: 3}", "unknown spec key 'instances'; did you mean 'replicas'?"),
        ("fake", "service", "{environment: {A: b}}", "unknown spec key 'environment'; did you mean 'env'?"),
        ("docker", "service", "{image: nginx, vcpu: 2}", "unknown spec key 'vcpu'; did you mean 'cpus'?"),
        ("fake", "compute", "{memroy: 2G}", "unknown spec key 'memroy'; did you mean 'memory'?"),
    ],
)
def test_an_unknown_spec_key_is_suggested_by_meaning_before_spelling(
    service: BlueprintService, provider: str, rtype: str, specs: str, suggestion: str
) -> None:
    [error] = refused(service, one(provider, rtype, specs))
    assert error.message == suggestion


def test_a_word_no_key_means_lists_the_keys_there_are(service: BlueprintService) -> None:
    [error] = refused(service, one("kubernetes", "service", "{cores: 2}"))
    assert error.message.startswith("unknown spec key 'cores'; no key here means that; expected one of: ")
    assert "ports" in error.message  # listed as a key, not suggested as what 'cores' meant


def test_a_load_balancer_on_a_provider_without_that_shape_is_refused_saying_what_to_do(
    service: BlueprintService,
) -> None:
    text = LEGACY.replace(
        "provider: fake\n    specs:\n      type: load", "provider: docker\n    specs:\n      type: load"
    )
    errors = refused(service, text)
    assert [e.path for e in errors] == ["resources[2].type"]
    assert "provider 'docker' has no load-balancer service ('backends')" in errors[0].message
    assert "alma templates show ha-web --provider docker" in errors[0].message


def test_a_backend_that_is_not_in_the_stack_is_named_where_it_is_written(service: BlueprintService) -> None:
    errors = refused(service, LEGACY.replace("backends: [web-1, web-2]", "backends: [web-1, web-9]"))
    assert [(e.path, e.line, e.message) for e in errors] == [
        ("resources[2].specs.backends[1]", 23, "unknown backend 'web-9'; did you mean 'web-2'?")
    ]


def test_the_canonical_form_reads_the_same_and_warns_about_nothing(service: BlueprintService) -> None:
    canonical = """\
version: "1.0"
name: legacy
resources:
  - {type: compute, name: web-1, provider: fake, specs: {cores: 2, memory: 4G, disk: 1T, template: u}}
  - {type: service, name: lb, provider: fake, specs: {backends: [web-1], ports: [80]}, dependencies: [web-1]}
"""
    loaded = service.load(canonical, "bp.yaml")
    assert loaded.warnings == []
    assert specs_of(loaded, "lb") == {"backends": ["web-1"], "algorithm": "round_robin", "ports": [80]}


async def test_a_load_balancer_written_as_a_network_plans_applies_and_replans_as_nothing(services: Services) -> None:
    first = await services.plans.plan_blueprint(LEGACY, "legacy.yaml")
    assert [(a.resource, a.action) for a in first.plan.actions] == [
        ("web-1", "create"),
        ("web-2", "create"),
        ("lb", "create"),
    ]
    result = await run_plan(services, first.plan.id)
    assert result.outcome == "succeeded", result
    again = await services.plans.plan_blueprint(LEGACY, "legacy.yaml")
    assert {a.action for a in again.plan.actions} == {"noop"}
    [lb] = [r for r in await services.stacks.resources("legacy") if r.name == "lb"]
    assert (lb.type, lb.status, lb.specs["algorithm"]) == ("service", "running", "round_robin")


async def test_a_workload_that_becomes_a_load_balancer_is_replaced(services: Services) -> None:
    workload = one("fake", "service", "{image: nginx}").replace("name: s", "name: shift")
    first = await services.plans.plan_blueprint(workload, "a.yaml")
    assert (await run_plan(services, first.plan.id)).outcome == "succeeded"
    balancer = workload.replace("{image: nginx}", "{backends: [r]}").replace("name: r,", "name: r, dependencies: [],")
    text = balancer.replace(
        "  - {type: service, name: r,",
        "  - {type: service, name: r2, provider: fake, specs: {image: nginx}}\n  - {type: service, name: r,",
    ).replace("backends: [r]", "backends: [r2]")
    second = await services.plans.plan_blueprint(text, "b.yaml")
    actions = {a.resource: a.action for a in second.plan.actions}
    assert actions == {"r2": "create", "r": "replace"}


async def test_a_load_balancer_is_ready_only_while_its_backends_exist() -> None:
    engine = create_fake(EngineContext(make_settings(Path("/nonexistent")), lambda _ns: MemoryKeyValueStore()))
    assert isinstance(engine, Readiness)
    backend, balancer = ResourceRef("s", "web", "service"), ResourceRef("s", "lb", "service")
    lb_specs = engine.normalize("service", {"backends": ["web"]})
    await engine.apply(engine.diff(balancer, lb_specs, None))
    assert await engine.ready(balancer) == "lb balances to web, which the stack does not have"
    await engine.apply(engine.diff(backend, engine.normalize("service", {"image": "nginx"}), None))
    assert await engine.ready(balancer) is None
