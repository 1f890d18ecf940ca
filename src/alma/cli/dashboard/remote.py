"""The dashboard over a running ``alma serve``: its public HTTP API, with one key.

The key's holder is the acting user (the server says who that is: ``GET /api/v1/whoami``), so a review
made here has that key's rights: a viewer's approval is refused by the server, an author's own approval
too. Live deployments come over server-sent events. Answers that are not 2xx become ALMA's own errors
here, in one place: 400/404/422 invalid input, 401/403 refused, 409 conflict, anything else (and a server
that cannot be reached) an upstream failure.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from alma.cli.dashboard.source import (
    FINAL,
    INTERRUPTED,
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
from alma.errors import AlmaError, ConflictError, InvalidInputError, RefusedError, UpstreamError
from alma.services.drift import DriftReport

API = "/api/v1"
MOST = 500  # the API's largest page


class RemoteSource:
    def __init__(
        self, url: str, key: str, *, timeout_s: float = 30.0, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        check_remote(url, key)
        self._url = url.rstrip("/")
        self._client = httpx.AsyncClient(
            base_url=self._url, headers={"X-API-Key": key}, timeout=timeout_s, transport=transport
        )

    @property
    def where(self) -> str:
        return self._url

    async def actor(self) -> Actor:
        found = await self._get("/whoami")
        return Actor(found["name"], found["role"])

    async def stacks(self) -> list[StackRow]:
        return [StackRow.of(s) for s in await self._get("/stacks", limit=MOST)]

    async def resources(self, stack: str) -> list[ResourceRow]:
        return [ResourceRow.of(r) for r in await self._get(f"/stacks/{stack}/state", limit=MOST)]

    async def deployments(self, stack: str) -> list[DeploymentRow]:
        return [DeploymentRow.of(d) for d in await self._get(f"/stacks/{stack}/history", limit=MOST)]

    async def iprs(self) -> list[IprRow]:
        return [IprRow.of(i) for i in await self._get("/iprs", limit=MOST)]

    async def ipr(self, ipr_id: int) -> IprDetail:
        return await self._detail(await self._get(f"/iprs/{ipr_id}"))

    async def review(self, ipr_id: int, verdict: Verdict, comment: str, revision: int | None = None) -> IprDetail:
        body = {"verdict": verdict, "comment": comment, "revision": revision}
        answer = await self._send("POST", f"/iprs/{ipr_id}/reviews", json=body)
        return await self._detail(answer.json())

    async def engines(self) -> list[EngineRow]:
        return [EngineRow.of(e) for e in await self._get("/engines")]

    async def events(self, stack: str, limit: int) -> list[EventRow]:
        return [EventRow.of(e) for e in await self._get(f"/stacks/{stack}/events", newest="true", limit=limit)]

    async def drift(self, stack: str) -> DriftReport:
        return DriftReport.model_validate(await self._get(f"/stacks/{stack}/drift"))

    async def follow(self, deployment_id: str, after: int = 0) -> AsyncIterator[EventRow]:
        path = f"{API}/deployments/{deployment_id}/events"
        headers = {"Accept": "text/event-stream"}
        try:
            async with self._client.stream(
                "GET", path, params={"after": after}, headers=headers, timeout=None
            ) as answer:
                if answer.status_code >= 300:
                    await answer.aread()
                    raise _error(answer)
                data: list[str] = []
                async for line in answer.aiter_lines():
                    if line.startswith("data:"):
                        data.append(line[5:].strip())
                    elif not line and data:  # a blank line ends one event
                        body = json.loads("\n".join(data))
                        data = []
                        if body.get("kind") == INTERRUPTED:
                            yield EventRow.interrupted(deployment_id, str(body.get("detail", "")))
                            return
                        event = EventRow.of(body)
                        yield event
                        if event.kind in FINAL:
                            return
        except httpx.HTTPError as exc:
            raise UpstreamError(f"the live events of {deployment_id} from {self._url} stopped: {exc}") from exc

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _detail(self, data: dict[str, Any]) -> IprDetail:
        rendered = await self._send("GET", f"/plans/{data['plan']['plan_id']}/render")
        return IprDetail.of(data, rendered.text)

    async def _get(self, path: str, **params: Any) -> Any:
        return (await self._send("GET", path, params=params)).json()

    async def _send(self, method: str, path: str, **options: Any) -> httpx.Response:
        try:
            answer = await self._client.request(method, API + path, **options)
        except httpx.HTTPError as exc:
            raise UpstreamError(f"cannot reach ALMA at {self._url}: {exc}") from exc
        if answer.status_code >= 300:
            raise _error(answer)
        return answer


def check_remote(url: str, key: str | None) -> None:
    """Refuse what cannot work before anything starts: a URL that is not http(s), no key."""
    if not url.startswith(("http://", "https://")):
        raise InvalidInputError(f"--url {url!r} is not an http(s) URL such as http://127.0.0.1:8000")
    if not key:
        raise InvalidInputError("a remote dashboard needs an API key: --key KEY or ALMA_API_KEY (`alma keys create`)")


def _error(answer: httpx.Response) -> AlmaError:
    try:
        problem = answer.json()
        detail = str(problem.get("detail") or problem.get("title") or answer.reason_phrase)
    except ValueError:
        detail = answer.text[:200] or answer.reason_phrase
    status = answer.status_code
    if status in (400, 404, 422):
        return InvalidInputError(detail)
    if status in (401, 403):
        return RefusedError(f"{detail} (HTTP {status})")
    if status == 409:
        return ConflictError(detail)
    return UpstreamError(f"ALMA at {answer.request.url.host} answered {status}: {detail}")


_: type[DataSource] = RemoteSource
