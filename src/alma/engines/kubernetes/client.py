"""A thin typed client for the few Kubernetes API calls the engine makes, over one lazy httpx client.

Error tree at this boundary (every httpx or API failure leaves as one of these, ``from`` its cause):

```
connection refused, DNS, TLS handshake, timeout   -> TransientEngineError
429 Too Many Requests, 5xx                        -> TransientEngineError (the API's message)
401 / 403                                         -> PermanentEngineError naming the endpoint, never the token
404 on get / delete                               -> None / False: absent is an answer, not an error
409 on apply (field manager conflict)             -> PermanentEngineError suggesting ``force: true``
other 4xx (422 invalid, 400 bad request)          -> PermanentEngineError (the API's message)
no or unusable kubeconfig                         -> ConfigurationError (on first use, not on construction)
```
"""

from __future__ import annotations

import asyncio
import json
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from alma.engines.base import JSONDict
from alma.engines.kubernetes.kubeconfig import ClusterAccess, load_cluster_access
from alma.errors import PermanentEngineError, TransientEngineError

FIELD_MANAGER = "alma"
APPLY_CONTENT_TYPE = "application/apply-patch+yaml"  # JSON is YAML: the API accepts a JSON body under it


@dataclass(frozen=True)
class Kind:
    """One API resource: where it lives and whether its objects sit in a namespace."""

    kind: str
    api_version: str
    plural: str
    namespaced: bool = True

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        base = f"/api/{self.api_version}" if "/" not in self.api_version else f"/apis/{self.api_version}"
        where = f"/namespaces/{namespace}" if self.namespaced and namespace else ""
        return f"{base}{where}/{self.plural}" + (f"/{name}" if name else "")


NAMESPACE = Kind("Namespace", "v1", "namespaces", namespaced=False)
DEPLOYMENT = Kind("Deployment", "apps/v1", "deployments")
SERVICE = Kind("Service", "v1", "services")
CONFIG_MAP = Kind("ConfigMap", "v1", "configmaps")
PVC = Kind("PersistentVolumeClaim", "v1", "persistentvolumeclaims")


class KubeClient:
    def __init__(self, kubeconfig: Path, context: str | None, *, timeout_s: float = 30.0) -> None:
        self._kubeconfig = kubeconfig
        self._context = context
        self._timeout_s = timeout_s
        self._http: httpx.AsyncClient | None = None
        self._access: ClusterAccess | None = None
        self._opening = asyncio.Lock()

    @property
    def endpoint(self) -> str:
        """The API server when known, else the kubeconfig it would come from (for messages)."""
        return self._access.server if self._access else f"(kubeconfig {self._kubeconfig})"

    async def _open(self) -> httpx.AsyncClient:
        if self._http is not None:
            return self._http
        async with self._opening:
            if self._http is None:
                access = await asyncio.to_thread(load_cluster_access, self._kubeconfig, self._context)
                headers = {"Accept": "application/json", "User-Agent": "alma"}
                if access.token:
                    headers["Authorization"] = f"Bearer {access.token}"
                verify = await asyncio.to_thread(access.ssl_context)
                self._access = access
                self._http = httpx.AsyncClient(
                    base_url=access.server, headers=headers, verify=verify, timeout=self._timeout_s
                )
        return self._http

    async def get(self, kind: Kind, namespace: str | None, name: str, *, resource: str) -> JSONDict | None:
        response = await self._request("GET", kind.path(namespace, name), resource=resource, absent_ok=True)
        return None if response is None else _json(response, resource)

    async def list(self, kind: Kind, label_selector: str, *, resource: str | None = None) -> list[JSONDict]:
        """Every object of ``kind`` in every namespace that carries the labels."""
        response = await self._request("GET", kind.path(), params={"labelSelector": label_selector}, resource=resource)
        assert response is not None  # only absent_ok requests answer None
        items = _json(response, resource).get("items") or []
        return [item for item in items if isinstance(item, dict)]

    async def apply(self, kind: Kind, manifest: JSONDict, *, force: bool, resource: str) -> JSONDict:
        """Server-side apply: the API merges our fields, owned by the field manager ``alma``."""
        meta = manifest["metadata"]
        params = {"fieldManager": FIELD_MANAGER} | ({"force": "true"} if force else {})
        response = await self._request(
            "PATCH",
            kind.path(meta.get("namespace"), meta["name"]),
            params=params,
            content=json.dumps(manifest).encode(),
            headers={"Content-Type": APPLY_CONTENT_TYPE},
            resource=resource,
        )
        assert response is not None
        return _json(response, resource)

    async def delete(self, kind: Kind, namespace: str | None, name: str, *, uid: str, resource: str) -> bool:
        """Delete the object if it is still the one with ``uid``; False when it was already gone."""
        body = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground"}
        body["preconditions"] = {"uid": uid}  # type: ignore[assignment]  # never delete a namesake made since
        response = await self._request(
            "DELETE",
            kind.path(namespace, name),
            content=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            resource=resource,
            absent_ok=True,
        )
        return response is not None

    async def version(self) -> JSONDict:
        response = await self._request("GET", "/version", resource=None)
        assert response is not None
        return _json(response, None)

    async def _request(
        self, method: str, path: str, *, resource: str | None, absent_ok: bool = False, **kwargs: Any
    ) -> httpx.Response | None:
        http = await self._open()
        where = f"{method} {self.endpoint}{path}"
        try:
            response = await http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise TransientEngineError(f"the Kubernetes API timed out: {where}", resource=resource) from exc
        except httpx.TransportError as exc:
            if _caused_by_tls(exc):  # an untrusted certificate stays untrusted: retrying will not help
                raise PermanentEngineError(
                    f"TLS verification failed: {where}: check certificate-authority(-data) of the kube context",
                    resource=resource,
                ) from exc
            raise TransientEngineError(f"cannot reach the Kubernetes API: {where}: {exc}", resource=resource) from exc
        if response.is_success:
            return response
        if response.status_code == 404 and absent_ok:
            return None
        raise _api_error(response, where, resource)

    async def aclose(self) -> None:
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()


def _api_error(
    response: httpx.Response, where: str, resource: str | None
) -> TransientEngineError | PermanentEngineError:
    status = response.status_code
    message = _status_message(response)
    if status in (401, 403):
        what = "refused our credentials" if status == 401 else "forbids this call to our credentials"
        return PermanentEngineError(
            f"the Kubernetes API {what} ({status}): {where}; check the token or client certificate of the "
            f"kube context{': ' + message if status == 403 else ''}",
            resource=resource,
        )
    if status == 429 or status >= 500:
        return TransientEngineError(f"the Kubernetes API failed ({status}): {where}: {message}", resource=resource)
    if status == 409:
        message += "; another field manager owns these fields: set 'force: true' in the specs to take them over"
    return PermanentEngineError(f"the Kubernetes API refused ({status}): {where}: {message}", resource=resource)


def _caused_by_tls(exc: BaseException) -> bool:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _status_message(response: httpx.Response) -> str:
    """The ``message`` of the API's Status object, or a short excerpt of whatever came back."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])[:1000]
    return response.reason_phrase


def _json(response: httpx.Response, resource: str | None) -> JSONDict:
    try:
        body = response.json()
    except ValueError as exc:
        raise PermanentEngineError(
            f"the Kubernetes API answered with non-JSON: {response.url}", resource=resource
        ) from exc
    if not isinstance(body, dict):
        raise PermanentEngineError(f"the Kubernetes API answered with a non-object: {response.url}", resource=resource)
    return body
