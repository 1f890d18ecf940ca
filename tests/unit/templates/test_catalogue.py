"""The template catalogue: what each template declares, how parameters are read, and that every template
renders, for every provider it claims, into a blueprint that validates (and, on the fake engine, plans,
applies and re-plans as nothing)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from alma.bootstrap import Services, build
from alma.errors import InvalidInputError, NotFoundError, TemplateParametersError
from alma.templates import CATALOGUE, PROVIDERS, find, render
from tests.conftest import make_settings
from tests.helpers import run_plan

CASES = [(t.name, p) for t in CATALOGUE for p in t.providers]
REQUESTED = {
    "web-app",
    "ha-web",
    "postgres-replicas",
    "redis-cache",
    "message-queue",
    "observability",
    "reverse-proxy",
    "ci-runners",
    "media-server",
    "kubernetes-app",
    "dev-sandbox",
    "backup-target",
}


@pytest.fixture
async def local(tmp_path: Path) -> AsyncIterator[Services]:
    """Services over SQLite: rendering and validating touch no database, so one is enough."""
    async with await build(make_settings(tmp_path / "home")) as built:
        yield built


def test_the_catalogue_has_the_twelve_blueprints_people_deploy_each_declared_in_full() -> None:
    names = [t.name for t in CATALOGUE]
    assert len(names) == len(set(names)) >= 12
    assert set(names) >= REQUESTED
    for template in CATALOGUE:
        assert template.summary and "\n" not in template.summary and len(template.summary) <= 100
        assert template.providers and set(template.providers) <= set(PROVIDERS)
        assert template.parameters[0].name == "name"
        for parameter in template.parameters:
            assert parameter.description, (template.name, parameter.name)
            assert parameter.constraints(), (template.name, parameter.name)
            parameter.read(parameter.default)  # every default is a value the parameter accepts


@pytest.mark.parametrize(("name", "provider"), CASES)
def test_every_template_renders_for_every_provider_it_claims_into_a_valid_blueprint(
    local: Services, name: str, provider: str
) -> None:
    rendered = local.templates.render(name, provider, {"name": "t-stack"})
    data = yaml.safe_load(rendered.blueprint)
    assert (data["name"], rendered.stack, rendered.provider) == ("t-stack", "t-stack", provider)
    assert {r["provider"] for r in data["resources"]} == {provider}
    assert rendered.resources == len(data["resources"]) > 0
    assert rendered.warnings == [] or all("publishes on every interface" in w["message"] for w in rendered.warnings)
    assert data["metadata"] == {"template": name, "provider": provider}


def _secrets_are_files(specs: dict[str, Any]) -> None:
    for key, value in (specs.get("env") or {}).items():
        if "PASSWORD" in key or "TOKEN" in key:
            assert key.endswith("_FILE") and str(value).startswith("/run/secrets/"), (key, value)


@pytest.mark.parametrize(("name", "provider"), CASES)
def test_no_template_puts_a_secret_in_the_blueprint(local: Services, name: str, provider: str) -> None:
    data = yaml.safe_load(local.templates.render(name, provider, {}).blueprint)
    for resource in data["resources"]:
        _secrets_are_files(resource["specs"])


@pytest.mark.parametrize("name", [t.name for t in CATALOGUE if "fake" in t.providers])
async def test_every_template_plans_applies_and_replans_as_nothing_on_the_fake_engine(
    services: Services, name: str
) -> None:
    rendered = services.templates.render(name, "fake", {})
    planned = (await services.plans.plan_blueprint(rendered.blueprint, f"{name}.yaml")).plan
    assert planned.summary()["create"] == rendered.resources
    result = await run_plan(services, planned.id)
    assert result.outcome == "succeeded", result
    again = (await services.plans.plan_blueprint(rendered.blueprint, f"{name}.yaml")).plan
    assert {a.action for a in again.actions} == {"noop"}


def test_rendering_twice_gives_the_same_blueprint_and_changes_no_default() -> None:
    template = find("ha-web")
    first = render(template, "docker", {"replicas": "4"})
    second = render(template, "docker", {"replicas": 4})
    assert first.blueprint == second.blueprint
    assert render(template, "docker", {}).values["replicas"] == 3


@pytest.mark.parametrize(
    ("raw", "value"),
    [("3", 3), (3, 3), (" 7 ", 7)],
)
def test_an_integer_is_read_from_text_or_a_number(raw: Any, value: int) -> None:
    assert find("ha-web").parameter("replicas").read(raw) == value  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "raw", "problem"),
    [
        ("replicas", "1", "'1' is not a whole number from 2 to 50"),
        ("replicas", "three", "'three' is not a whole number from 2 to 50"),
        ("replicas", True, "True is not a whole number from 2 to 50"),
        ("replicas", "2.5", "'2.5' is not a whole number from 2 to 50"),
        ("algorithm", "fastest", "'fastest' is not one of: round_robin, least_connections, ip_hash"),
        ("memory", "1X", "unknown unit 'X' in memory '1X'; use M/MB/MiB, G/GB/GiB or T/TB/TiB"),
        ("memory", "1T", "'1T' is not a size such as '2G', from 64M to 64G"),
        ("port", "70000", "'70000' is not a whole number from 1 to 65535"),
        ("image", "NOT AN IMAGE", "'NOT AN IMAGE' is not a container image reference such as 'nginx:1.27-alpine'"),
        ("name", "Bad_Name", "'Bad_Name' is not a lowercase DNS label (a-z, 0-9, '-')"),
        # Named here, not in a port of the rendered blueprint (line 103) that nobody wrote.
        ("bind", "999.1.1.1", "'999.1.1.1' is not an IP address such as '127.0.0.1' or '::1'"),
        ("bind", ":::", "':::' is not an IP address such as '127.0.0.1' or '::1'"),
    ],
)
def test_an_invalid_value_is_refused_naming_the_parameter_and_what_it_accepts(
    name: str, raw: Any, problem: str
) -> None:
    with pytest.raises(TemplateParametersError) as caught:
        render(find("ha-web"), "fake", {name: raw})
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.path, diagnostic.message) == (f"parameters.{name}", f"parameter '{name}': {problem}")


def test_every_bad_parameter_is_reported_at_once() -> None:
    with pytest.raises(TemplateParametersError) as caught:
        render(find("web-app"), "docker", {"replicaz": "2", "database": "oracle", "db_size": "0"})
    assert [d.path for d in caught.value.diagnostics] == [
        "parameters.replicaz",
        "parameters.database",
        "parameters.db_size",
    ]
    assert "did you mean 'replicas'?" in caught.value.diagnostics[0].message
    assert "db_size must be greater than zero" in caught.value.diagnostics[2].message


@pytest.mark.parametrize(
    ("raw", "names"),
    [("a,b", ["a", "b"]), (" a , b ,", ["a", "b"]), (["x"], ["x"])],
)
def test_names_are_read_from_a_comma_separated_list_or_a_list(raw: Any, names: list[str]) -> None:
    assert find("reverse-proxy").parameter("apps").read(raw) == names  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("a,a", "names one twice"),
        ("A,b", "is not 1 to 20 lowercase DNS labels"),
        ("", "is not 1 to 20 lowercase DNS labels"),
        ("a;b", "is not 1 to 20 lowercase DNS labels"),
    ],
)
def test_names_that_repeat_or_are_not_labels_are_refused(raw: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        find("reverse-proxy").parameter("apps").read(raw)  # type: ignore[union-attr]


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("no", False), ("ON", True), ("0", False), (True, True)])
def test_a_boolean_reads_the_words_people_use(raw: Any, value: bool) -> None:
    assert find("redis-cache").parameter("persistence").read(raw) is value  # type: ignore[union-attr]


def test_an_unknown_template_and_an_unsupported_provider_are_refused() -> None:
    with pytest.raises(NotFoundError, match="did you mean 'redis-cache'"):
        find("redis-cash")
    with pytest.raises(InvalidInputError, match="template 'web-app' is for fake, docker, proxmox, not 'kubernetes'"):
        render(find("web-app"), "kubernetes", {})


def test_a_kubernetes_namespace_that_would_share_a_part_s_name_is_named_apart() -> None:
    data = render(find("redis-cache"), "kubernetes", {"name": "cache"}).blueprint
    names = [r["name"] for r in data["resources"]]
    assert names == ["cache-ns", "cache"]
    assert data["resources"][1]["specs"]["namespace"] == "cache-ns"
    assert data["resources"][1]["dependencies"] == ["cache-ns"]


@pytest.mark.parametrize(
    ("algorithm", "rule"), [("round_robin", "upstream backends {  server"), ("least_connections", "least_conn;")]
)
def test_the_docker_load_balancer_is_configured_for_its_backends_and_algorithm(algorithm: str, rule: str) -> None:
    data = render(find("ha-web"), "docker", {"algorithm": algorithm, "replicas": "2", "name": "shop"}).blueprint
    lb = next(r for r in data["resources"] if r["name"] == "lb")
    config = lb["specs"]["command"][-1]
    assert rule in config
    assert "server shop_web-1:80;" in config and "server shop_web-2:80;" in config
    assert lb["dependencies"] == ["net", "web-1", "web-2"]
    assert lb["specs"]["ports"] == ["127.0.0.1:8080:80"]


def test_the_fake_load_balancer_is_the_fake_s_load_balancer_service() -> None:
    data = render(find("ha-web"), "fake", {"algorithm": "ip_hash"}).blueprint
    lb = next(r for r in data["resources"] if r["name"] == "lb")
    assert lb["specs"] == {"backends": ["web"], "algorithm": "ip_hash", "ports": [80]}


@pytest.mark.parametrize(
    ("bind", "published"), [("::1", "[::1]:8080:80"), ("0:0::1", "[::1]:8080:80"), (" 10.0.0.1 ", "10.0.0.1:8080:80")]
)
def test_a_docker_port_is_bound_to_any_ip_address_ipv6_in_brackets(local: Services, bind: str, published: str) -> None:
    rendered = local.templates.render("ha-web", "docker", {"bind": bind})  # validated as `alma validate` does
    data = yaml.safe_load(rendered.blueprint)
    [balancer] = [r for r in data["resources"] if r["name"] == "lb"]
    assert balancer["specs"]["ports"] == [published]
