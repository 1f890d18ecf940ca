"""A template's parameters: typed, with a default, a description and constraints, read from ``--set``
text or from JSON values alike.

A value arrives as text from the command line (``--set replicas=3``) or typed from the API; each kind
reads both and says, naming the parameter, what it accepts when a value does not fit.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any, Literal

from alma.units import UnitError, disk_gib, memory_mib

ParameterKind = Literal["integer", "text", "boolean", "memory", "disk", "choice", "name", "names", "port", "address"]
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter of a template. ``minimum``/``maximum`` bound integers and ports, sizes (in MiB for
    memory, GiB for disk) and the number of names; ``choices`` are a choice's values; ``pattern`` is a
    regular expression text must match (``pattern_says`` describes it in words)."""

    name: str
    kind: ParameterKind
    default: Any
    description: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    pattern_says: str = ""

    def read(self, raw: Any) -> Any:
        """The typed value of ``raw``; raises ``ValueError`` saying what this parameter accepts."""
        reader = getattr(self, f"_read_{self.kind}")
        value: Any = reader(raw)
        return value

    def constraints(self) -> str:
        """What the parameter accepts, in words."""
        if self.kind == "choice":
            return "one of: " + ", ".join(self.choices)
        if self.kind == "name":
            return "a lowercase DNS label (a-z, 0-9, '-')"
        if self.kind == "names":
            return f"{self._count_words()} lowercase DNS labels, comma-separated"
        if self.kind == "boolean":
            return "true or false"
        if self.kind == "address":
            return "an IP address such as '127.0.0.1' or '::1'"
        if self.kind == "memory" or self.kind == "disk":
            if self.minimum is None or self.maximum is None:
                return "a size such as '2G'"
            smallest, largest = size_text(self.minimum, self.kind), size_text(self.maximum, self.kind)
            return f"a size such as '2G', from {smallest} to {largest}"
        if self.kind in ("integer", "port"):
            least = self.minimum if self.minimum is not None else (1 if self.kind == "port" else None)
            most = self.maximum if self.maximum is not None else (65535 if self.kind == "port" else None)
            return f"a whole number from {least} to {most}" if least is not None and most is not None else "a number"
        return self.pattern_says or "text"

    def shown(self, value: Any) -> Any:
        """A value as a person writes it: sizes as text (``2G``), everything else as it is."""
        if (self.kind == "memory" or self.kind == "disk") and isinstance(value, int):
            return size_text(value, self.kind)
        return value

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.kind,
            "default": self.shown(self.read(self.default)),
            "description": self.description,
            "constraints": self.constraints(),
            **({"choices": list(self.choices)} if self.choices else {}),
            **({"minimum": self.minimum} if self.minimum is not None else {}),
            **({"maximum": self.maximum} if self.maximum is not None else {}),
        }

    # -- readers, one per kind ---------------------------------------------------------------------

    def _refuse(self, raw: Any) -> ValueError:
        return ValueError(f"{raw!r} is not {self.constraints()}")

    def _bounded(self, value: int, raw: Any) -> int:
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            raise self._refuse(raw)
        return value

    def _read_integer(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise self._refuse(raw)
        if isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw):
            raw_value = int(raw)
        elif isinstance(raw, int):
            raw_value = raw
        else:
            raise self._refuse(raw)
        return self._bounded(raw_value, raw)

    def _read_port(self, raw: Any) -> int:
        value = self._read_integer(raw)
        if not 1 <= value <= 65535:
            raise self._refuse(raw)
        return value

    def _read_boolean(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise self._refuse(raw)

    def _read_size(self, raw: Any, read: Any) -> int:
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            raise self._refuse(raw)
        try:
            value: int = read(raw)
        except UnitError as exc:
            raise ValueError(exc.about(self.name)) from exc
        return self._bounded(value, raw)

    def _read_memory(self, raw: Any) -> int:
        return self._read_size(raw, memory_mib)

    def _read_disk(self, raw: Any) -> int:
        return self._read_size(raw, disk_gib)

    def _read_choice(self, raw: Any) -> str:
        word = str(raw).strip()
        if word not in self.choices:
            raise self._refuse(raw)
        return word

    def _read_text(self, raw: Any) -> str:
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise self._refuse(raw)
        text = str(raw).strip()
        if len(text) > 512 or (self.pattern is not None and re.fullmatch(self.pattern, text) is None):
            raise self._refuse(raw)
        return text

    def _read_address(self, raw: Any) -> str:
        """An IPv4 or IPv6 address, checked here: a malformed one used to fail later, in a port of the rendered
        blueprint the user never wrote (line 103), and IPv6 was written unbracketed."""
        if not isinstance(raw, str):
            raise self._refuse(raw)
        try:
            return str(ipaddress.ip_address(raw.strip()))
        except ValueError as exc:
            raise self._refuse(raw) from exc

    def _read_name(self, raw: Any) -> str:
        text = str(raw).strip()
        if not isinstance(raw, str) or not DNS_LABEL.match(text):
            raise self._refuse(raw)
        return text

    def _read_names(self, raw: Any) -> list[str]:
        items = raw if isinstance(raw, list) else str(raw).split(",")
        names = [str(item).strip() for item in items if str(item).strip()]
        if not all(isinstance(item, str) for item in items) or not all(DNS_LABEL.match(n) for n in names):
            raise self._refuse(raw)
        if len(set(names)) != len(names):
            raise ValueError(f"{raw!r} names one twice; each name must be different")
        self._bounded(len(names), raw)
        return names

    def _count_words(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"{self.minimum} to {self.maximum}"
        return "one or more"


def size_text(value: int, kind: Literal["memory", "disk"]) -> str:
    """A size as a person writes it: ``2048`` MiB -> ``2G``, ``768`` -> ``768M``; disk GiB -> ``20G``."""
    if kind == "disk":
        return f"{value}G"
    return f"{value // 1024}G" if value % 1024 == 0 else f"{value}M"
