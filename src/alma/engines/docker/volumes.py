"""Volumes (blueprint type ``storage``). Docker cannot change a volume in place: any change replaces,
and a replace removes the old volume (and its data) first, since the new one takes the same name.

Docker answers a create for an existing volume name by returning that volume, so the name is checked
first: a volume ALMA does not own is refused as a conflict, never silently shared. A volume has no id
of its own; its name and creation time together tell one incarnation from the next.
"""

from __future__ import annotations

from docker import DockerClient
from docker.errors import NotFound
from docker.models.volumes import Volume

from alma.engines.base import JSONDict, Observed, ResourceRef
from alma.engines.docker import ownership


def find(client: DockerClient, ref: ResourceRef) -> Volume | None:
    for volume in client.volumes.list(filters=ownership.ref_filter(ref)):
        if ownership.owned_by(volume.attrs.get("Labels"), ref):
            return volume
    return None


def list_stack(client: DockerClient, stack: str) -> list[Volume]:
    return list(client.volumes.list(filters=ownership.stack_filter(stack)))


def labels_of(volume: Volume) -> dict[str, str]:
    return dict(volume.attrs.get("Labels") or {})


def observe(volume: Volume, ref: ResourceRef) -> Observed:
    attrs = volume.attrs
    specs: JSONDict = {
        "driver": attrs.get("Driver"),
        "driver_opts": dict(sorted((attrs.get("Options") or {}).items())),
    }
    identity = f"{volume.name}@{attrs.get('CreatedAt', '')}"
    facts: JSONDict = {"docker_name": volume.name, "mountpoint": attrs.get("Mountpoint")}
    return Observed(ref, specs, "available", identity, facts)


def create(client: DockerClient, ref: ResourceRef, spec: JSONDict) -> Volume:
    name = ownership.docker_name(ref)
    try:
        client.volumes.get(name)
    except NotFound:
        return client.volumes.create(
            name=name, driver=spec["driver"], driver_opts=spec["driver_opts"], labels=ownership.labels(ref)
        )
    raise ownership.conflict(ref, "volume")  # find() saw none of ours under this name


def remove(volume: Volume) -> None:
    """Refused by Docker (a permanent error) while a container uses it; one already gone is fine."""
    try:
        volume.remove()
    except NotFound:
        return
