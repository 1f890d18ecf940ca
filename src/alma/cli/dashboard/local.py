"""The dashboard over the local store: the services from ``bootstrap``, in the dashboard's own event loop.

The acting user is ``ALMA_USER`` (as for every other local command). A deployment run by another process
on this machine is followed through the event log, looked at every ``ALMA_LIVE_POLL_S`` (or at once, when
Redis announces its events: ``ALMA_REDIS_URL``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from alma.bootstrap import Services, build
from alma.cli.dashboard.source import (
    FINAL,
    Actor,
    DataSource,
    DeploymentRow,
    EngineRow,
    EventRow,
    IprDetail,
    IprRow,
    ResourceRow,
    StackRow,
    Verdict,
)
from alma.contracts.iprs import IprOut
from alma.contracts.records import DeploymentOut, EventOut, ResourceOut
from alma.planning import render_plan
from alma.services.actor import actor
from alma.services.drift import DriftReport
from alma.services.iprs import IprView
from alma.services.live import run_state
from alma.settings import Settings

BATCH = 500


class LocalSource:
    def __init__(self, services: Services) -> None:
        self._services = services

    @classmethod
    async def open(cls, settings: Settings) -> LocalSource:
        return cls(await build(settings))

    @property
    def where(self) -> str:
        url = self._services.settings.resolved_database_url
        return f"local store ({url.split(':', 1)[0].split('+', 1)[0]})"  # the dialect: a path would not fit

    async def actor(self) -> Actor:
        return Actor(actor(self._services.settings), None)

    async def stacks(self) -> list[StackRow]:
        return [
            StackRow(s.name, s.revision, s.resources, s.updated_at.isoformat())
            for s in await self._services.stacks.stacks()
        ]

    async def resources(self, stack: str) -> list[ResourceRow]:
        return [
            ResourceRow.of(ResourceOut.of(r).model_dump(mode="json"))
            for r in await self._services.stacks.resources(stack)
        ]

    async def deployments(self, stack: str) -> list[DeploymentRow]:
        return [
            DeploymentRow.of(DeploymentOut.of(d).model_dump(mode="json"))
            for d in await self._services.stacks.history(stack)
        ]

    async def iprs(self) -> list[IprRow]:
        return [
            IprRow(i.id, i.stack, i.title, i.author, i.status, i.revision) for i in await self._services.iprs.find()
        ]

    async def ipr(self, ipr_id: int) -> IprDetail:
        return _detail(await self._services.iprs.show(ipr_id))

    async def review(self, ipr_id: int, verdict: Verdict, comment: str, revision: int | None = None) -> IprDetail:
        return _detail(await self._services.iprs.review(ipr_id, verdict, comment, revision=revision))

    async def engines(self) -> list[EngineRow]:
        return [EngineRow(e.name, e.ok, e.detail) for e in await self._services.engines.statuses()]

    async def events(self, stack: str, limit: int) -> list[EventRow]:
        found = await self._services.stacks.events(stack, None, 0, limit, newest=True)
        return [EventRow.of(EventOut.of(e).model_dump(mode="json")) for e in found]

    async def drift(self, stack: str) -> DriftReport:
        return await self._services.drift.report(stack)

    async def follow(self, deployment_id: str, after: int = 0) -> AsyncIterator[EventRow]:
        services = self._services
        record = await services.stacks.deployment(deployment_id)
        cursor, settled = after, False
        async with services.live.watch(deployment_id) as watcher:
            while True:
                watcher.arm()  # before reading: news committed from here on is not missed
                found = await services.stacks.events(record.stack, deployment_id, cursor, BATCH)
                for event in found:
                    cursor = event.id
                    yield EventRow.of(EventOut.of(event).model_dump(mode="json"))
                    if event.kind in FINAL:
                        return
                if found:
                    continue
                if settled:
                    return  # it ended and one more look found nothing new
                state = await run_state(services.stacks, deployment_id, record.stack)
                if state.record is None or state.record.status != "running":
                    settled = True
                    continue
                if state.interrupted is not None:  # recorded as running, but nothing runs it any more
                    yield EventRow.interrupted(deployment_id, state.interrupted)
                    return
                await watcher.wait(services.settings.live_poll_s)

    async def aclose(self) -> None:
        await self._services.aclose()


def _detail(view: IprView) -> IprDetail:
    return IprDetail.of(IprOut.of(view).contract(), render_plan(view.plan))


_: type[DataSource] = LocalSource
