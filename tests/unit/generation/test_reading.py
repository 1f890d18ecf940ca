"""Reading a description: blocks, counts, names and sizes, exclusions, and what is not understood."""

from __future__ import annotations

import pytest

from alma.generation import read
from alma.generation.layout import lay_out


def test_counts_flavours_and_roles_are_read_from_the_issue_example() -> None:
    request = read("a web app with two nginx containers behind a load balancer and a postgres database")
    assert [(b.role, b.flavor, b.count) for b in request.blocks] == [
        ("web", "nginx", 2),
        ("load_balancer", None, 1),
        ("database", "postgres", 1),
    ]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("3 web servers", 3),
        ("five nginx containers", 5),
        ("a pair of web servers", 2),
        ("web servers", 2),  # a plural noun alone means more than one
        ("a web server with 4 replicas", 4),
        ("an apache web server", 1),
    ],
)
def test_the_number_of_instances_is_read_from_words_digits_and_plurals(text: str, count: int) -> None:
    (block,) = read(text).blocks
    assert block.role == "web"
    assert block.count == count


def test_sizes_cores_and_names_are_read_and_attached_to_their_block() -> None:
    request = read("a mysql database called orders with 4G of RAM and 2 cores, with a 50G volume")
    (db,) = request.blocks
    assert (db.flavor, db.name, db.memory_mb, db.cores, db.volume_gb) == ("mysql", "orders", 4096, 2, 50)


def test_units_written_the_way_people_say_them_are_understood() -> None:
    (server,) = read("3 ubuntu VMs with 8 gigs of memory and a 40 GB disk").blocks
    assert (server.role, server.flavor, server.kind, server.count) == ("server", "ubuntu", "vm", 3)
    assert (server.memory_mb, server.disk_gb) == (8192, 40)


def test_an_app_called_something_names_the_stack_not_a_resource() -> None:
    request = read("a web app called shop with a redis cache")
    assert request.stack == "shop"
    assert [b.name for b in request.blocks] == [None, None]
    assert read("a stack named billing with a postgres database").stack == "billing"


def test_negated_blocks_are_left_out_and_said_so() -> None:
    request = read("a web server with a redis cache but no database, without a queue")
    assert [b.role for b in request.blocks] == ["web", "cache"]
    assert "no database" in request.understood()


def test_highly_available_puts_two_front_instances_behind_a_load_balancer() -> None:
    layout = lay_out(read("a highly available web app with a postgres database"))
    web = layout.of("web")[0]
    assert web.count == 2
    assert [p.role for p in layout.of("load_balancer")] == ["load_balancer"]
    assert layout.of("load_balancer")[0].talks_to == ["web"]
    assert any("replication" in note for note in layout.notes)


def test_a_description_without_building_blocks_is_understood_as_nothing() -> None:
    request = read("make it fast and cheap please")
    assert request.blocks == []
    assert request.understood() == []


def test_software_alma_does_not_know_is_named_in_the_notes() -> None:
    request = read("a web server and a kafka cluster")
    assert [b.role for b in request.blocks] == ["web"]
    assert any("kafka" in note for note in request.notes)


def test_an_address_range_becomes_the_network_of_the_stack() -> None:
    request = read("three alpine containers on 10.5.0.0/24")
    assert [(b.role, b.count, b.cidr) for b in request.blocks] == [("server", 3, None), ("network", 1, "10.5.0.0/24")]


def test_the_parts_are_the_ones_the_conversation_reads_so_two_nginx_servers_are_two() -> None:
    request = read("I need a small web app: two nginx servers behind a load balancer and a postgres database")
    assert [(b.role, b.flavor, b.count) for b in request.blocks] == [
        ("web", "nginx", 2),
        ("load_balancer", None, 1),
        ("database", "postgres", 1),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "an online store called shop with two web servers and a postgres database",
        "two nginx behind a load balancer and a postgres database, call it shop",
        "a web app called shop with a redis cache",
    ],
)
def test_a_name_given_to_the_whole_system_names_the_stack(text: str) -> None:
    request = read(text)
    assert request.stack == "shop"
    assert all(b.name is None for b in request.blocks)


def test_software_without_a_building_block_is_left_out_and_said_never_replaced() -> None:
    request = read("a wordpress site with a mysql database")
    assert [(b.role, b.flavor) for b in request.blocks] == [("database", "mysql")]
    assert request.notes == ["'wordpress' is not a building block ALMA knows; it was left out"]
    alone = read("a wordpress site")
    assert alone.blocks == []
    assert any("wordpress" in note for note in alone.notes)


@pytest.mark.parametrize(
    ("text", "name", "count"),
    [
        ("deploy a deployment called billing in k8s", "billing", 1),
        ("a k8s deployment named ingest-api with 2 replicas", "ingest-api", 2),
    ],
)
def test_a_kubernetes_deployment_without_software_is_a_server_not_left_out(text: str, name: str, count: int) -> None:
    (block,) = read(text).blocks
    assert (block.role, block.name, block.count) == ("server", name, count)
