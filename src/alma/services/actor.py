"""Who is acting. The CLI acts as ``ALMA_USER``; the API acts as the caller's key, for one request.

A context variable rather than a parameter on every call: it follows the request's task (and the tasks
it starts) without threading a name through every service, and it cannot leak between requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from alma.settings import Settings

_ACTING: ContextVar[str | None] = ContextVar("alma_acting", default=None)


def actor(settings: Settings) -> str:
    return _ACTING.get() or settings.user


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    token = _ACTING.set(name)
    try:
        yield
    finally:
        _ACTING.reset(token)
