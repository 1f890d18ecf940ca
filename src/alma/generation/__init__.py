"""Blueprints from plain language, and the council that reviews them.

Pure composition: building blocks read from a description and mapped to one provider's spec keys,
a bounded draft-and-repair loop around any ``Drafter``, and four deterministic reviewers. Nothing here
validates on its own or touches an engine or the store: the caller (``services.generation``) passes a
validator built on the ``BlueprintService``.
"""

from alma.generation.blocks import FLAVORS, ROLES, Flavor, Role
from alma.generation.council import SEVERITIES, Council, Decree, Finding, ReviewContext, Reviewer, Severity
from alma.generation.drafting import (
    DEFAULT_ATTEMPTS,
    BuildingBlockDrafter,
    Draft,
    Drafter,
    Generated,
    Validator,
    check_provider,
    compose,
    generate,
)
from alma.generation.providers import PROVIDERS
from alma.generation.rates import DEFAULT_RATE_CARD, RateCard, estimate
from alma.generation.reading import BlockRequest, Request, read
from alma.generation.reviewers import Architect, Cost, Reliability, Security, reviewers

__all__ = [
    "DEFAULT_ATTEMPTS",
    "DEFAULT_RATE_CARD",
    "FLAVORS",
    "PROVIDERS",
    "ROLES",
    "SEVERITIES",
    "Architect",
    "BlockRequest",
    "BuildingBlockDrafter",
    "Cost",
    "Council",
    "Decree",
    "Draft",
    "Drafter",
    "Finding",
    "Flavor",
    "Generated",
    "RateCard",
    "Reliability",
    "Request",
    "ReviewContext",
    "Reviewer",
    "Role",
    "Security",
    "Severity",
    "Validator",
    "check_provider",
    "compose",
    "estimate",
    "generate",
    "read",
    "reviewers",
]
