"""The GraphQL schema: read queries over stacks, resources, deployments, IPRs and events — the same services
as the REST routes. Arguments are checked as REST checks them (ranges, no NUL characters, bounded
lengths) before any reaches a service: a bad one is an error naming the argument, never a database error."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types import Info

from alma.api.inputs import MAX_ID
from alma.bootstrap import Services
from alma.errors import InvalidInputError
from alma.services import Caller, DeploymentRecord

MAX_NAME = 255
MAX_EVENTS = 1000


class Context:
    def __init__(self, services: Services, caller: Caller) -> None:
        self.services = services
        self.caller = caller


def _text(value: str | None, argument: str) -> str | None:
    """A name-like argument: bounded, no NUL (PostgreSQL cannot hold one)."""
    if value is None:
        return None
    if len(value) > MAX_NAME or "\x00" in value:
        raise InvalidInputError(f"argument '{argument}' must be up to {MAX_NAME} characters without NUL")
    return value


def _within(value: int, argument: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise InvalidInputError(f"argument '{argument}' must be between {low} and {high}, got {value}")
    return value


@strawberry.type
class Resource:
    stack: str
    name: str
    type: str
    provider: str
    status: str
    specs: JSON
    dependencies: list[str]
    external_id: str | None
    revision: int


@strawberry.type
class Deployment:
    id: str
    stack: str
    revision: int
    kind: str
    status: str
    actor: str
    started_at: str
    finished_at: str | None
    summary: JSON
    error: str | None


@strawberry.type
class Event:
    id: int
    at: str
    kind: str
    resource: str | None
    actor: str
    message: str
    data: JSON


@strawberry.type
class Ipr:
    id: int
    stack: str
    title: str
    author: str
    status: str
    revision: int


@strawberry.type
class Stack:
    name: str
    revision: int
    resource_count: int

    @strawberry.field
    async def resources(self, info: Info[Context, Any]) -> list[Resource]:
        return await _resources(info.context.services, self.name)

    @strawberry.field
    async def deployments(self, info: Info[Context, Any]) -> list[Deployment]:
        return [_deployment(d) for d in await info.context.services.stacks.history(self.name)]


async def _resources(services: Services, stack: str | None) -> list[Resource]:
    return [
        Resource(
            stack=r.stack,
            name=r.name,
            type=r.type,
            provider=r.provider,
            status=r.status,
            specs=JSON(r.specs),
            dependencies=r.dependencies,
            external_id=r.external_id,
            revision=r.revision,
        )
        for r in await services.stacks.resources(stack)
    ]


def _deployment(d: DeploymentRecord) -> Deployment:
    finished = d.finished_at.isoformat() if d.finished_at else None
    return Deployment(
        id=d.id,
        stack=d.stack,
        revision=d.revision,
        kind=d.kind,
        status=d.status,
        actor=d.actor,
        started_at=d.started_at.isoformat(),
        finished_at=finished,
        summary=JSON(d.summary),
        error=d.error,
    )


@strawberry.type
class Query:
    @strawberry.field
    async def stacks(self, info: Info[Context, Any]) -> list[Stack]:
        found = await info.context.services.stacks.stacks()
        return [Stack(name=s.name, revision=s.revision, resource_count=s.resources) for s in found]

    @strawberry.field
    async def resources(self, info: Info[Context, Any], stack: str | None = None) -> list[Resource]:
        return await _resources(info.context.services, _text(stack, "stack"))

    @strawberry.field
    async def deployment(self, info: Info[Context, Any], id: str) -> Deployment:
        return _deployment(await info.context.services.stacks.deployment(_text(id, "id") or ""))

    @strawberry.field
    async def events(self, info: Info[Context, Any], stack: str, after: int = 0, limit: int = 100) -> list[Event]:
        """At most 1000 events after the event id ``after``, oldest first."""
        stack = _text(stack, "stack") or ""
        after = _within(after, "after", 0, MAX_ID)
        limit = _within(limit, "limit", 1, MAX_EVENTS)
        found = await info.context.services.stacks.events(stack, None, after, limit)
        return [
            Event(
                id=e.id,
                at=e.at.isoformat(),
                kind=e.kind,
                resource=e.resource,
                actor=e.actor,
                message=e.message,
                data=JSON(e.data),
            )
            for e in found
        ]

    @strawberry.field
    async def iprs(self, info: Info[Context, Any], status: str | None = None) -> list[Ipr]:
        found = await info.context.services.iprs.find(_text(status, "status"))
        return [
            Ipr(id=i.id, stack=i.stack, title=i.title, author=i.author, status=i.status, revision=i.revision)
            for i in found
        ]


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Nothing here: the endpoint logs what it hides from the client, with the request's id."""


schema = Schema(query=Query)
