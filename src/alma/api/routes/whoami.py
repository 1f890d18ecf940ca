"""Who a key says its holder is: the acting user of everything done with it, and its role (what it may
do). Clients show it (the dashboard's "acting as"), so a reviewer knows whose rights a review carries."""

from __future__ import annotations

from fastapi import APIRouter

from alma.api.auth import Reader
from alma.contracts.api import WhoAmIOut

router = APIRouter(tags=["system"])


@router.get("/whoami")
async def whoami(caller: Reader) -> WhoAmIOut:
    return WhoAmIOut(name=caller.name, role=caller.role)
