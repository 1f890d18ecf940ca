"""What chat just planned, kept so that follow-ups can point at it and change it before it runs.

When chat plans a deploy, the session's focus learns the parts of the generated blueprint — their names
in blueprint order, what kind each is, how many — so "scale it to 3", "scale the web servers to 3" and
"make the second one bigger, 8 cores" resolve to a part ("web", "the second one" → the second part
named). While that deploy waits for confirmation, such a follow-up changes the drafted blueprint itself
(``amend``) and chat plans it again; once applied, the same words act on the recorded resource.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from alma.conversation.focus import Focus
from alma.conversation.intent import Resource
from alma.errors import InvalidInputError

# The kind a building block's role reads as in conversation ("the web servers", "the database").
KIND_OF_ROLE: dict[str, str] = {
    "web": "webserver",
    "load_balancer": "loadbalancer",
    "database": "database",
    "cache": "cache",
    "queue": "queue",
    "server": "vm",
    "network": "network",
    "volume": "storage",
}
_PLUMBING = frozenset({"network", "volume"})


def parts(blueprint: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The workloads of a generated blueprint as the focus remembers them: name, kind, template, count."""
    out: list[dict[str, Any]] = []
    for resource in blueprint.get("resources", []):
        role = (resource.get("metadata") or {}).get("role")
        if role in _PLUMBING or not isinstance(resource.get("name"), str):
            continue
        specs = resource.get("specs") or {}
        image = str(specs.get("image") or specs.get("template") or "")
        template = image.rsplit("/", 1)[-1].split(":", 1)[0] or None
        count = specs.get("replicas") if isinstance(specs.get("replicas"), int) else 1
        part: dict[str, Any] = {
            "name": resource["name"],
            "kind": KIND_OF_ROLE.get(str(role)),
            "template": template,
            "count": count,
        }
        sizes = {"cores": _whole(specs.get("cores")), "memory_mb": _mib(specs.get("memory"))}
        sizes["disk_gb"] = (_mib(specs.get("disk")) or 0) // 1024 or None
        part.update({k: v for k, v in sizes.items() if v})  # "same again but call it x": with these sizes
        out.append(part)
    return out


def provider_of(draft: str) -> str | None:
    """The engine the first workload of a drafted blueprint runs on."""
    data = yaml.safe_load(draft)
    workloads = [r for r in (data or {}).get("resources", []) if (r.get("metadata") or {}).get("role") not in _PLUMBING]
    provider = workloads[0].get("provider") if workloads else None
    return provider if isinstance(provider, str) else None


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _mib(value: Any) -> int | None:
    """A blueprint size ("512M", "8G", "1Ti") in MiB."""
    found = re.fullmatch(r"(\d+)\s*([mgt])i?b?", str(value).strip().lower()) if value is not None else None
    if found is None:
        return None
    return int(found.group(1)) * {"m": 1, "g": 1024, "t": 1024 * 1024}[found.group(2)]


def teach(focus: Focus, blueprint: Mapping[str, Any]) -> None:
    """Let ``focus`` know what was just planned: "it" is the part said in the plural or the first one."""
    learnt = parts(blueprint)
    if not learnt:
        return
    names = [p["name"] for p in learnt]
    focus.resources = [*learnt, *[r for r in focus.resources if r.get("name") not in names]][:10]
    focus.last_named = names
    focus.mentioned = [*[m for m in focus.mentioned if m not in names], *names][-10:]
    several = [p["name"] for p in learnt if p["count"] > 1]
    focus.target = several[0] if several else names[0]
    for part in learnt:
        focus.counts[part["name"]] = part["count"]


def amend(draft: str, target: str, *, scale_to: int | None = None, sized: Resource | None = None) -> str:
    """``draft`` (blueprint YAML) with ``target`` scaled to ``scale_to`` or resized as ``sized`` says;
    ``InvalidInputError`` when the draft has no such part or the part has no such setting."""
    data = yaml.safe_load(draft)
    resource = next((r for r in data.get("resources", []) if r.get("name") == target), None)
    if resource is None:
        raise InvalidInputError(f"the plan waiting here has no part named '{target}'")
    specs: dict[str, Any] = resource.setdefault("specs", {})
    if scale_to is not None:
        if "replicas" not in specs:
            raise InvalidInputError(f"{target} runs as one resource per instance here; it has no replicas to scale")
        specs["replicas"] = scale_to
    if sized is not None:
        changed = _resize(specs, sized)
        said = [k for k, v in (("cores", sized.cores), ("memory", sized.memory_mb), ("disk", sized.disk_gb)) if v]
        if not changed and said:  # "make the lb 8 cores": the part has no such setting here
            has = [k for k in ("cores", "memory", "disk", "replicas") if k in specs]
            raise InvalidInputError(
                f"{target} has no {' or '.join(said)} setting here (it has: {', '.join(has) or 'none of those'}); "
                "name the part to change (the plan waiting here has: "
                f"{', '.join(str(r.get('name')) for r in data.get('resources', []))})"
            )
        if not changed:
            raise InvalidInputError(f"tell me what to change on {target}: cores, memory or disk (e.g. '8 cores')")
    return yaml.safe_dump(data, sort_keys=False)


def resize_overrides(specs: Mapping[str, Any], sized: Resource) -> dict[str, Any]:
    """The spec values ``sized`` sets on a resource whose current specs are ``specs`` (only keys it has)."""
    changed: dict[str, Any] = dict(specs)
    _resize(changed, sized)
    return {k: v for k, v in changed.items() if specs.get(k) != v}


def _resize(specs: dict[str, Any], sized: Resource) -> bool:
    wanted = {
        "cores": sized.cores,
        "memory": f"{sized.memory_mb}M" if sized.memory_mb else None,
        "disk": f"{sized.disk_gb}G" if sized.disk_gb else None,
    }
    changed = False
    for key, value in wanted.items():
        if value is not None and key in specs:
            specs[key] = value
            changed = True
    return changed


# How a kind is said so that generation's reader composes it ("an alpine lxc", "2 redis containers").
_KIND_WORDS = {"lxc": "lxc", "vm": "vm", "container": "container", "deployment": "kubernetes deployment"}


def spoken(resources: tuple[Resource, ...]) -> str | None:
    """The resources a reading resolved to, said in the words ``alma generate`` reads: what chat composes
    when the message itself names nothing to build ("same again but call it rq-cache-2", "actually 3 of
    them" after a deploy), so that the plan is the reading's and the reply says what it composes. None
    when there is nothing to say (no kind and no software)."""
    said: list[str] = []
    for resource in resources:
        kind = _KIND_WORDS.get(resource.kind or "", "")
        if not kind and resource.template is None:
            continue
        words = [str(resource.count) if resource.count > 1 else "a"]
        words += [w for w in (resource.template, kind) if w]
        if resource.count > 1 and kind:
            words[-1] += "s"
        if resource.name:
            words.append(f"named {resource.name}")
        sizes = [
            f"{value} {unit}"
            for value, unit in (
                (resource.cores, "cores"),
                (resource.memory_mb, "MB memory"),
                (resource.disk_gb, "GB disk"),
            )
            if value is not None
        ]
        if sizes:
            words.append("with " + " and ".join(sizes))
        said.append(" ".join(words))
    return " and ".join(said) or None
