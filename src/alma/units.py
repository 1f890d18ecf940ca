"""Size units as operators write them: memory in MiB, disk in GiB.

``"512MiB" "512M" "512MB" "2G" "2GB" "1.5GiB" "1T"`` and bare integers (MiB for memory, GiB for disk)
are accepted. Decimal and binary spellings mean the same binary size, as Proxmox and most operators do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

_SIZE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$")
_MIB_PER_UNIT: dict[str, float] = {
    "k": 1 / 1024,
    "kb": 1 / 1024,
    "kib": 1 / 1024,
    "m": 1,
    "mb": 1,
    "mib": 1,
    "g": 1024,
    "gb": 1024,
    "gib": 1024,
    "t": 1024 * 1024,
    "tb": 1024 * 1024,
    "tib": 1024 * 1024,
}


class UnitError(ValueError):
    """A size that cannot be read; the message says what to write instead. ``quantity`` is the word the
    message names the size by ("memory", "disk"); ``about(field)`` is the same message naming the field
    the user wrote instead (a storage's ``size``, say), so nobody is told about a disk they never wrote."""

    def __init__(self, quantity: str, say: Callable[[str], str]) -> None:
        super().__init__(say(quantity))
        self.quantity = quantity
        self._say = say

    def about(self, field: str) -> str:
        return self._say(field)


def _to_mib(value: object, bare_unit_mib: int, what: str) -> float:
    try:
        return _checked_mib(value, bare_unit_mib, what)
    except OverflowError as exc:  # an integer too large to be a float
        raise UnitError(what, lambda w: f"{w} {str(value)[:20]}… is far too large") from exc


def _checked_mib(value: object, bare_unit_mib: int, what: str) -> float:
    if isinstance(value, bool):
        raise UnitError(what, lambda w: f"{w} must be a size such as '2G' or a number, not a boolean")
    if isinstance(value, int | float):
        mib = float(value) * bare_unit_mib
    elif isinstance(value, str):
        match = _SIZE.match(value)
        if match is None:
            raise UnitError(
                what, lambda w: f"cannot read {w} {value!r}; write a number with a unit, such as '512M' or '2G'"
            )
        number, unit = match.groups()
        if unit == "":
            mib = float(number) * bare_unit_mib
        elif unit.lower() in _MIB_PER_UNIT:
            mib = float(number) * _MIB_PER_UNIT[unit.lower()]
        else:
            raise UnitError(
                what, lambda w: f"unknown unit {unit!r} in {w} {value!r}; use M/MB/MiB, G/GB/GiB or T/TB/TiB"
            )
    else:
        raise UnitError(what, lambda w: f"{w} must be a size such as '2G' or a number, not {type(value).__name__}")
    if not math.isfinite(mib):
        raise UnitError(what, lambda w: f"{w} must be a finite size, got {value!r}")
    if mib <= 0:
        raise UnitError(what, lambda w: f"{w} must be greater than zero, got {value!r}")
    return mib


def memory_mib(value: object) -> int:
    """Memory in MiB; a bare number is MiB."""
    mib = _to_mib(value, 1, "memory")
    if mib != int(mib):
        raise UnitError("memory", lambda w: f"{w} {value!r} is not a whole number of MiB")
    return int(mib)


def disk_gib(value: object) -> int:
    """Disk in GiB; a bare number is GiB."""
    gib = _to_mib(value, 1024, "disk") / 1024
    if gib != int(gib):
        raise UnitError(
            "disk", lambda w: f"{w} {value!r} is not a whole number of GiB; round it to, say, '{max(1, round(gib))}G'"
        )
    return int(gib)
