"""The council offline: each reviewer's findings on blueprints ALMA did not write, the fixes it applies,
fixes that validation refuses, the cost estimate, and a decree whose blueprint validates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from alma.bootstrap import Services, build
from alma.errors import BlueprintInvalidError, InvalidInputError
from alma.generation import RateCard, estimate
from alma.services.generation import CouncilReport, GenerationService
from tests.conftest import make_settings
from tests.helpers import blueprint_text


def resource(kind: str, name: str, provider: str, specs: dict[str, Any], deps: list[str] | None = None) -> Any:
    return {"type": kind, "name": name, "provider": provider, "specs": specs, "dependencies": deps or []}


def findings(report: CouncilReport, reviewer: str) -> list[dict[str, Any]]:
    return [f for f in report.as_json()["findings"] if f["reviewer"] == reviewer]


def revised(report: CouncilReport) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in report.decree.blueprint["resources"]}


DOCKER = blueprint_text(
    "shop",
    [
        resource("service", "web", "docker", {"image": "nginx:1.27-alpine", "ports": ["0.0.0.0:8080:80"]}, ["db"]),
        resource("service", "db", "docker", {"image": "postgres:16", "env": {"POSTGRES_PASSWORD": "hunter2"}}),
    ],
)


async def convene_file(services: Services, text: str) -> CouncilReport:
    return await services.generation.convene_on_blueprint(text, "stack.yaml")


async def test_the_architect_gives_a_container_database_a_volume_and_the_containers_a_network(
    services: Services,
) -> None:
    report = await convene_file(services, DOCKER)
    fixes = {f["fix"] for f in findings(report, "architect")}
    assert fixes == {"add volume db-data", "add network net and attach every container"}
    db = revised(report)["db"]
    assert "db-data:/var/lib/postgresql/data" in db["specs"]["volumes"]
    assert set(db["dependencies"]) == {"db-data", "net"}
    assert revised(report)["web"]["specs"]["networks"] == ["net"]


async def test_security_binds_ports_to_loopback_and_flags_a_password_in_clear_text(services: Services) -> None:
    report = await convene_file(services, DOCKER)
    found = {(f["resource"], f["severity"], f["fix"]) for f in findings(report, "security")}
    assert ("web", "high", "bind the ports to 127.0.0.1") in found
    assert ("db", "high", None) in found  # POSTGRES_PASSWORD: no rule can move a secret for you
    assert revised(report)["web"]["specs"]["ports"] == ["127.0.0.1:8080:80"]
    assert report.decree.verdict == "changes_requested"


async def test_security_keeps_internal_kubernetes_services_inside_the_cluster(services: Services) -> None:
    text = blueprint_text(
        "shop",
        [
            resource("network", "shop", "kubernetes", {}),
            resource(
                "service",
                "cache",
                "kubernetes",
                {"namespace": "shop", "image": "redis:7", "ports": [6379], "service_type": "LoadBalancer"},
                ["shop"],
            ),
        ],
    )
    report = await convene_file(services, text)
    assert [f["fix"] for f in findings(report, "security")] == ["make its Service ClusterIP"]
    assert revised(report)["cache"]["specs"]["service_type"] == "ClusterIP"


async def test_reliability_adds_replicas_health_checks_and_restart_policies(services: Services) -> None:
    report = await convene_file(services, DOCKER)
    fixes = {(f["resource"], f["fix"]) for f in findings(report, "reliability") if f["fix"]}
    assert ("web", "add the health check 'wget -q -O /dev/null http://127.0.0.1:80/ || exit 1'") in fixes
    assert ("db", "restart: unless-stopped") in fixes
    assert ("web", "add a second instance web-2") in fixes
    web2 = revised(report)["web-2"]
    assert web2["specs"]["ports"] == ["127.0.0.1:8081:80"]  # the next free host port, still on loopback
    assert web2["specs"]["restart"] == "unless-stopped"  # copied after the first instance was fixed
    messages = " ".join(f["message"] for f in findings(report, "reliability") if f["fix"] is None)
    assert "no backup" in messages
    assert "single point of failure" in messages


async def test_a_single_replica_service_gets_a_second_replica(services: Services) -> None:
    text = blueprint_text("site", [resource("service", "web", "fake", {"image": "nginx:1.27", "ports": [80]})])
    report = await convene_file(services, text)
    assert [f["fix"] for f in findings(report, "reliability")] == ["run 2 replicas"]
    assert revised(report)["web"]["specs"]["replicas"] == 2
    assert report.decree.verdict == "approved_with_fixes"


async def test_a_fix_that_validation_refuses_is_not_applied_and_the_finding_says_why(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home", quotas={"proxmox": {"resources": 1}})
    text = blueprint_text("lab", [resource("compute", "web", "proxmox", {"template": "alpine", "unprivileged": False})])
    text = text.replace('"dependencies": []', '"dependencies": [], "metadata": {"role": "web"}')
    async with await build(settings) as services:
        report = await convene_file(services, text)
    (spof,) = [f for f in findings(report, "reliability") if "single point" in f["message"]]
    assert spof["fix"] is None
    assert "validation refused it" in spof["message"]
    assert "quota exceeded" in spof["message"]
    assert "web-2" not in revised(report)
    (privileged,) = findings(report, "security")
    assert privileged["fix"] == "make it unprivileged (replaces the container)"


async def test_cost_estimates_from_the_rate_card_and_warns_near_a_quota(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home", quotas={"fake": {"cores": 3}})
    text = blueprint_text("calc", [resource("compute", "db", "fake", {"cores": 3, "memory": "2G", "disk": "10G"})])
    card = RateCard(core_month=10.0, memory_gib_month=2.0, disk_gib_month=0.5)
    async with await build(settings) as services:
        generation = GenerationService(settings, services.blueprints, rate_card=card)
        report = await generation.convene_on_blueprint(text, "calc.yaml")
    cost = report.as_json()["decree"]["estimated_monthly_cost"]
    assert cost["resources"]["db"] == {"monthly": 39.0, "basis": "1 × (3 cores, 2048 MiB, 10 GiB)"}  # 30 + 4 + 5
    found = {(f["severity"], f["message"]) for f in findings(report, "cost")}
    assert ("info", "estimated 39.00 USD/month (largest: db 39.00)") in found
    assert ("medium", "fake: uses 100% of the cores quota (3 of 3): little room to grow") in found


def test_a_rate_card_override_names_the_keys_it_does_not_know() -> None:
    assert RateCard.from_mapping({"core_month": 20}).core_month == 20
    with pytest.raises(InvalidInputError, match=r"unknown rate card keys \['cpu'\]"):
        RateCard.from_mapping({"cpu": 1})


def test_a_kubernetes_load_balancer_is_priced_on_top_of_its_replicas() -> None:
    data = {
        "resources": [
            resource("service", "web", "kubernetes", {"replicas": 2, "ports": [80], "service_type": "LoadBalancer"})
        ]
    }
    priced = estimate(data, RateCard())
    assert priced["resources"]["web"]["monthly"] == round(2 * (12.0 + 0.5 * 3.0) + 18.0, 2)


@pytest.mark.parametrize("provider", ["fake", "docker", "kubernetes", "proxmox"])
async def test_the_decree_on_a_described_system_validates_and_carries_every_reviewer(
    services: Services, provider: str
) -> None:
    report = await services.generation.convene("web app with database", provider)
    services.blueprints.load(report.text)
    body = report.as_json()
    assert set(body) == {"blueprint", "findings", "decree"}
    assert body["decree"]["reviewers"] == ["architect", "security", "reliability", "cost"]
    assert body["decree"]["valid"] is True
    assert all(set(f) == {"reviewer", "severity", "resource", "message", "fix"} for f in body["findings"])
    assert json.loads(json.dumps(body)) == body  # JSON as it is printed


async def test_the_council_refuses_a_blueprint_that_does_not_validate(services: Services) -> None:
    text = blueprint_text("bad", [resource("compute", "vm", "fake", {"memroy": "1G"})])
    with pytest.raises(BlueprintInvalidError, match="unknown spec key 'memroy'"):
        await convene_file(services, text)
