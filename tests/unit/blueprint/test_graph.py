"""Dependency graphs: a stable topological order, and every cycle found without recursion."""

from __future__ import annotations

import pytest

from alma.blueprint import find_cycles, topological_order

DEEP = 50_000


def chain(length: int) -> dict[str, list[str]]:
    """n0 <- n1 <- ... : each node depends on the one before it, listed last-first so that the
    order has to be worked out rather than read off the input."""
    return {f"n{i}": ([f"n{i - 1}"] if i else []) for i in reversed(range(length))}


def test_every_node_comes_after_its_dependencies() -> None:
    edges = {"app": ["db", "cache"], "db": ["net"], "cache": ["net"], "net": []}
    order = topological_order(edges)
    assert sorted(order) == sorted(edges)
    for node, deps in edges.items():
        for dep in deps:
            assert order.index(dep) < order.index(node), f"{dep} must come before {node}"


def test_nodes_without_dependencies_keep_the_order_they_were_given_in() -> None:
    assert topological_order({"c": [], "a": [], "b": []}) == ["c", "a", "b"]


def test_nodes_released_together_keep_the_order_they_were_given_in() -> None:
    edges = {"web": ["net"], "api": ["net"], "worker": ["net"], "net": []}
    assert topological_order(edges) == ["net", "web", "api", "worker"]


def test_the_order_is_the_same_on_every_run_whatever_order_dependencies_are_listed_in() -> None:
    first = topological_order({"a": ["x", "y", "z"], "x": [], "y": [], "z": []})
    again = topological_order({"a": ["z", "y", "x"], "x": [], "y": [], "z": []})
    assert first == again == ["x", "y", "z", "a"]


def test_dependencies_on_unknown_nodes_are_ignored_by_the_order() -> None:
    assert topological_order({"a": ["ghost"], "b": ["a"]}) == ["a", "b"]


def test_a_dependency_listed_twice_counts_once() -> None:
    assert topological_order({"b": ["a", "a"], "a": []}) == ["a", "b"]


def test_an_empty_graph_has_an_empty_order() -> None:
    assert topological_order({}) == []
    assert find_cycles({}) == []


@pytest.mark.parametrize(
    "edges",
    [{"a": ["a"]}, {"a": ["b"], "b": ["a"]}, {"ok": [], "a": ["c"], "b": ["a"], "c": ["b"], "d": ["ok"]}],
    ids=["self", "two", "three"],
)
def test_no_order_exists_when_there_is_a_cycle(edges: dict[str, list[str]]) -> None:
    with pytest.raises(ValueError, match="dependency cycle"):
        topological_order(edges)


def test_a_graph_without_cycles_has_none() -> None:
    assert find_cycles({"app": ["db", "cache"], "db": ["net"], "cache": ["net"], "net": []}) == []


def test_a_node_that_depends_on_itself_is_a_cycle() -> None:
    assert find_cycles({"a": ["a"], "b": []}) == [["a", "a"]]


def test_two_nodes_that_depend_on_each_other_are_a_cycle() -> None:
    assert find_cycles({"a": ["b"], "b": ["a"]}) == [["a", "b", "a"]]


def test_a_longer_cycle_is_reported_from_where_it_was_entered_back_to_the_same_node() -> None:
    edges = {"entry": ["a"], "a": ["b"], "b": ["c"], "c": ["d"], "d": ["a"]}
    assert find_cycles(edges) == [["a", "b", "c", "d", "a"]]


def test_separate_cycles_are_each_reported() -> None:
    edges = {"a": ["b"], "b": ["a"], "x": ["x"], "p": ["q"], "q": ["r"], "r": ["p"], "free": []}
    assert find_cycles(edges) == [["a", "b", "a"], ["x", "x"], ["p", "q", "r", "p"]]


def test_dependencies_on_unknown_nodes_are_not_cycles() -> None:
    assert find_cycles({"a": ["ghost", "b"], "b": ["ghost"]}) == []


def test_finding_cycles_accepts_any_collection_of_dependencies() -> None:
    assert find_cycles({"a": ("b",), "b": {"a"}}) == [["a", "b", "a"]]


def test_a_chain_fifty_thousand_deep_is_ordered_without_recursing() -> None:
    order = topological_order(chain(DEEP))
    assert order == [f"n{i}" for i in range(DEEP)]


def test_a_chain_fifty_thousand_deep_is_searched_for_cycles_without_recursing() -> None:
    assert find_cycles(chain(DEEP)) == []


def test_a_cycle_fifty_thousand_long_is_found_whole() -> None:
    ring = {f"n{i}": [f"n{(i + 1) % DEEP}"] for i in range(DEEP)}
    cycles = find_cycles(ring)
    assert len(cycles) == 1
    assert cycles[0] == [*(f"n{i}" for i in range(DEEP)), "n0"]
    with pytest.raises(ValueError, match="dependency cycle"):
        topological_order(ring)
