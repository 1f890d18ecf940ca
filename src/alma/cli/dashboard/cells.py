"""How values look in the dashboard's cells: short, fixed-width where they can be (readable at 80×24)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text

STATUS_STYLE = {
    "running": "green",
    "succeeded": "green",
    "available": "green",
    "approved": "green",
    "applied": "green",
    "open": "yellow",
    "changes_requested": "yellow",
    "stopped": "yellow",
    "superseded": "dim",
    "closed": "dim",
    "abandoned": "dim",
    "failed": "red",
    "rejected": "red",
    "rolled_back": "magenta",
    "interrupted": "red",
}
DRIFT_STYLE = {"in_sync": "dim", "changed": "yellow", "missing": "red", "unmanaged": "magenta"}


def clock(iso: str) -> str:
    """``HH:MM:SS`` of an ISO 8601 time (UTC, as ALMA records it)."""
    return iso[11:19] if len(iso) >= 19 else iso


def day_and_clock(iso: str) -> str:
    return f"{iso[5:10]} {clock(iso)}" if len(iso) >= 19 else iso


def status(value: str) -> Text:
    return Text(value.replace("_", " "), style=STATUS_STYLE.get(value, ""))


def drift(value: str | None) -> Text:
    if value is None:
        return Text("–", style="dim")
    return Text(value.replace("_", " "), style=DRIFT_STYLE.get(value, ""))


def health(ok: bool) -> Text:
    return Text("ok", style="green") if ok else Text("unavailable", style="bold red")


def specs(values: Mapping[str, Any], width: int = 40) -> str:
    """The specs that are set, ``key=value`` in key order, cut to ``width``."""
    shown = ", ".join(f"{k}={v}" for k, v in sorted(values.items()) if v not in (None, [], {}, ""))
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def short_id(value: str | None) -> str:
    return (value or "")[:8]
