"""Who is calling, and may they. The gate (``alma.perimeter``) resolved the key from the headers before
anything else ran; a route names the permission it needs, and the request then acts as the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from alma.bootstrap import Services
from alma.perimeter import caller_of
from alma.perimeter.gate import NEEDS_KEY
from alma.services import Caller
from alma.services.actor import acting_as


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(services_of)]


# How a key is sent, declared for OpenAPI (clients, fuzzers): the gate has read and checked it already.
ApiKeyHeader = Annotated[str | None, Security(APIKeyHeader(name="X-API-Key", auto_error=False))]
BearerHeader = Annotated[HTTPAuthorizationCredentials | None, Security(HTTPBearer(auto_error=False))]


def require(permission: str) -> Callable[..., Coroutine[Any, Any, AsyncIterator[Caller]]]:
    """A dependency: the caller, who must hold ``permission``; the request then acts as them."""

    async def dependency(request: Request, _key: ApiKeyHeader, _bearer: BearerHeader) -> AsyncIterator[Caller]:
        caller = caller_of(request.scope)
        if caller is None:  # only on a public path, which no route that needs a role is on
            raise HTTPException(401, NEEDS_KEY, headers={"WWW-Authenticate": 'Bearer realm="alma"'})
        if not caller.may(permission):
            raise HTTPException(403, f"role {caller.role} may not {permission}")
        with acting_as(caller.name, caller.role):
            yield caller

    return dependency  # type: ignore[return-value]


Reader = Annotated[Caller, Depends(require("read"))]
Planner = Annotated[Caller, Depends(require("plan"))]
Applier = Annotated[Caller, Depends(require("apply"))]
Reviewer = Annotated[Caller, Depends(require("review"))]
Admin = Annotated[Caller, Depends(require("admin"))]
