"""The app served in process through a real ASGI client (httpx), with its lifespan, and keys made through
the key service: what the route tests share."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

from alma.api import create_app
from alma.bootstrap import Services
from alma.settings import Settings


class Api:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client
        self.keys: dict[str, str] = {}

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    async def key(self, name: str, role: str) -> None:
        _record, self.keys[name] = await self.services.keys.create(name, role)

    def as_(self, name: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[name]}


A = TypeVar("A", bound=Api)


async def serving(settings: Settings, keys: Iterable[tuple[str, str]], kind: type[A]) -> AsyncIterator[A]:
    """The app for ``settings`` with a key for each (name, role), as ``kind`` (an ``Api``)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://alma.test") as client:
            api = kind(app, client)
            for name, role in keys:
                await api.key(name, role)
            yield api


def events(text: str) -> list[tuple[str, dict[str, Any]]]:
    """The server-sent events of a body: (event, JSON data) in order."""
    found = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        found.append((fields["event"], json.loads(fields["data"])))
    return found
