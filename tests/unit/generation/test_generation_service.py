"""Generating blueprints through the service: each provider's blueprint validates as `alma validate` would,
the fake one plans, nothing is presented as a success that did not validate, and drafts are repaired
within a bounded number of attempts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from alma.bootstrap import Services, build
from alma.diagnostics import Diagnostic
from alma.errors import BlueprintInvalidError, InvalidInputError
from alma.generation import PROVIDERS, Draft, Drafter
from alma.services.generation import GenerationService
from tests.conftest import make_settings

EXAMPLE = "a web app with two nginx containers behind a load balancer and a postgres database"


def by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in data["resources"]}


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_the_issue_example_generates_a_valid_blueprint_for_every_provider(
    services: Services, provider: str
) -> None:
    generated = await services.generation.generate(EXAMPLE, provider)
    loaded = services.blueprints.load(generated.text)  # what `alma validate` runs
    assert loaded.blueprint.version == "1.0"
    assert {r.provider for r in loaded.blueprint.resources} == {provider}
    assert generated.attempts == 1
    assert generated.understood[:3] == ["2 × web server (nginx)", "1 × load balancer", "1 × database (postgres)"]


async def test_the_fake_blueprint_uses_all_four_resource_types_and_plans(services: Services) -> None:
    generated = await services.generation.generate(EXAMPLE, "fake")
    assert {r.type for r in generated.loaded.blueprint.resources} == {"compute", "network", "storage", "service"}
    web = by_name(generated.data)["web"]
    assert web["specs"]["replicas"] == 2
    assert sorted(by_name(generated.data)["lb"]["dependencies"]) == ["net", "web"]
    planned = await services.plans.plan_blueprint(generated.text)
    assert planned.plan.summary()["create"] == len(generated.data["resources"])


async def test_docker_containers_share_a_network_and_publish_only_the_entry_point_on_loopback(
    services: Services,
) -> None:
    resources = by_name((await services.generation.generate(EXAMPLE, "docker")).data)
    assert resources["net"]["type"] == "network"
    containers = {n: r for n, r in resources.items() if r["type"] == "service"}
    assert sorted(containers) == ["db", "lb", "web-1", "web-2"]
    assert all(r["specs"]["networks"] == ["net"] for r in containers.values())
    assert resources["lb"]["specs"]["ports"] == ["127.0.0.1:8080:80"]
    assert all("ports" not in r["specs"] for n, r in containers.items() if n != "lb")
    assert resources["lb"]["dependencies"] == ["net", "web-1", "web-2"]
    assert "db-data:/var/lib/postgresql/data" in resources["db"]["specs"]["volumes"]
    assert "POSTGRES_PASSWORD" not in resources["db"]["specs"]["env"]  # a file, never the password itself


async def test_kubernetes_folds_the_load_balancer_into_the_web_service(services: Services) -> None:
    generated = await services.generation.generate(EXAMPLE, "kubernetes")
    resources = by_name(generated.data)
    assert resources["web-app"]["type"] == "network"  # the stack's namespace
    assert resources["web"]["specs"] | {"namespace": "web-app"} == resources["web"]["specs"]
    assert (resources["web"]["specs"]["replicas"], resources["web"]["specs"]["service_type"]) == (2, "LoadBalancer")
    assert resources["db"]["specs"]["service_type"] == "ClusterIP"
    assert "lb" not in resources
    assert any("LoadBalancer" in note for note in generated.notes)


async def test_proxmox_runs_each_instance_in_a_container_from_a_template_with_sizes_from_the_text(
    services: Services,
) -> None:
    text = "two debian servers with 4 cores and 8G of memory and a postgres database with a 100G volume"
    resources = by_name((await services.generation.generate(text, "proxmox")).data)
    assert sorted(resources) == ["db", "server-1", "server-2"]
    assert resources["server-1"]["specs"] == {
        "kind": "lxc",
        "template": "debian",
        "cores": 4,
        "memory": "8G",
        "disk": "8G",
    }
    assert resources["db"]["specs"]["disk"] == "108G"  # the guest disk and the data volume
    assert resources["server-2"]["dependencies"] == ["db"]


async def test_names_and_counts_from_the_text_become_resource_names(services: Services) -> None:
    generated = await services.generation.generate("an app called shop with 3 web servers named front", "docker")
    assert generated.data["name"] == "shop"
    assert {"front-1", "front-2", "front-3"} <= set(by_name(generated.data))


async def test_a_description_with_nothing_to_compose_is_refused_saying_what_was_understood(
    services: Services,
) -> None:
    with pytest.raises(InvalidInputError, match="nothing I could compose in 'make it fast'"):
        await services.generation.generate("make it fast", "fake")
    with pytest.raises(InvalidInputError, match=r"understood 2 × server .* runs no software on kubernetes"):
        await services.generation.generate("two debian vms", "kubernetes")


async def test_a_component_it_cannot_build_is_named_when_it_refuses_and_in_the_notes_when_it_composes(
    services: Services,
) -> None:
    with pytest.raises(InvalidInputError, match="'wordpress' is not a building block ALMA knows"):
        await services.generation.generate("a wordpress site", "fake")
    generated = await services.generation.generate("a wordpress site called blog with a mysql database", "docker")
    assert generated.data["name"] == "blog"
    assert [r["metadata"]["role"] for r in generated.data["resources"] if r["type"] == "service"] == ["database"]
    assert any("wordpress" in note for note in generated.notes)


async def test_an_unknown_provider_is_refused_with_the_ones_offered(services: Services) -> None:
    with pytest.raises(InvalidInputError, match="generate for one of: fake, docker, kubernetes, proxmox"):
        await services.generation.generate("a web server", "vmware")


async def test_the_blueprint_stays_within_quotas_or_is_refused_with_the_quota_diagnostic(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home", quotas={"fake": {"cores": 1}})
    async with await build(settings) as services:
        with pytest.raises(BlueprintInvalidError, match="quota exceeded for provider 'fake'"):
            await services.generation.generate("a postgres database with 4 cores", "fake")


class Repairing:
    """A drafter that invents a spec key first and repairs it when told: what an LLM drafter does."""

    name = "repairing"

    def __init__(self) -> None:
        self.feedback: list[list[str]] = []

    async def draft(self, text: str, provider: str, problems: Sequence[Diagnostic], previous: Draft | None) -> Draft:
        self.feedback.append([p.message for p in problems])
        specs: dict[str, Any] = {"cores": 1, "memroy": "1G"} if previous is None else {"cores": 1, "memory": "1G"}
        resource = {"type": "compute", "name": "vm", "provider": provider, "specs": specs}
        return Draft({"version": "1.0", "name": "repaired", "resources": [resource]}, ["1 × server"])


class Stubborn:
    """A drafter that never repairs anything, drafting something new each time."""

    name = "stubborn"

    def __init__(self) -> None:
        self.calls = 0

    async def draft(self, text: str, provider: str, problems: Sequence[Diagnostic], previous: Draft | None) -> Draft:
        self.calls += 1
        resource = {"type": "database", "name": f"db{self.calls}", "provider": provider}
        return Draft({"version": "1.0", "name": "stubborn", "resources": [resource]}, [])


_: tuple[type[Drafter], ...] = (Repairing, Stubborn)


async def test_validation_errors_are_fed_back_to_the_drafter_until_its_draft_validates(services: Services) -> None:
    drafter = Repairing()
    generation = GenerationService(services.settings, services.blueprints, drafter=drafter)
    generated = await generation.generate("one small vm", "fake")
    assert (generated.attempts, generated.drafter) == (2, "repairing")
    assert drafter.feedback[0] == []
    assert any("unknown spec key 'memroy'; did you mean 'memory'?" in m for m in drafter.feedback[1])


async def test_a_drafter_that_never_validates_is_refused_after_the_bounded_attempts(services: Services) -> None:
    drafter = Stubborn()
    generation = GenerationService(services.settings, services.blueprints, drafter=drafter, attempts=3)
    with pytest.raises(BlueprintInvalidError, match="database"):
        await generation.generate("a database", "fake")
    assert drafter.calls == 3
