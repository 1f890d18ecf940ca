"""The GraphQL schema: read queries over stacks, resources, deployments, IPRs and events — the same services
as the REST routes. Arguments are checked as REST checks them (ranges, no NUL characters, bounded
lengths) before any reaches a service: a bad one is an error naming the argument, never a database error."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.experimental.pydantic import type as from_model
from strawberry.scalars import JSON
from strawberry.types import Info

from alma.api.inputs import MAX_ID
from alma.bootstrap import Services
from alma.contracts import DeploymentOut, EventOut, IprSummaryOut, ResourceOut, StackOut
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


# The types are the one set of response models (``alma.contracts``), seen through GraphQL: the same fields
# and values the REST routes and the CLI's --json give, built by the same constructors.


@from_model(model=ResourceOut)
class Resource:
    stack: strawberry.auto
    name: strawberry.auto
    type: strawberry.auto
    provider: strawberry.auto
    status: strawberry.auto
    specs: JSON
    dependencies: strawberry.auto
    external_id: strawberry.auto
    revision: strawberry.auto
    updated_at: strawberry.auto


@from_model(model=DeploymentOut)
class Deployment:
    stack: strawberry.auto
    revision: strawberry.auto
    kind: strawberry.auto
    status: strawberry.auto
    plan_id: strawberry.auto
    actor: strawberry.auto
    started_at: strawberry.auto
    finished_at: strawberry.auto
    summary: JSON
    error: strawberry.auto
    deployment_id: strawberry.auto

    @strawberry.field
    def id(self) -> str:
        """The deployment's id (``deploymentId`` too)."""
        return str(self.deployment_id)


@from_model(model=EventOut)
class Event:
    id: strawberry.auto
    at: strawberry.auto
    kind: strawberry.auto
    resource: strawberry.auto
    actor: strawberry.auto
    deployment_id: strawberry.auto
    message: strawberry.auto
    data: JSON


@from_model(model=IprSummaryOut)
class Ipr:
    id: strawberry.auto
    stack: strawberry.auto
    title: strawberry.auto
    author: strawberry.auto
    status: strawberry.auto
    revision: strawberry.auto
    updated_at: strawberry.auto


@strawberry.type
class Stack:
    name: str
    revision: int
    resource_count: int
    updated_at: str

    @strawberry.field
    async def resources(self, info: Info[Context, Any]) -> list[Resource]:
        return await _resources(info.context.services, self.name)

    @strawberry.field
    async def deployments(self, info: Info[Context, Any]) -> list[Deployment]:
        return [_deployment(d) for d in await info.context.services.stacks.history(self.name)]


async def _resources(services: Services, stack: str | None) -> list[Resource]:
    return [Resource.from_pydantic(ResourceOut.of(r)) for r in await services.stacks.resources(stack)]


def _deployment(d: DeploymentRecord) -> Deployment:
    return Deployment.from_pydantic(DeploymentOut.of(d))


@strawberry.type
class Query:
    @strawberry.field
    async def stacks(self, info: Info[Context, Any]) -> list[Stack]:
        found = [StackOut.of(s) for s in await info.context.services.stacks.stacks()]
        return [
            Stack(name=s.name, revision=s.revision, resource_count=s.resources, updated_at=s.updated_at) for s in found
        ]

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
        return [Event.from_pydantic(EventOut.of(e)) for e in found]

    @strawberry.field
    async def iprs(self, info: Info[Context, Any], status: str | None = None) -> list[Ipr]:
        found = await info.context.services.iprs.find(_text(status, "status"))
        return [Ipr.from_pydantic(IprSummaryOut.of(i)) for i in found]


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Nothing here: the endpoint logs what it hides from the client, with the request's id."""


schema = Schema(query=Query)
