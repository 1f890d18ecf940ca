"""Liveness, readiness, engines.

``/health`` and ``/ready`` answer without a key (load balancers and orchestrators ask them). Without a key
``/ready`` says only ready or not per component; with a key that may read it also says why an engine is
not usable — every detail through the redactor, so a configured secret echoed by an engine never shows."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from alma import __version__
from alma.api.auth import Reader, ServicesDep
from alma.api.problems import redactor_of
from alma.contracts import EngineOut
from alma.contracts.api import HealthOut, ReadyOut, RootOut
from alma.errors import AlmaError
from alma.perimeter import caller_of

router = APIRouter()
log = logging.getLogger("alma.api")


@router.get("/")
async def root() -> RootOut:
    return RootOut(name="alma", version=__version__, api="/api/v1", docs="/docs")


@router.get("/health")
async def health() -> HealthOut:
    """Liveness: the process answers."""
    return HealthOut()


@router.get("/ready", response_model=ReadyOut, responses={503: {"model": ReadyOut}})
async def ready(request: Request, services: ServicesDep) -> JSONResponse:
    """Readiness: the database answers (else 503), and whether each engine is reachable."""
    try:
        await services.stacks.stacks()
    except AlmaError as error:  # the reason is for the log, not for whoever asks
        log.warning("not ready: %s", error)
        return JSONResponse({"status": "not ready", "database": "unavailable"}, status_code=503)
    caller = caller_of(request.scope)
    detailed = caller is not None and caller.may("read")
    scrub = redactor_of(request).scrub
    engines = [
        {"name": e.name, "ok": e.ok, **({"detail": scrub(e.detail)} if detailed else {})}
        for e in await services.engines.statuses()
    ]
    return JSONResponse({"status": "ready", "database": "ok", "engines": engines})


@router.get("/api/v1/engines")
async def engines(request: Request, services: ServicesDep, _caller: Reader) -> list[EngineOut]:
    scrub = redactor_of(request).scrub
    return [EngineOut(name=e.name, ok=e.ok, detail=scrub(e.detail)) for e in await services.engines.statuses()]
