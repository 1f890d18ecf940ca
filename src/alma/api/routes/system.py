"""Liveness, readiness, engines."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from alma import __version__
from alma.api.auth import Reader, ServicesDep

router = APIRouter()


@router.get("/")
async def root() -> dict[str, Any]:
    return {"name": "alma", "version": __version__, "api": "/api/v1", "docs": "/docs"}


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready")
async def ready(services: ServicesDep) -> JSONResponse:
    """Readiness: the database answers and every engine says whether it is reachable."""
    await services.stacks.stacks()  # raises (503 problem) when the database is unreachable
    engines = [{"name": e.name, "ok": e.ok, "detail": e.detail} for e in await services.engines.statuses()]
    return JSONResponse({"status": "ready", "database": "ok", "engines": engines})


@router.get("/api/v1/engines")
async def engines(services: ServicesDep, _caller: Reader) -> list[dict[str, Any]]:
    return [{"name": e.name, "ok": e.ok, "detail": e.detail} for e in await services.engines.statuses()]
