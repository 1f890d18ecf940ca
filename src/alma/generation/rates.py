"""What a blueprint would cost a month, from a rate card.

The rate card is a constant for now (``DEFAULT_RATE_CARD``, list prices of a typical small cloud), and
can be overridden by whoever builds the ``GenerationService`` (``RateCard.from_mapping``). Sizes a
blueprint leaves open are priced as the card's assumptions say: a container without limits, a replica
of a service, a Docker volume (which has no size).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from alma.errors import InvalidInputError
from alma.generation.survey import Seen, resources


@dataclass(frozen=True, slots=True)
class RateCard:
    currency: str = "USD"
    core_month: float = 12.0  # one vCPU for a month
    memory_gib_month: float = 3.0
    disk_gib_month: float = 0.10
    load_balancer_month: float = 18.0  # a cloud load balancer (a Kubernetes Service of type LoadBalancer)
    network_month: float = 0.0
    # Assumptions for sizes a blueprint does not give.
    assumed_cores: float = 1.0  # a container or service replica without a CPU limit
    assumed_memory_mb: int = 512
    assumed_volume_gb: int = 10  # a Docker volume has no size

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> RateCard:
        """A card with some rates changed, e.g. ``{"core_month": 20}``; unknown keys are refused."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidInputError(f"unknown rate card keys {unknown}; known: {', '.join(sorted(known))}")
        return replace(cls(), **dict(values))


DEFAULT_RATE_CARD = RateCard()


@dataclass(frozen=True, slots=True)
class Priced:
    name: str
    monthly: float
    basis: str


def price(seen: Seen, card: RateCard) -> Priced:
    """One resource's monthly cost and what it was computed from."""
    if seen.type == "network":
        return Priced(seen.name, card.network_month, "network")
    if seen.type == "storage":
        size = seen.disk_gb("size", card.assumed_volume_gb)
        return Priced(seen.name, size * card.disk_gib_month, f"{size} GiB")
    copies = seen.replicas or 1
    cores = _cores(seen, card)
    memory_mb = seen.memory_mb(card.assumed_memory_mb)
    disk = seen.disk_gb("disk", 0) if seen.type == "compute" and not seen.is_container else 0
    each = cores * card.core_month + memory_mb / 1024 * card.memory_gib_month + disk * card.disk_gib_month
    total = each * copies
    basis = f"{copies} × ({cores:g} cores, {memory_mb} MiB" + (f", {disk} GiB" if disk else "") + ")"
    if seen.specs.get("service_type") == "LoadBalancer":
        total += card.load_balancer_month
        basis += " + load balancer"
    return Priced(seen.name, total, basis)


def _cores(seen: Seen, card: RateCard) -> float:
    for key in ("cores", "cpus"):
        value = seen.specs.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return 1.0 if seen.type == "compute" and not seen.is_container else card.assumed_cores


def estimate(blueprint: Mapping[str, Any], card: RateCard) -> dict[str, Any]:
    """The blueprint's monthly cost: total and per resource (the decree's ``estimated_monthly_cost``)."""
    priced = [price(seen, card) for seen in resources(blueprint)]
    return {
        "currency": card.currency,
        "total": round(sum(p.monthly for p in priced), 2),
        "resources": {p.name: {"monthly": round(p.monthly, 2), "basis": p.basis} for p in priced},
    }
