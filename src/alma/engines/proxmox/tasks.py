"""Awaiting PVE worker tasks: every long operation answers with a UPID, and only its end tells the truth.

A task succeeded only when it stopped with exit status ``OK`` (``WARNINGS: n`` is PVE's "done, with
warnings": it is logged and counted as done). Otherwise the error carries the tail of the task log,
which is where PVE explains itself ("TASK ERROR: …" alone rarely says why).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any
from urllib.parse import quote

from alma.engines.proxmox.client import ProxmoxClient
from alma.engines.proxmox.failures import ProxmoxPermanentError, ProxmoxTransientError, task_error

log = logging.getLogger(__name__)

LOG_TAIL_LINES = 15
_LOG_PAGE = 500
_LOG_PAGES_MAX = 40  # a runaway log (a huge download's progress) is cut rather than read for ever
_POLL_FIRST_S = 0.05
_POLL_MAX_S = 2.0


def upid_node(upid: str) -> str:
    """The node a task runs on: ``UPID:node:pid:pstart:starttime:type:id:user:``."""
    parts = upid.split(":")
    if len(parts) < 3 or parts[0] != "UPID" or not parts[1]:
        raise ProxmoxPermanentError(f"Proxmox answered {upid!r} where a task id (UPID) was expected")
    return parts[1]


def _task_path(upid: str) -> str:
    return f"/nodes/{quote(upid_node(upid), safe='')}/tasks/{quote(upid, safe='')}"


async def log_tail(client: ProxmoxClient, upid: str, lines: int = LOG_TAIL_LINES) -> list[str]:
    """The last ``lines`` lines of a task's log (the JSON API pages it and does not say how long it is)."""
    tail: deque[str] = deque(maxlen=lines)
    for page in range(_LOG_PAGES_MAX):
        entries: list[dict[str, Any]] = (
            await client.get(f"{_task_path(upid)}/log", start=page * _LOG_PAGE, limit=_LOG_PAGE) or []
        )
        tail.extend(str(entry.get("t", "")) for entry in entries)
        if len(entries) < _LOG_PAGE:
            break
    return list(tail)


async def wait_for_task(client: ProxmoxClient, upid: Any, *, timeout_s: float, what: str) -> None:
    """Poll ``/nodes/{node}/tasks/{upid}/status`` until the task stops; raise unless it ended OK."""
    if not isinstance(upid, str):
        return  # the call finished synchronously: PVE answered null instead of a UPID
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    delay = _POLL_FIRST_S
    while True:
        status: dict[str, Any] = await client.get(f"{_task_path(upid)}/status") or {}
        if status.get("status") == "stopped":
            break
        remaining = deadline - loop.time()
        if remaining <= 0:
            tail = await log_tail(client, upid)
            raise ProxmoxTransientError(
                f"{what}: task {upid} still running after {timeout_s:g}s (ALMA_PROXMOX_TASK_TIMEOUT_S)" + _render(tail)
            )
        await asyncio.sleep(min(delay, remaining))  # polling: PVE offers no push for task ends
        delay = min(delay * 2, _POLL_MAX_S)
    exitstatus = str(status.get("exitstatus", ""))
    if exitstatus == "OK":
        return
    tail = await log_tail(client, upid)
    if exitstatus.startswith("WARNINGS"):
        log.warning("%s: task %s ended with %s%s", what, upid, exitstatus, _render(tail))
        return
    raise task_error(exitstatus, f"{what} failed: {exitstatus or 'no exit status'}{_render(tail)}")


def _render(tail: list[str]) -> str:
    if not tail:
        return ""
    return "; task log ends with:\n  " + "\n  ".join(tail)
