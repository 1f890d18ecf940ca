"""Networks (blueprint type ``network``). Docker cannot change a network in place: any change replaces.

A network's Docker name is ``<stack>_<name>``; containers of the stack join it by its resource name.
Docker allows several networks under one name on some versions, so a name already used by an object
ALMA does not own is refused as a conflict instead of creating a twin.
"""

from __future__ import annotations

import ipaddress

from docker import DockerClient
from docker.errors import NotFound
from docker.models.networks import Network
from docker.types import IPAMConfig, IPAMPool

from alma.engines.base import JSONDict, Observed, ResourceRef
from alma.engines.docker import ownership


def find(client: DockerClient, ref: ResourceRef) -> Network | None:
    for network in client.networks.list(filters=ownership.ref_filter(ref)):
        if ownership.owned_by(network.attrs.get("Labels"), ref):
            return network
    return None


def list_stack(client: DockerClient, stack: str) -> list[Network]:
    return list(client.networks.list(filters=ownership.stack_filter(stack)))


def labels_of(network: Network) -> dict[str, str]:
    return dict(network.attrs.get("Labels") or {})


def observe(network: Network, ref: ResourceRef) -> Observed:
    attrs = network.attrs
    defaulted = ownership.defaulted_fields(attrs.get("Labels"))
    pools = (attrs.get("IPAM") or {}).get("Config") or [{}]
    subnet, gateway = pools[0].get("Subnet"), pools[0].get("Gateway")
    specs: JSONDict = {
        "driver": attrs.get("Driver"),
        "subnet": None if "subnet" in defaulted or not subnet else str(ipaddress.ip_network(subnet, strict=False)),
        "gateway": None if "gateway" in defaulted or not gateway else gateway,
        "internal": bool(attrs.get("Internal")),
    }
    facts: JSONDict = {"docker_name": network.name}
    if subnet:
        facts["subnet"] = subnet  # what the daemon chose, when the spec left it open
    return Observed(ref, specs, "available", network.id or "", facts)


def create(client: DockerClient, ref: ResourceRef, spec: JSONDict) -> Network:
    name = ownership.docker_name(ref)
    if any(network.name == name for network in client.networks.list(names=[name])):
        raise ownership.conflict(ref, "network")
    ipam = None
    if spec["subnet"] is not None:
        ipam = IPAMConfig(pool_configs=[IPAMPool(subnet=spec["subnet"], gateway=spec["gateway"])])
    return client.networks.create(
        name,
        driver=spec["driver"],
        internal=spec["internal"],
        ipam=ipam,
        labels=ownership.labels(ref, defaulted=[f for f in ("subnet", "gateway") if spec[f] is None]),
        check_duplicate=True,
    )


def remove(network: Network) -> None:
    """Refused by Docker (a permanent error) while containers are attached; one already gone is fine."""
    try:
        network.remove()
    except NotFound:
        return
