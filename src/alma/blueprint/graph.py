"""Dependency graphs: stable topological order and cycle discovery (iterative, so depth is unbounded)."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping


def topological_order(edges: Mapping[str, Iterable[str]]) -> list[str]:
    """Every node after its dependencies; among the nodes ready at any point, the earliest in the input
    comes first. Unknown dependencies are ignored.

    Raises ValueError when a cycle prevents a complete order (validate with ``find_cycles`` first).
    """
    indegree = {node: 0 for node in edges}
    dependents: dict[str, list[str]] = {node: [] for node in edges}
    for node, deps in edges.items():
        for dep in set(deps):
            if dep in indegree:
                indegree[node] += 1
                dependents[dep].append(node)
    position = {node: i for i, node in enumerate(edges)}
    ready = [position[node] for node, count in indegree.items() if count == 0]
    heapq.heapify(ready)
    names = list(edges)
    order: list[str] = []
    while ready:
        node = names[heapq.heappop(ready)]
        order.append(node)
        for child in dependents[node]:
            indegree[child] -= 1
            if indegree[child] == 0:
                heapq.heappush(ready, position[child])
    if len(order) != len(indegree):
        raise ValueError("dependency cycle")
    return order


def find_cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Each elementary cycle found by depth-first search, as ``[a, b, c, a]``; one per back edge."""
    white, grey, black = 0, 1, 2
    color = dict.fromkeys(edges, white)
    cycles: list[list[str]] = []
    for root in edges:
        if color[root] != white:
            continue
        path: list[str] = [root]
        iterators = [iter(edges[root])]
        color[root] = grey
        while iterators:
            dep = next(iterators[-1], None)
            if dep is None:
                color[path.pop()] = black
                iterators.pop()
                continue
            if dep not in color:
                continue
            if color[dep] == grey:
                cycles.append([*path[path.index(dep) :], dep])
            elif color[dep] == white:
                color[dep] = grey
                path.append(dep)
                iterators.append(iter(edges[dep]))
    return cycles
