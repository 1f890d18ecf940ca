"""API keys and roles. Keys are 32 random bytes, so a plain SHA-256 of the key is a safe, fast digest:
no CPU-heavy password hashing on every request (it would block the event loop), nothing guessable."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from alma.diagnostics import did_you_mean
from alma.errors import ConflictError, InvalidInputError, NotFoundError
from alma.services.actor import actor
from alma.settings import Settings
from alma.store import KeyRecord, Store

Role = Literal["viewer", "operator", "approver", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "operator", "approver", "admin")
# What each role may do; every route names the permission it needs.
PERMISSIONS: dict[Role, frozenset[str]] = {
    "viewer": frozenset({"read"}),
    "operator": frozenset({"read", "plan", "apply"}),
    "approver": frozenset({"read", "review"}),
    "admin": frozenset({"read", "plan", "apply", "review", "admin"}),
}
PREFIX = "alma_"
ENV_ADMIN = "admin (ALMA_API_KEY)"  # who acts with the key from the environment: no stored key may claim it


@dataclass(frozen=True, slots=True)
class Caller:
    name: str
    role: Role

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyService:
    def __init__(self, settings: Settings, store: Store) -> None:
        self._settings = settings
        self._store = store

    async def create(self, name: str, role: str) -> tuple[KeyRecord, str]:
        """A new key: its record, and the key itself, which is never shown or stored again."""
        if role not in ROLES:
            raise InvalidInputError(f"unknown role '{role}'; choose one of {', '.join(ROLES)}")
        if not name or len(name) > 63:
            raise InvalidInputError("a key needs a name of 1 to 63 characters")
        if name != name.strip() or not name.isprintable() or name == ENV_ADMIN:
            raise InvalidInputError(
                f"{name!r} cannot name a key: a key's name is the acting user in IPRs and events; use letters, "
                "digits and punctuation, without leading or trailing spaces (e.g. alice or ci-deploy)"
            )
        # The name is who acts: 'Alice' beside a live 'alice' would be two users that people read as one.
        same = [k.name for k in await self._store.keys.all() if k.revoked_at is None and k.name.lower() == name.lower()]
        if same:
            raise ConflictError(
                f"a live API key named '{same[0]}' exists already (names are compared without case); "
                f"revoke it first (`alma keys revoke {same[0]}`) or choose another name"
            )
        key = PREFIX + secrets.token_urlsafe(32)
        record = await self._store.keys.add(name, role, digest(key), actor(self._settings))
        return record, key

    async def revoke(self, name: str) -> None:
        if not await self._store.keys.revoke(name):
            earlier = await self._store.keys.by_name(name)
            if earlier is not None and earlier.revoked_at is not None:  # the same command twice: say so
                when = earlier.revoked_at.isoformat()[:19]
                raise NotFoundError(f"API key '{name}' was revoked already ({when} UTC): no live key has that name")
            live = [k.name for k in await self._store.keys.all() if k.revoked_at is None]
            same = [n for n in live if n.lower() == name.lower()]  # difflib finds 'ci' no match for 'Ci'
            hint = f"; did you mean '{same[0]}'?" if same else did_you_mean(name, live) if live else ""
            raise NotFoundError(f"no live API key named '{name}'{hint}")

    async def list(self) -> list[KeyRecord]:
        return await self._store.keys.all()

    async def authenticate(self, key: str) -> Caller | None:
        admin = self._settings.api_key
        if admin is not None and hmac.compare_digest(key.encode(), admin.get_secret_value().encode()):
            return Caller(ENV_ADMIN, "admin")
        record = await self._store.reads.live_key(digest(key))
        if record is None or record.role not in ROLES:
            return None
        role: Role = record.role  # narrowed by the check against ROLES above
        return Caller(record.name, role)
