"""GraphQL (``/graphql``): read queries over stacks, resources, deployments, IPRs and events — the same
services and the same keys as the REST routes (a key with the read permission)."""

from __future__ import annotations

from typing import Any

import strawberry
from fastapi import HTTPException, Request
from strawberry.fastapi import BaseContext, GraphQLRouter
from strawberry.scalars import JSON
from strawberry.types import Info

from alma.api.auth import services_of
from alma.bootstrap import Services
from alma.services import Caller, DeploymentRecord


class Context(BaseContext):
    def __init__(self, services: Services, caller: Caller) -> None:
        super().__init__()
        self.services = services
        self.caller = caller


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
        return await _resources(info.context.services, stack)

    @strawberry.field
    async def deployment(self, info: Info[Context, Any], id: str) -> Deployment:
        return _deployment(await info.context.services.stacks.deployment(id))

    @strawberry.field
    async def events(self, info: Info[Context, Any], stack: str, after: int = 0, limit: int = 100) -> list[Event]:
        found = await info.context.services.stacks.events(stack, None, after, min(limit, 1000))
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
        found = await info.context.services.iprs.find(status)
        return [
            Ipr(id=i.id, stack=i.stack, title=i.title, author=i.author, status=i.status, revision=i.revision)
            for i in found
        ]


async def _context(request: Request) -> Context:
    services = services_of(request)
    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    key = request.headers.get("x-api-key") or (bearer.strip() if scheme.lower() == "bearer" else "")
    caller = await services.keys.authenticate(key) if key else None
    if caller is None:
        raise HTTPException(401, "an API key is required: send X-API-Key or Authorization: Bearer")
    if not caller.may("read"):
        raise HTTPException(403, f"role {caller.role} may not read")
    return Context(services, caller)


schema = strawberry.Schema(query=Query)


def router() -> GraphQLRouter[Context, Any]:
    return GraphQLRouter(schema, context_getter=_context, graphql_ide=None)
