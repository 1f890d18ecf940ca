"""Conversation sessions: the conversational layer's state document and messages, kept in the store."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from alma.errors import InvalidInputError, RefusedError
from alma.services.actor import actor
from alma.settings import Settings
from alma.store import Store

_SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of a session: who said it ("user" or "assistant"), what, and what came of it."""

    role: str
    text: str
    data: dict[str, Any]


class SessionService:
    def __init__(self, settings: Settings, store: Store) -> None:
        self._settings = settings
        self._store = store

    async def state(self, session_id: str) -> dict[str, Any]:
        """The session's state document, the session created empty on first use, owned by whoever acts
        (the CLI's user, an API or MCP caller's key): another caller's session is refused, never read."""
        _check(session_id)
        owner = actor(self._settings)
        record = await self._store.conversations.session(session_id, owner)
        if record.actor != owner:
            raise RefusedError(f"session {session_id!r} belongs to another caller; choose another session id")
        return record.state

    async def save_state(self, session_id: str, state: dict[str, Any]) -> None:
        _check(session_id)
        await self._store.conversations.save_state(session_id, state)

    async def add(self, session_id: str, role: str, text: str, data: dict[str, Any] | None = None) -> None:
        _check(session_id)
        await self._store.conversations.add_message(session_id, role, text, data)

    async def turns(self, session_id: str, limit: int = 50) -> list[Turn]:
        """The most recent ``limit`` messages, oldest first."""
        _check(session_id)
        return [Turn(m.role, m.text, m.data) for m in await self._store.conversations.messages(session_id, limit)]


def _check(session_id: str) -> None:
    if not _SESSION_ID.match(session_id):
        raise InvalidInputError(
            f"invalid session id {session_id[:80]!r}: use up to 64 letters, digits, '-', '_', '.' or ':'"
        )
