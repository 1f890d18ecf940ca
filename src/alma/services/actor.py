"""Who is acting, and with which role. The CLI acts as ``ALMA_USER`` with ``ALMA_ROLE`` (admin by
default: it holds the database); the API and MCP act as the caller's key and its role, for one request.

A context variable rather than a parameter on every call: it follows the request's task (and the tasks
it starts) without threading a name through every service, and it cannot leak between requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from alma.settings import Settings

_ACTING: ContextVar[str | None] = ContextVar("alma_acting", default=None)
_ROLE: ContextVar[str | None] = ContextVar("alma_acting_role", default=None)


def actor(settings: Settings) -> str:
    return _ACTING.get() or settings.user


def acting_role(settings: Settings) -> str:
    """The acting user's role: the key's for HTTP and MCP callers, ``ALMA_ROLE`` for the local CLI."""
    return _ROLE.get() or settings.role


@contextmanager
def acting_as(name: str, role: str | None = None) -> Iterator[None]:
    token = _ACTING.set(name)
    role_token = _ROLE.set(role)
    try:
        yield
    finally:
        _ROLE.reset(role_token)
        _ACTING.reset(token)
