"""Which stack holds a resource people named alone (``alma stop web-01``, ``alma state show web-01``)."""

from __future__ import annotations

from collections.abc import Iterable

from alma.errors import InvalidInputError
from alma.store.records import ResourceRecord


def holder_of(name: str, records: Iterable[ResourceRecord], example: str) -> str | None:
    """The one stack among ``records`` holding a resource ``name``, or None when none does. When several do,
    an ``InvalidInputError`` names them; ``example`` shows how to name one (``{stack}`` and ``{name}``)."""
    holders = sorted({r.stack for r in records if r.name == name})
    if len(holders) > 1:
        raise InvalidInputError(
            f"'{name}' is a resource in {len(holders)} stacks ({', '.join(holders)}): name the stack, "
            f"e.g. `{example.format(stack=holders[0], name=name)}`"
        )
    return holders[0] if holders else None
