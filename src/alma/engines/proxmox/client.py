"""A thin typed async client of the Proxmox VE API: one ``httpx.AsyncClient`` per engine, opened lazily.

The engine can be built with nothing configured; the first request then says what is missing. Every
transport or HTTP failure leaves here as a ``ProxmoxTransientError`` or ``ProxmoxPermanentError``
(see ``failures``), raised ``from`` the original so the cause stays in the traceback.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from alma.engines.proxmox.auth import Auth, auth_from
from alma.engines.proxmox.failures import ProxmoxPermanentError, ProxmoxTransientError, api_error
from alma.errors import ConfigurationError
from alma.redaction import Redactor, configured_secrets
from alma.settings import Settings

log = logging.getLogger(__name__)
Params = Mapping[str, str | int | float | bool | None]


def _form(values: Params | None) -> dict[str, str] | None:
    """PVE takes form fields; booleans as 0/1, and a None means "leave it out"."""
    if values is None:
        return None
    return {key: str(int(v)) if isinstance(v, bool) else str(v) for key, v in values.items() if v is not None}


def _endpoint_of(url: str) -> str:
    """scheme://host:port of a URL, without any credentials or path: what messages may show."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}"


def _tls_failure(exc: BaseException) -> ssl.SSLError | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class ProxmoxClient:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._auth: Auth | None = None
        self._opening = asyncio.Lock()
        self.endpoint = _endpoint_of(settings.proxmox_url) if settings.proxmox_url else "(ALMA_PROXMOX_URL not set)"
        self._secrets = configured_secrets(settings)

    def _scrub(self, text: str) -> str:
        """A server may echo what it was sent (a proxy's error page quoting the Authorization header):
        every credential, configured or issued (a ticket), is scrubbed from text that leaves here."""
        issued = self._auth.secrets() if self._auth is not None else ()
        return Redactor([*self._secrets, *issued]).scrub(text)

    async def _client(self) -> tuple[httpx.AsyncClient, Auth]:
        async with self._opening:
            if self._http is None or self._auth is None:
                url = self._settings.proxmox_url
                if not url:
                    raise ConfigurationError("ALMA_PROXMOX_URL is not set")
                if urlsplit(url).scheme not in ("https", "http") or not urlsplit(url).hostname:
                    raise ConfigurationError(f"ALMA_PROXMOX_URL must be https://HOST:8006, got {self.endpoint}")
                auth = auth_from(self._settings, self._clock)
                base = url.rstrip("/").removesuffix("/api2/json")
                self._http = httpx.AsyncClient(
                    base_url=f"{base}/api2/json",
                    verify=await self._verify(),
                    timeout=self._settings.proxmox_timeout_s,
                    transport=self._transport,
                )
                self._auth = auth
            return self._http, self._auth

    async def _verify(self) -> ssl.SSLContext | bool:
        settings = self._settings
        if not settings.proxmox_verify_tls:
            log.warning("TLS verification of %s is off (ALMA_PROXMOX_VERIFY_TLS=false)", self.endpoint)
            return False
        cafile = str(settings.proxmox_ca_bundle) if settings.proxmox_ca_bundle else None
        try:
            # Loading a trust store reads files: keep it off the event loop.
            return await asyncio.to_thread(ssl.create_default_context, cafile=cafile)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(f"ALMA_PROXMOX_CA_BUNDLE {cafile} cannot be used: {exc}") from exc

    async def _send(
        self,
        http: httpx.AsyncClient,
        method: str,
        path: str,
        params: Params | None,
        data: Params | None,
        headers: dict[str, str],
    ) -> httpx.Response:
        what = f"{method} {path} at {self.endpoint}"
        try:
            return await http.request(method, path, params=_form(params), data=_form(data), headers=headers)
        except httpx.TimeoutException as exc:
            raise ProxmoxTransientError(f"{what} timed out after {self._settings.proxmox_timeout_s:g}s") from exc
        except httpx.TransportError as exc:
            tls = _tls_failure(exc)
            if tls is not None:
                raise ProxmoxPermanentError(
                    f"{what}: the server's TLS certificate cannot be verified ({tls.reason or tls}); set "
                    "ALMA_PROXMOX_CA_BUNDLE to the CA certificate that signed it"
                ) from exc
            raise ProxmoxTransientError(
                f"{what}: cannot reach the server ({type(exc).__name__}: {self._scrub(str(exc))})"
            ) from exc

    def _data(self, method: str, path: str, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:  # a proxy's HTML page, or a cut-off answer
            body = {"message": response.text[:200]}
        if not isinstance(body, dict):
            body = {"message": str(body)[:200]}
        if response.is_success:
            return body.get("data")
        detail = str(body.get("message") or response.reason_phrase).strip()
        fields = body.get("errors")
        if isinstance(fields, dict) and fields:
            detail += " " + "; ".join(f"{key}: {str(msg).strip()}" for key, msg in sorted(fields.items()))
        raise api_error(response.status_code, self._scrub(detail), f"{method} {path} at {self.endpoint}")

    async def _login(self, username: str, password: str) -> Any:
        http, _ = await self._client()
        response = await self._send(
            http, "POST", "/access/ticket", None, {"username": username, "password": password}, {}
        )
        if response.status_code == 401:
            raise ProxmoxPermanentError(
                f"login as {username} at {self.endpoint} was refused: check ALMA_PROXMOX_USER and "
                "ALMA_PROXMOX_PASSWORD",
                status=401,
            )
        return self._data("POST", "/access/ticket", response)

    async def request(self, method: str, path: str, *, params: Params | None = None, data: Params | None = None) -> Any:
        http, auth = await self._client()
        for attempt in (1, 2):
            headers = await auth.headers(method, self._login)
            response = await self._send(http, method, path, params, data, headers)
            if response.status_code == 401 and auth.renewable and attempt == 1:
                log.info("Proxmox at %s refused the ticket; logging in again", self.endpoint)
                auth.invalidate()
                continue
            break
        return self._data(method, path, response)

    async def get(self, path: str, **params: str | int | bool | None) -> Any:
        return await self.request("GET", path, params=params or None)

    async def post(self, path: str, data: Params | None = None) -> Any:
        return await self.request("POST", path, data=data)

    async def put(self, path: str, data: Params | None = None) -> Any:
        return await self.request("PUT", path, data=data)

    async def delete(self, path: str, **params: str | int | bool | None) -> Any:
        return await self.request("DELETE", path, params=params or None)

    async def aclose(self) -> None:
        http, self._http, self._auth = self._http, None, None
        if http is not None:
            await http.aclose()
