"""Loading a blueprint through the service: provider, type, spec and quota checks on top of the structure,
every problem reported at once and sorted by line, and normalized specs for the planner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from alma.diagnostics import Diagnostic
from alma.engines import Engine, EngineContext, EngineRegistry
from alma.engines.fake import FakeEngine, create_engine
from alma.engines.memory import MemoryKeyValueStore
from alma.errors import BlueprintInvalidError
from alma.services import BlueprintService, LoadedBlueprint
from tests.conftest import make_settings
from tests.helpers import blueprint_text, compute

HEADER = 'version: "1.0"\nname: web\nresources:\n'


def make_service(home: Path, **overrides: Any) -> BlueprintService:
    """A registry with only the fake engine installed: the other known providers count as not installed."""
    settings = make_settings(home, **overrides)
    context = EngineContext(settings, lambda namespace: MemoryKeyValueStore())
    return BlueprintService(settings, EngineRegistry(context, {"fake": create_engine}))


@pytest.fixture
def service(tmp_path: Path) -> BlueprintService:
    return make_service(tmp_path)


def refused(service: BlueprintService, text: str) -> list[Diagnostic]:
    with pytest.raises(BlueprintInvalidError) as caught:
        service.load(text, "bp.yaml")
    return caught.value.diagnostics


def located(diagnostics: list[Diagnostic]) -> list[tuple[str, int | None, int | None, str, str]]:
    return [(d.path, d.line, d.column, d.severity, d.message) for d in diagnostics]


def one_resource(rtype: str, specs: str, provider: str = "fake") -> str:
    """A blueprint whose one resource's specs are written on line 7, starting at column 5."""
    return HEADER + f"  - type: {rtype}\n    name: one\n    provider: {provider}\n    specs: {specs}\n"


def specs_of(loaded: LoadedBlueprint, name: str) -> dict[str, Any]:
    [resource] = [r for r in loaded.desired if r.name == name]
    return dict(resource.specs)


# Success: the blueprint, the normalized resources, the warnings


def test_a_sound_blueprint_loads_with_its_text_and_every_resource_desired(service: BlueprintService) -> None:
    text = blueprint_text("web", [compute("db"), compute("app", ["db"], cores=2)])
    loaded = service.load(text, "web.json")
    assert loaded.text == text
    assert loaded.blueprint.name == "web"
    assert loaded.warnings == []
    assert [(r.name, r.type, r.provider, r.dependencies) for r in loaded.desired] == [
        ("db", "compute", "fake", ()),
        ("app", "compute", "fake", ("db",)),
    ]


def test_compute_specs_are_normalized_with_units_read_and_defaults_filled(service: BlueprintService) -> None:
    loaded = service.load(one_resource("compute", '{cores: "2", memory: 2G, disk: 20GB, tags: [web, api, web]}'))
    assert specs_of(loaded, "one") == {
        "cores": 2,
        "memory": 2048,
        "disk": 20,
        "image": None,
        "template": None,
        "start": True,
        "tags": ["api", "web"],
    }


@pytest.mark.parametrize(("written", "mib"), [("512M", 512), ("1.5G", 1536), ("1GiB", 1024), (4096, 4096)])
def test_memory_is_normalized_to_mebibytes(service: BlueprintService, written: object, mib: int) -> None:
    loaded = service.load(blueprint_text("web", [compute("vm", memory=written)]))
    assert specs_of(loaded, "vm")["memory"] == mib


def test_text_specs_are_stripped_of_surrounding_spaces(service: BlueprintService) -> None:
    loaded = service.load(one_resource("compute", '{image: "  ubuntu:24.04  "}'))
    assert specs_of(loaded, "one")["image"] == "ubuntu:24.04"


@pytest.mark.parametrize(
    ("written", "network"),
    [("10.1.2.3/16", "10.1.0.0/16"), ("192.168.1.7/24", "192.168.1.0/24"), ("fd00::1/64", "fd00::/64")],
)
def test_a_cidr_is_normalized_to_its_network(service: BlueprintService, written: str, network: str) -> None:
    loaded = service.load(one_resource("network", f"{{cidr: {written!r}}}"))
    assert specs_of(loaded, "one") == {"cidr": network, "vlan": None}


def test_service_ports_are_deduplicated_and_sorted(service: BlueprintService) -> None:
    loaded = service.load(one_resource("service", "{ports: [443, 80, 443], env: {MODE: prod}}"))
    assert specs_of(loaded, "one") == {
        "image": "nginx:stable",
        "replicas": 1,
        "ports": [80, 443],
        "env": {"MODE": "prod"},
    }


def test_storage_size_is_normalized_to_gibibytes(service: BlueprintService) -> None:
    loaded = service.load(one_resource("storage", "{size: 1T, kind: bucket}"))
    assert specs_of(loaded, "one") == {"size": 1024, "kind": "bucket"}


def test_warnings_survive_a_successful_load_sorted_by_line(service: BlueprintService) -> None:
    text = (
        "version: 1.0\nname: web\nresources:\n"
        + "  - type: compute\n    name: app\n    provider: fake\n    dependencies: [db, db]\n"
        + "  - type: storage\n    name: db\n    provider: fake\n"
    )
    loaded = service.load(text)
    assert located(loaded.warnings) == [
        ("version", 1, 1, "warning", 'write the version as text: version: "1.0"'),
        ("resources[0].dependencies[1]", 7, 24, "warning", "'db' is listed twice"),
    ]
    assert [r.name for r in loaded.desired] == ["app", "db"]


def test_an_empty_blueprint_loads_with_its_warning(service: BlueprintService) -> None:
    loaded = service.load('version: "1.0"\nname: web\nresources: []\n')
    assert loaded.desired == []
    assert [w.message for w in loaded.warnings] == ["the blueprint has no resources; `alma destroy` empties a stack"]


# Providers and types


def test_an_unknown_provider_is_refused_with_the_provider_it_resembles(service: BlueprintService) -> None:
    assert located(refused(service, one_resource("compute", "{}", provider="fak"))) == [
        ("resources[0].provider", 6, 5, "error", "unknown provider 'fak'; did you mean 'fake'?")
    ]


def test_an_unknown_provider_like_nothing_lists_the_providers_there_are(service: BlueprintService) -> None:
    [diagnostic] = refused(service, one_resource("compute", "{}", provider="aws"))
    assert diagnostic.message == "unknown provider 'aws'; expected one of: docker, fake, kubernetes, proxmox"


@pytest.mark.parametrize(
    ("provider", "engine"), [("proxmox", "Proxmox VE"), ("docker", "Docker"), ("kubernetes", "Kubernetes")]
)
def test_a_known_provider_that_is_not_installed_is_not_available_rather_than_unknown(
    service: BlueprintService, provider: str, engine: str
) -> None:
    assert located(refused(service, one_resource("compute", "{}", provider=provider))) == [
        (
            "resources[0].provider",
            6,
            5,
            "error",
            f"provider '{provider}' is not available: the {engine} engine is not installed "
            f"(no 'alma.engines' entry point named {provider})",
        )
    ]


def test_a_type_the_provider_does_not_offer_is_refused(tmp_path: Path) -> None:
    # The fake provider offers every blueprint type, so a registry without its "storage" shows the check.
    settings = make_settings(tmp_path)
    engines = EngineRegistry(EngineContext(settings, lambda namespace: MemoryKeyValueStore()), {"fake": _compute_only})
    [diagnostic] = refused(BlueprintService(settings, engines), one_resource("storage", "{}"))
    assert (diagnostic.path, diagnostic.line, diagnostic.column) == ("resources[0].type", 4, 5)
    assert diagnostic.message == "provider 'fake' has no resource type 'storage'; it offers compute"


class ComputeOnlyEngine(FakeEngine):
    """The real fake engine, offering only compute, as a provider with fewer types would."""

    resource_types = frozenset({"compute"})


def _compute_only(context: EngineContext) -> Engine:
    return ComputeOnlyEngine(context.storage("fake"))


# Spec errors, each at resources[i].specs.key


def test_an_unknown_spec_key_is_refused_with_the_key_it_resembles(service: BlueprintService) -> None:
    assert located(refused(service, one_resource("compute", "{memroy: 2G}"))) == [
        ("resources[0].specs.memroy", 7, 13, "error", "unknown spec key 'memroy'; did you mean 'memory'?")
    ]


def test_an_unknown_spec_key_like_nothing_lists_the_keys_there_are(service: BlueprintService) -> None:
    [diagnostic] = refused(service, one_resource("storage", "{zzz: 1}"))
    assert diagnostic.message == "unknown spec key 'zzz'; expected one of: kind, size"


@pytest.mark.parametrize(
    ("specs", "key", "column", "message"),
    [
        ("{memory: 2X}", "memory", 13, "unknown unit 'X' in memory '2X'; use M/MB/MiB, G/GB/GiB or T/TB/TiB"),
        ("{memory: 1.5M}", "memory", 13, "memory '1.5M' is not a whole number of MiB"),
        ("{memory: 0}", "memory", 13, "memory must be greater than zero, got 0"),
        ("{memory: true}", "memory", 13, "memory must be a size such as '2G' or a number, not a boolean"),
        ("{disk: 1.5G}", "disk", 13, "disk '1.5G' is not a whole number of GiB; round it to, say, '2G'"),
        ("{disk: -5}", "disk", 13, "disk must be greater than zero, got -5"),
    ],
)
def test_a_size_that_cannot_be_read_is_refused_with_what_to_write(
    service: BlueprintService, specs: str, key: str, column: int, message: str
) -> None:
    assert located(refused(service, one_resource("compute", specs))) == [
        (f"resources[0].specs.{key}", 7, column, "error", message)
    ]


@pytest.mark.parametrize(
    ("rtype", "specs", "key", "message"),
    [
        ("compute", "{cores: 0}", "cores", "cores: input should be greater than or equal to 1 (got 0)"),
        ("compute", "{cores: 1000}", "cores", "cores: input should be less than or equal to 512 (got 1000)"),
        ("compute", "{memory: 8M}", "memory", "memory: input should be greater than or equal to 16 (got '8M')"),
        ("compute", "{disk: 2000000}", "disk", "disk: input should be less than or equal to 1048576 (got 2000000)"),
        ("network", "{vlan: 5000}", "vlan", "vlan: input should be less than or equal to 4094 (got 5000)"),
        ("service", "{replicas: -1}", "replicas", "replicas: input should be greater than or equal to 0 (got -1)"),
        ("service", "{ports: [0, 70000]}", "ports", "ports must be between 1 and 65535, got [0, 70000]"),
        ("storage", "{kind: bucketz}", "kind", "kind: input should be 'volume' or 'bucket' (got 'bucketz')"),
    ],
)
def test_a_negative_or_absurd_value_is_refused_with_its_bound(
    service: BlueprintService, rtype: str, specs: str, key: str, message: str
) -> None:
    assert located(refused(service, one_resource(rtype, specs))) == [
        (f"resources[0].specs.{key}", 7, 13, "error", message)
    ]


def test_a_cidr_that_is_not_a_network_is_refused_with_an_example(service: BlueprintService) -> None:
    assert located(refused(service, one_resource("network", "{cidr: not-a-net}"))) == [
        ("resources[0].specs.cidr", 7, 13, "error", "cidr 'not-a-net' is not an IP network such as '10.0.0.0/24'")
    ]


def test_an_image_and_a_template_together_are_refused_at_the_template(service: BlueprintService) -> None:
    assert located(refused(service, one_resource("compute", "{image: ubuntu, template: base}"))) == [
        ("resources[0].specs.template", 7, 28, "error", "give 'image' or 'template', not both")
    ]


def test_a_problem_inside_a_spec_list_or_mapping_has_the_full_path(service: BlueprintService) -> None:
    diagnostics = refused(service, one_resource("service", '{env: {MODE: 1}, ports: ["http"]}'))
    assert [(d.path, d.line, d.column) for d in diagnostics] == [
        ("resources[0].specs.env.MODE", 7, 19),
        ("resources[0].specs.ports[0]", 7, 37),
    ]
    assert "input should be a valid string (got 1)" in diagnostics[0].message
    assert "input should be a valid integer" in diagnostics[1].message


def test_every_spec_problem_of_every_resource_is_reported_at_once(service: BlueprintService) -> None:
    text = (
        HEADER
        + "  - type: compute\n    name: vm\n    provider: fake\n    specs:\n"
        + "      memroy: 2G\n      cores: 0\n      disk: 1.5G\n"
        + "  - type: network\n    name: net\n    provider: fake\n    specs: {cidr: nope, vlan: 0}\n"
    )
    assert [(d.path, d.line, d.column) for d in refused(service, text)] == [
        ("resources[0].specs.memroy", 8, 7),
        ("resources[0].specs.cores", 9, 7),
        ("resources[0].specs.disk", 10, 7),
        ("resources[1].specs.cidr", 14, 13),
        ("resources[1].specs.vlan", 14, 25),
    ]


# Quotas


def test_a_quota_on_cores_is_enforced_on_the_total_for_its_provider(tmp_path: Path) -> None:
    service = make_service(tmp_path, quotas={"fake": {"cores": 4}})
    text = blueprint_text("web", [compute("a", cores=3), compute("b", cores=2)])
    assert located(refused(service, text)) == [
        (
            "resources",
            4,
            3,
            "error",
            "quota exceeded for provider 'fake': the blueprint asks for 5 cores in total, the quota is 4",
        )
    ]


def test_every_quota_exceeded_is_reported_at_the_resources_key(tmp_path: Path) -> None:
    service = make_service(tmp_path, quotas={"fake": {"cores": 4, "memory_mb": 3000, "disk_gb": 100, "resources": 3}})
    text = (
        HEADER
        + "  - {type: compute, name: a, provider: fake, specs: {cores: 3, memory: 2G, disk: 10}}\n"
        + "  - {type: compute, name: b, provider: fake, specs: {cores: 2, memory: 2G, disk: 10}}\n"
        + "  - {type: storage, name: s, provider: fake, specs: {size: 100}}\n"
        + "  - {type: service, name: svc, provider: fake}\n"
    )
    prefix = "quota exceeded for provider 'fake': the blueprint asks for"
    assert located(refused(service, text)) == [
        ("resources", 3, 1, "error", f"{prefix} 5 cores in total, the quota is 4"),
        ("resources", 3, 1, "error", f"{prefix} 4,096 MiB memory in total, the quota is 3,000 MiB"),
        ("resources", 3, 1, "error", f"{prefix} 120 GiB disk in total, the quota is 100 GiB"),
        ("resources", 3, 1, "error", f"{prefix} 4 resources in total, the quota is 3"),
    ]


def test_a_blueprint_exactly_at_its_quota_is_accepted(tmp_path: Path) -> None:
    service = make_service(tmp_path, quotas={"fake": {"cores": 4, "memory_mb": 2048, "disk_gb": 16, "resources": 2}})
    loaded = service.load(
        blueprint_text("web", [compute("a", cores=2, memory="1G"), compute("b", cores=2, memory="1G")])
    )
    assert [r.name for r in loaded.desired] == ["a", "b"]


def test_default_specs_count_towards_the_quota(tmp_path: Path) -> None:
    # No specs written: the defaults (1 core, 512 MiB, 8 GiB) are what the engine would create.
    service = make_service(tmp_path, quotas={"fake": {"memory_mb": 1000}})
    text = one_resource("compute", "{}") + "  - {type: compute, name: two, provider: fake}\n"
    [diagnostic] = refused(service, text)
    assert "asks for 1,024 MiB memory in total, the quota is 1,000 MiB" in diagnostic.message


def test_a_quota_for_another_provider_does_not_apply(tmp_path: Path) -> None:
    service = make_service(tmp_path, quotas={"docker": {"cores": 0, "resources": 0}})
    loaded = service.load(blueprint_text("web", [compute("a", cores=8)]))
    assert specs_of(loaded, "a")["cores"] == 8


def test_quotas_are_checked_only_once_the_specs_are_sound(tmp_path: Path) -> None:
    # A spec error already refuses the blueprint; a quota total made of unreadable sizes would mislead.
    service = make_service(tmp_path, quotas={"fake": {"cores": 1}})
    diagnostics = refused(service, one_resource("compute", "{cores: 8, memory: 2X}"))
    assert [d.path for d in diagnostics] == ["resources[0].specs.memory"]


# Everything at once, sorted by line


def test_provider_and_spec_errors_are_reported_together_sorted_by_line(service: BlueprintService) -> None:
    text = (
        HEADER
        + "  - type: compute\n    name: a\n    provider: fake\n    specs: {memory: 2X}\n"
        + "  - type: compute\n    name: b\n    provider: nope\n"
        + "  - type: network\n    name: c\n    provider: fake\n    specs: {cidr: bad}\n"
        + "  - type: compute\n    name: d\n    provider: docker\n"
    )
    assert [(d.path, d.line) for d in refused(service, text)] == [
        ("resources[0].specs.memory", 7),
        ("resources[1].provider", 10),
        ("resources[2].specs.cidr", 14),
        ("resources[3].provider", 17),
    ]


def test_structural_warnings_and_provider_errors_are_merged_in_line_order(service: BlueprintService) -> None:
    # Structure is checked first and providers after; the report still reads top to bottom.
    text = (
        "version: 1.0\nname: web\nresources:\n"
        + "  - type: compute\n    name: a\n    provider: fake\n    specs: {memory: 2X}\n"
        + "  - type: compute\n    name: b\n    provider: fake\n    dependencies: [a, a]\n"
        + "  - type: compute\n    name: c\n    provider: fak\n"
    )
    assert located(refused(service, text)) == [
        ("version", 1, 1, "warning", 'write the version as text: version: "1.0"'),
        (
            "resources[0].specs.memory",
            7,
            13,
            "error",
            "unknown unit 'X' in memory '2X'; use M/MB/MiB, G/GB/GiB or T/TB/TiB",
        ),
        ("resources[1].dependencies[1]", 11, 23, "warning", "'a' is listed twice"),
        ("resources[2].provider", 14, 5, "error", "unknown provider 'fak'; did you mean 'fake'?"),
    ]


def test_structural_errors_do_not_hide_provider_and_spec_errors(service: BlueprintService) -> None:
    text = (
        "version: 1.0\nname: Web\nresources:\n"
        + "  - type: compute\n    name: a\n    provider: nope\n"
        + "  - type: computer\n    name: B\n    provider: fake\n"
        + "  - type: compute\n    name: c\n    provider: fake\n    specs: {memroy: 1G}\n"
    )
    assert [(d.path, d.line, d.severity) for d in refused(service, text)] == [
        ("version", 1, "warning"),
        ("name", 2, "error"),
        ("resources[0].provider", 6, "error"),
        ("resources[1].type", 7, "error"),
        ("resources[1].name", 8, "error"),
        ("resources[2].specs.memroy", 13, "error"),
    ]


def test_quota_errors_sort_before_warnings_further_down(tmp_path: Path) -> None:
    service = make_service(tmp_path, quotas={"fake": {"resources": 1}})
    text = (
        HEADER
        + "  - type: compute\n    name: a\n    provider: fake\n"
        + "  - type: compute\n    name: b\n    provider: fake\n    dependencies: [a, a]\n"
    )
    assert [(d.severity, d.line) for d in refused(service, text)] == [("error", 3), ("warning", 10)]


def test_the_error_message_shows_the_first_error_and_how_many_more(service: BlueprintService) -> None:
    text = one_resource("compute", "{memory: 2X, cores: 0}")
    with pytest.raises(BlueprintInvalidError) as caught:
        service.load(text)
    assert str(caught.value) == (
        "line 7, column 13: resources[0].specs.memory: unknown unit 'X' in memory '2X'; "
        "use M/MB/MiB, G/GB/GiB or T/TB/TiB (and 1 more)"
    )


def test_a_structural_error_is_reported_by_the_service_with_its_position(service: BlueprintService) -> None:
    assert located(refused(service, HEADER + "  - type: compute\n    name: Bad\n    provider: fake\n"))[0][:3] == (
        "resources[0].name",
        5,
        5,
    )


def test_parse_errors_come_through_the_service_unchanged(service: BlueprintService) -> None:
    assert located(refused(service, "name: web\n  resources: []\n")) == [
        ("", 2, 12, "error", "YAML syntax error: mapping values are not allowed in this context")
    ]


def test_the_settings_limits_apply_to_parsing(tmp_path: Path) -> None:
    service = make_service(tmp_path, max_blueprint_bytes=100, max_blueprint_depth=3)
    [too_big] = refused(service, blueprint_text("web", [compute("a"), compute("b")]))
    assert "blueprints are limited to 100 bytes" in too_big.message
    [too_deep] = refused(service, "a: {b: {c: {d: 1}}}\n")
    assert too_deep.message == "blueprint nests deeper than 3 levels; refused"


async def test_a_big_blueprint_is_read_off_the_event_loop(tmp_path: Path) -> None:
    # Thousands of resources are seconds of CPU: read on the event loop, they held every other request.
    import threading

    seen: list[int] = []

    class Noting(BlueprintService):
        def load(self, text: str, filename: str = "<blueprint>") -> LoadedBlueprint:
            seen.append(threading.get_ident())
            return super().load(text, filename)

    plain = make_service(tmp_path)
    noting = Noting(plain._settings, plain._engines)
    big = blueprint_text("big", [compute(f"r{i:04}") for i in range(800)])
    small = blueprint_text("small", [compute("one")])
    assert len((await noting.read(big)).desired) == 800
    assert len((await noting.read(small)).desired) == 1
    assert seen[0] != threading.get_ident() and seen[1] == threading.get_ident()
