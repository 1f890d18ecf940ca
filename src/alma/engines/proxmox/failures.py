"""Proxmox answers translated into ALMA's engine error tree, in one place.

```
EngineError
├── TransientEngineError
│   └── ProxmoxTransientError    connection trouble, timeouts, 5xx, config-lock contention, lost quorum
└── PermanentEngineError
    └── ProxmoxPermanentError    4xx validation, refused credentials or permissions, known-permanent 500s
```

PVE answers almost every failure inside an API handler with HTTP 500 and its ``die`` message, so the
status alone cannot tell "try again" from "never": a 500 is transient unless its message is one of the
permanent ones below (a missing storage or guest, an id already taken, a running guest that must stop).
Both classes keep the HTTP status and PVE's message so the engine can react to, say, "already exists".
"""

from __future__ import annotations

import re

from alma.errors import PermanentEngineError, TransientEngineError

# Contention that clears by itself: another task holds the guest's config lock, a node or the
# cluster filesystem is briefly unavailable. Operators hit these most (parallel clones on one node).
_TRANSIENT = re.compile(
    r"can't lock file|got timeout|is locked \(|lock.*timeout|no quorum|cluster not ready|"
    r"temporarily|try again|connection (?:refused|reset|timed out)|no route to host|timed out",
    re.IGNORECASE,
)
# A 500 that will fail the same way however often it is retried.
_PERMANENT = re.compile(
    r"does not exist|already exists|not allowed|permission|not a template|is a template|invalid|"
    r"unable to parse|not configured|no such|is running|protection|not supported|does not support|"
    r"no space left|unable to shrink|already at specified size|not running",
    re.IGNORECASE,
)


class ProxmoxTransientError(TransientEngineError):
    def __init__(
        self, message: str, *, status: int | None = None, detail: str = "", resource: str | None = None
    ) -> None:
        super().__init__(message, resource=resource)
        self.status = status
        self.detail = detail


class ProxmoxPermanentError(PermanentEngineError):
    def __init__(
        self, message: str, *, status: int | None = None, detail: str = "", resource: str | None = None
    ) -> None:
        super().__init__(message, resource=resource)
        self.status = status
        self.detail = detail


ProxmoxError = ProxmoxTransientError | ProxmoxPermanentError


def is_transient_message(text: str) -> bool:
    return bool(_TRANSIENT.search(text))


def api_error(status: int, detail: str, what: str) -> ProxmoxTransientError | ProxmoxPermanentError:
    """The error for an HTTP error answer. ``what`` names the request ("POST /nodes/pve1/lxc at URL")."""
    message = f"{what} failed ({status}): {detail}"
    if status == 401:
        return ProxmoxPermanentError(
            f"{what} was refused (401 {detail}): check ALMA_PROXMOX_TOKEN, or ALMA_PROXMOX_USER and "
            "ALMA_PROXMOX_PASSWORD",
            status=status,
            detail=detail,
        )
    if status == 403:
        return ProxmoxPermanentError(f"{what} is not permitted (403): {detail}", status=status, detail=detail)
    if status in (408, 429) or is_transient_message(detail):
        return ProxmoxTransientError(message, status=status, detail=detail)
    if status >= 500 and not (status == 500 and _PERMANENT.search(detail)):
        return ProxmoxTransientError(message, status=status, detail=detail)
    return ProxmoxPermanentError(message, status=status, detail=detail)


def task_error(exitstatus: str, message: str) -> ProxmoxTransientError | ProxmoxPermanentError:
    """The error for a task that stopped with something other than OK."""
    if is_transient_message(exitstatus):
        return ProxmoxTransientError(message, detail=exitstatus)
    return ProxmoxPermanentError(message, detail=exitstatus)


def says(exc: BaseException, *needles: str) -> bool:
    """True when a Proxmox error's own message contains any of ``needles`` (case-insensitive)."""
    detail = getattr(exc, "detail", "") or str(exc)
    return any(needle.lower() in detail.lower() for needle in needles)
