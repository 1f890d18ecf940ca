"""From a blueprint as people write it to its canonical form, as a list of rewrites.

Blueprints written for ALMA 0.8 or other tools spell some things differently: ``depends_on`` for
``dependencies``, a version written as a number, and a load balancer written as a ``network`` whose specs
say ``type: load_balancer`` with ``algorithm`` and ``backends``. Each such spelling becomes a ``Rewrite``:
validation applies the rewrites to the data and reports each one as a warning that names the canonical
form, and ``alma fmt`` applies the same rewrites to the file (keeping its comments). Spec keys that are an
engine's aliases (``cpu`` for ``cores``) are rewritten the same way by the loader, which knows the engines.

Rewrites apply in order; the path of each is a path in the data as the rewrites before it left it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from alma.blueprint.source import Path

RewriteKind = Literal["rename", "set", "remove", "extend"]
DEPENDENCY_SPELLINGS = ("depends_on", "depends", "requires", "needs")
LOAD_BALANCER_WORDS = frozenset({"loadbalancer", "lb", "balancer", "proxy"})


@dataclass(frozen=True, slots=True)
class Rewrite:
    """One step towards the canonical form.

    - ``rename``: the key at ``path`` becomes ``key`` (in place, keeping its position); with ``replace``,
      its value becomes ``value`` too.
    - ``set``: the value at ``path`` becomes ``value``.
    - ``remove``: the key at ``path`` goes.
    - ``extend``: the list at ``path`` gains the items of ``value`` it lacks (made when absent).
    """

    kind: RewriteKind
    path: Path
    message: str
    key: str = ""
    value: Any = None
    replace: bool = False


def _is_load_balancer(resource: dict[str, Any]) -> bool:
    specs = resource.get("specs")
    if resource.get("type") != "network" or not isinstance(specs, dict):
        return False
    kind = specs.get("type")
    word = kind.lower().replace("_", "").replace("-", "").replace(" ", "") if isinstance(kind, str) else ""
    return word in LOAD_BALANCER_WORDS or "backends" in specs


def blueprint_rewrites(data: Any) -> list[Rewrite]:
    """The rewrites that take ``data`` (a parsed blueprint) to the canonical form, spec aliases aside."""
    if not isinstance(data, dict):
        return []
    out: list[Rewrite] = []
    version = data.get("version")
    if isinstance(version, float | int) and not isinstance(version, bool):
        text = str(float(version)) if isinstance(version, int) else str(version)  # 1 is "1.0"
        out.append(Rewrite("set", ("version",), f'write the version as text: version: "{text}"', value=text))
    listed = data.get("resources")
    resources: list[Any] = listed if isinstance(listed, list) else []
    # Only text names: a name written as a mapping or a list is validation's to report, not a set member.
    names = {r["name"] for r in resources if isinstance(r, dict) and isinstance(r.get("name"), str)}
    for index, resource in enumerate(resources):
        if isinstance(resource, dict):
            out.extend(_resource_rewrites(index, resource, names))
    return out


def _resource_rewrites(index: int, resource: dict[str, Any], names: set[Any]) -> list[Rewrite]:
    at: Path = ("resources", index)
    out: list[Rewrite] = []
    dependencies = resource.get("dependencies")
    for spelling in DEPENDENCY_SPELLINGS:
        if spelling in resource and "dependencies" not in resource:
            message = f"'{spelling}' is read as 'dependencies': write 'dependencies'"
            out.append(Rewrite("rename", (*at, spelling), message, key="dependencies"))
            dependencies = resource[spelling]
            break
    specs = resource.get("specs")
    if _is_load_balancer(resource) and isinstance(specs, dict):
        out.append(
            Rewrite(
                "set",
                (*at, "type"),
                "a load balancer is a 'service' with 'backends' and an 'algorithm': "
                "'type: network' is read as 'type: service'",
                value="service",
            )
        )
        if "type" in specs:
            message = f"'type: {specs['type']}' is implied by 'backends' in a service; it is dropped"
            out.append(Rewrite("remove", (*at, "specs", "type"), message))
        port = specs.get("port")
        if "port" in specs and "ports" not in specs and isinstance(port, int) and not isinstance(port, bool):
            message = f"'port: {port}' is read as 'ports: [{port}]'"
            out.append(Rewrite("rename", (*at, "specs", "port"), message, key="ports", value=[port], replace=True))
    backends = specs.get("backends") if isinstance(specs, dict) else None
    if isinstance(backends, list):
        listed = dependencies if isinstance(dependencies, list) else []
        # Only backends the stack has: validation names an unknown one where it is written.
        texts = [b for b in backends if isinstance(b, str)]
        missing = [b for b in dict.fromkeys(texts) if b in names and b not in listed]
        if missing:
            added = ", ".join(f"'{m}'" for m in missing)
            message = f"a load balancer depends on its backends: {added} added to 'dependencies'"
            out.append(Rewrite("extend", (*at, "dependencies"), message, value=missing))
    return out


def apply_rewrites(data: Any, rewrites: Sequence[Rewrite]) -> tuple[Any, dict[Path, Path]]:
    """``data`` with ``rewrites`` applied (``data`` itself is left as it was: containers on a rewritten
    path are copied), and for each renamed key, its new path -> the path it had."""
    if not rewrites:
        return data, {}
    root: list[Any] = [data]
    copied: set[int] = set()
    written: dict[Path, Path] = {}
    for rewrite in rewrites:
        parent = _writable(root, rewrite.path[:-1], copied)
        last = rewrite.path[-1]
        if not isinstance(parent, dict) or not isinstance(last, str):
            continue  # the structure is not what the rewrite was made for: validation says what is wrong
        if rewrite.kind == "rename" and last in parent:
            value = rewrite.value if rewrite.replace else parent[last]
            items = [(rewrite.key if k == last else k, value if k == last else v) for k, v in parent.items()]
            parent.clear()
            parent.update(items)
            written[(*rewrite.path[:-1], rewrite.key)] = rewrite.path
        elif rewrite.kind == "set":
            parent[last] = rewrite.value
        elif rewrite.kind == "remove":
            parent.pop(last, None)
        elif rewrite.kind == "extend":
            current = parent.get(last)
            items = list(current) if isinstance(current, list) else []
            parent[last] = items + [v for v in rewrite.value if v not in items]
    return root[0], written


def _writable(root: list[Any], path: Path, copied: set[int]) -> Any:
    """The container at ``path`` below ``root[0]``, each container on the way copied once (so the caller's
    data stays as it was); None when the path does not exist."""
    holder: Any = root
    for step in (0, *path):
        if isinstance(holder, dict):
            if step not in holder:
                return None
        elif not (isinstance(holder, list) and isinstance(step, int) and 0 <= step < len(holder)):
            return None
        child = holder[step]
        if isinstance(child, dict | list) and id(child) not in copied:
            child = dict(child) if isinstance(child, dict) else list(child)
            copied.add(id(child))
            holder[step] = child
        holder = child
    return holder
