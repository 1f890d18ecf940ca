"""Before an apply: names that objects ALMA does not own already hold, and images that are missing while
the spec forbids pulling. Neither is something ALMA may fix on its own, so both are reported as such."""

from __future__ import annotations

from typing import Any

from docker import DockerClient
from docker.errors import ImageNotFound

from alma.engines.base import Change, PreflightIssue
from alma.engines.docker import ownership

CONTAINER_TYPES = frozenset({"compute", "service"})


def find_issues(client: DockerClient, changes: list[Change]) -> list[PreflightIssue]:
    issues: list[PreflightIssue] = []
    for change in changes:
        if change.action != "create":
            continue
        ref = change.ref
        name = ownership.docker_name(ref)
        kind, labels = _holder(client, ref.type, name)
        if kind is not None and not ownership.owned_by(labels, ref):
            issues.append(
                PreflightIssue(
                    ref.name,
                    f"a Docker {kind} named '{name}' already exists and ALMA does not own it: rename the "
                    "resource, or remove that object",
                    fixable=False,
                )
            )
        desired = change.desired or {}
        if ref.type in CONTAINER_TYPES and desired.get("pull", "never") == "never":
            try:
                client.images.get(str(desired["image"]))
            except ImageNotFound:
                issues.append(
                    PreflightIssue(
                        ref.name,
                        f"image '{desired['image']}' is not on the Docker host and the spec says pull: never",
                        fixable=False,
                    )
                )
    return issues


def _holder(client: DockerClient, rtype: str, name: str) -> tuple[str | None, dict[str, str] | None]:
    """What already holds ``name`` (container, network or volume), and its labels."""
    found: list[Any]
    if rtype in CONTAINER_TYPES:
        found = [c for c in client.containers.list(all=True, filters={"name": name}) if c.name == name]
        return ("container", found[0].labels) if found else (None, None)
    if rtype == "network":
        found = [n for n in client.networks.list(names=[name]) if n.name == name]
        return ("network", found[0].attrs.get("Labels") or {}) if found else (None, None)
    found = [v for v in client.volumes.list(filters={"name": name}) if v.name == name]
    return ("volume", found[0].attrs.get("Labels") or {}) if found else (None, None)
