"""The two ways into the Proxmox API: an API token, or a user's ticket with its CSRF token.

Credentials come from settings only. Nothing here logs or formats a secret: errors name the user or
the token id, never the password, the token secret or the ticket.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from pydantic import SecretStr

from alma.errors import ConfigurationError
from alma.settings import Settings

Login = Callable[[str, str], Awaitable[Any]]
"""Posts ``username`` and ``password`` to ``/access/ticket`` and returns the answer's data."""

_TOKEN = re.compile(r"^(?P<id>[^@\s]+@[^!\s]+![A-Za-z][A-Za-z0-9._-]*)=(?P<secret>\S+)$")
# PVE tickets live two hours. Log in again well before that, so a long apply never meets a 401.
TICKET_RENEW_AFTER_S = 90 * 60
SAFE_METHODS = frozenset({"GET", "HEAD"})


class Auth(Protocol):
    renewable: bool

    async def headers(self, method: str, login: Login) -> dict[str, str]: ...

    def invalidate(self) -> None: ...

    def secrets(self) -> tuple[str, ...]:
        """Credentials issued by the server (a ticket, its CSRF token): scrubbed like configured ones."""
        ...


class TokenAuth:
    """``Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET``; tokens need no CSRF token."""

    renewable = False

    def __init__(self, token: SecretStr) -> None:
        match = _TOKEN.match(token.get_secret_value().strip())
        if match is None:
            raise ConfigurationError(
                "ALMA_PROXMOX_TOKEN must look like USER@REALM!TOKENID=SECRET (for example root@pam!alma=…)"
            )
        self.token_id = match["id"]
        self._header = f"PVEAPIToken={match['id']}={match['secret']}"

    async def headers(self, method: str, login: Login) -> dict[str, str]:
        return {"Authorization": self._header}

    def invalidate(self) -> None:
        """A refused token stays refused: nothing to renew."""

    def secrets(self) -> tuple[str, ...]:
        return ()  # the token is a configured secret


class TicketAuth:
    """A login ticket sent as the ``PVEAuthCookie`` cookie, and ``CSRFPreventionToken`` on writes."""

    renewable = True

    def __init__(self, user: str, password: SecretStr, clock: Callable[[], float]) -> None:
        self.user = user
        self._password = password
        self._clock = clock
        self._ticket: str | None = None
        self._csrf = ""
        self._issued_at = 0.0
        self._lock = asyncio.Lock()  # one login at a time, however many requests want one

    async def headers(self, method: str, login: Login) -> dict[str, str]:
        async with self._lock:
            if self._ticket is None or self._clock() - self._issued_at >= TICKET_RENEW_AFTER_S:
                issued_at = self._clock()
                answer = await login(self.user, self._password.get_secret_value())
                self._ticket, self._csrf, self._issued_at = answer["ticket"], answer["CSRFPreventionToken"], issued_at
            ticket = self._ticket
        headers = {"Cookie": f"PVEAuthCookie={ticket}"}
        if method not in SAFE_METHODS:
            headers["CSRFPreventionToken"] = self._csrf
        return headers

    def invalidate(self) -> None:
        """The server forgot the ticket (restart, expiry, revocation): log in again on the next request."""
        self._ticket = None

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self._ticket, self._csrf) if s)


def auth_from(settings: Settings, clock: Callable[[], float]) -> Auth:
    if settings.proxmox_token is not None:
        return TokenAuth(settings.proxmox_token)
    if settings.proxmox_user and settings.proxmox_password is not None:
        user = settings.proxmox_user if "@" in settings.proxmox_user else f"{settings.proxmox_user}@pam"
        return TicketAuth(user, settings.proxmox_password, clock)
    raise ConfigurationError(
        "no Proxmox credentials: set ALMA_PROXMOX_TOKEN (USER@REALM!TOKENID=SECRET), "
        "or ALMA_PROXMOX_USER and ALMA_PROXMOX_PASSWORD"
    )
