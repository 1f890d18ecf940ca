"""Who is calling, and may they: API keys in ``X-API-Key`` or ``Authorization: Bearer``; roles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from alma.bootstrap import Services
from alma.services import Caller
from alma.services.actor import acting_as


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(services_of)]


def _presented_key(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    if key:
        return key
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def require(permission: str) -> Callable[..., Coroutine[Any, Any, AsyncIterator[Caller]]]:
    """A dependency: the caller, who must hold ``permission``; the request then acts as them."""

    async def dependency(request: Request, services: ServicesDep) -> AsyncIterator[Caller]:
        key = _presented_key(request)
        if key is None:
            raise HTTPException(401, "an API key is required: send X-API-Key or Authorization: Bearer")
        caller = await services.keys.authenticate(key)
        if caller is None:
            raise HTTPException(401, "unknown or revoked API key")
        if not caller.may(permission):
            raise HTTPException(403, f"role {caller.role} may not {permission}")
        with acting_as(caller.name):
            yield caller

    return dependency  # type: ignore[return-value]


Reader = Annotated[Caller, Depends(require("read"))]
Planner = Annotated[Caller, Depends(require("plan"))]
Applier = Annotated[Caller, Depends(require("apply"))]
Reviewer = Annotated[Caller, Depends(require("review"))]
Admin = Annotated[Caller, Depends(require("admin"))]
