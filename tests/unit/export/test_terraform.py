"""Terraform from recorded resources, checked by parsing it back with python-hcl2: every resource at its
address, every dependency as depends_on, an import block for each object that exists and none for the
rest; values that look like Terraform syntax stay data."""

from __future__ import annotations

from typing import Any

import hcl2
import pytest
from hcl2.utils import SerializationOptions

from alma.errors import InvalidInputError
from alma.export import Recorded, export_terraform
from alma.export.hcl import Block, Expr, render

DOCKER = [
    Recorded(
        "net",
        "network",
        "docker",
        {"driver": "bridge", "subnet": None, "gateway": None, "internal": False},
        (),
        True,
        "n1",
        {},
    ),
    Recorded(
        "data",
        "storage",
        "docker",
        {"driver": "local", "driver_opts": {}},
        (),
        True,
        "data@t",
        {"docker_name": "s_data"},
    ),
    Recorded(
        "web",
        "service",
        "docker",
        {
            "image": "nginx:1.27",
            "pull": "missing",
            "command": ["sh", "-c", 'echo "${HOME}" %{x}'],
            "env": {"A": "1"},
            "ports": ["127.0.0.1:8080:80/tcp"],
            "volumes": ["data:/srv:ro", "/etc/x:/x:rw"],
            "networks": ["net"],
            "restart": "unless-stopped",
            "healthcheck": {
                "test": ["CMD", "true"],
                "interval": 30.0,
                "timeout": 0.5,
                "retries": 3,
                "start_period": 0.0,
            },
            "memory": 256,
            "cpus": 0.5,
        },
        ("net", "data"),
        False,
    ),
]


def parsed(text: str) -> dict[str, Any]:
    """The HCL read back; string literals without their quotes (references stay ``${…}``)."""
    document: dict[str, Any] = hcl2.loads(text, serialization_options=SerializationOptions(strip_string_quotes=True))
    return document


def resources(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """address -> body, quotes taken off the labels."""
    out: dict[str, dict[str, Any]] = {}
    for entry in document.get("resource", []):
        for kind, named in entry.items():
            for name, body in named.items():
                out[f"{kind}.{name}"] = body
    return out


def imports(document: dict[str, Any]) -> dict[str, str]:
    return {i["to"].strip("${}"): i["id"] for i in document.get("import", [])}


def test_a_docker_stack_is_kreuzwerker_resources_with_dependencies_and_imports_for_what_exists() -> None:
    exported = export_terraform("s", 3, DOCKER)
    document = parsed(exported.text)
    found = resources(document)
    assert set(found) == {
        "docker_network.net",
        "docker_volume.data",
        "docker_container.web",
        "docker_image.image_nginx_1_27",
    }
    web = found["docker_container.web"]
    assert web["depends_on"] == ["${docker_network.net}", "${docker_volume.data}"]
    assert web["image"] == "${docker_image.image_nginx_1_27.image_id}"
    assert web["networks_advanced"][0]["name"] == "${docker_network.net.name}"
    assert web["command"][2] == 'echo "$${HOME}" %%{x}'  # escaped: Terraform reads it as the text, not a template
    assert (web["cpu_period"], web["cpu_quota"], web["memory"]) == (100000, 50000, 256)
    assert imports(document) == {"docker_network.net": "n1", "docker_volume.data": "s_data"}  # web is absent
    assert [(a.resource, a.import_id) for a in exported.addresses] == [("net", "n1"), ("data", "s_data"), ("web", None)]
    assert document["terraform"][0]["required_providers"][0]["docker"]["source"] == "kreuzwerker/docker"


def test_a_container_kept_stopped_is_created_and_not_run() -> None:
    import dataclasses

    web = DOCKER[2]
    running = resources(parsed(export_terraform("s", 1, [web]).text))["docker_container.web"]
    assert running["must_run"] is True and "start" not in running  # start absent: recorded before it existed
    stopped = dataclasses.replace(web, specs={**web.specs, "start": False})
    block = resources(parsed(export_terraform("s", 1, [stopped]).text))["docker_container.web"]
    assert (block["must_run"], block["start"]) == (False, False)


def test_a_stack_on_the_fake_provider_is_refused_naming_what_terraform_cannot_hold() -> None:
    fake = Recorded("vm", "compute", "fake", {"cores": 1}, (), True, "fake-1", {})
    with pytest.raises(InvalidInputError, match=r"Terraform has no provider for: vm \(fake\)"):
        export_terraform("s", 1, [*DOCKER, fake])


KUBERNETES_SPECS = {
    "namespace": "shop",
    "image": "nginx:1.27",
    "replicas": 2,
    "ports": [80],
    "service_type": "LoadBalancer",
    "env": {"LOG": "info"},
    "config": {"K": "v"},
    "force": False,
}
KUBERNETES = [
    Recorded("shop", "network", "kubernetes", {"labels": {}, "force": False}, (), True, "u0", {"Namespace": "u0"}),
    Recorded(
        "web", "service", "kubernetes", KUBERNETES_SPECS, ("shop",), True, "u1", {"Deployment": "u1", "ConfigMap": "u2"}
    ),
]
PROXMOX = [
    Recorded(
        "proxy",
        "compute",
        "proxmox",
        {"kind": "lxc", "template": "alpine", "cores": 1, "memory": 512, "disk": 4, "node": None, "ip": "dhcp"},
        (),
        True,
        "lxc/101",
        {"node": "pve1", "vmid": 101, "storage": "local-lvm"},
    ),
    Recorded(
        "app",
        "compute",
        "proxmox",
        {"kind": "vm", "clone": "debian-12", "cores": 2, "memory": 2048, "disk": 20, "node": None, "ssh_keys": []},
        ("proxy",),
        False,
    ),
]


def test_a_kubernetes_service_is_its_deployment_service_and_config_map() -> None:
    namespace, web = KUBERNETES
    document = parsed(export_terraform("shop", 1, [namespace, web]).text)
    found = resources(document)
    assert set(found) == {
        "kubernetes_namespace_v1.shop",
        "kubernetes_config_map_v1.web",
        "kubernetes_deployment_v1.web",
        "kubernetes_service_v1.web",
    }
    deployment = found["kubernetes_deployment_v1.web"]
    assert "${kubernetes_config_map_v1.web}" in deployment["depends_on"]
    assert "${kubernetes_namespace_v1.shop}" in deployment["depends_on"]
    container = deployment["spec"][0]["template"][0]["spec"][0]["container"][0]
    assert container["env_from"][0]["config_map_ref"][0]["name"] == "web-config"
    # The Service does not exist (the engine reported no Service object): it is not imported.
    assert imports(document) == {
        "kubernetes_namespace_v1.shop": "shop",
        "kubernetes_config_map_v1.web": "shop/web-config",
        "kubernetes_deployment_v1.web": "shop/web",
    }


def test_a_proxmox_guest_whose_node_is_unknown_gets_a_variable_and_no_import() -> None:
    guests = PROXMOX
    document = parsed(export_terraform("lab", 2, guests).text)
    found = resources(document)
    assert found["proxmox_virtual_environment_container.proxy"]["node_name"] == "pve1"
    assert found["proxmox_virtual_environment_vm.app"]["node_name"] == "${var.proxmox_node}"
    assert found["proxmox_virtual_environment_vm.app"]["depends_on"] == [
        "${proxmox_virtual_environment_container.proxy}"
    ]
    assert {next(iter(v)) for v in document["variable"]} == {"proxmox_node", "template_vm_app"}
    assert imports(document) == {"proxmox_virtual_environment_container.proxy": "pve1/101"}


def test_resource_names_that_start_with_a_digit_become_identifiers() -> None:
    volume = Recorded("1st", "storage", "docker", {"driver": "local", "driver_opts": {}}, (), False)
    assert "docker_volume.r1st" in resources(parsed(export_terraform("s", 1, [volume]).text))


def terraform_reads(literal: str) -> str:
    """What Terraform makes of a template literal's text: ``$${`` and ``%%{`` are a literal ``${`` and ``%{``."""
    return literal.replace("$${", "${").replace("%%{", "%{")


@pytest.mark.parametrize("text", ['a"b', "a\\b", "line\nbreak", "${var.x}", "%{ if true }", "tab\there", "é ü", "$$"])
def test_any_text_is_written_so_that_terraform_reads_it_back_as_the_same_text(text: str) -> None:
    written = render([Block("locals").set("v", text).set("m", {"k.y": text, "n": [text, 1, True]})])
    back = parsed(written)["locals"][0]
    assert terraform_reads(back["v"]) == text
    assert terraform_reads(back["m"]["k.y"]) == text
    assert terraform_reads(back["m"]["n"][0]) == text


def test_an_expression_is_written_as_is() -> None:
    assert hcl2.loads(render([Block("locals").set("v", Expr("var.x"))]))["locals"][0]["v"] == "${var.x}"
