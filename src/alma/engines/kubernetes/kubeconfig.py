"""Reading a kubeconfig: which API server to talk to, how to trust it and how to prove who we are.

Only what a static kubeconfig can say is supported: the server URL, its CA (data or file), a bearer
token (inline or ``tokenFile``) or a client certificate and key (data or files), and
``insecure-skip-tls-verify`` when the kubeconfig itself sets it. Credential plugins (``exec``,
``auth-provider``) run programs or talk to identity providers; they are refused with a clear message
rather than half-supported. Every problem is a ``ConfigurationError`` that names the file and context.
"""

from __future__ import annotations

import base64
import binascii
import os
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from alma.errors import ConfigurationError


@dataclass(frozen=True)
class ClusterAccess:
    """Everything needed to open a connection to one context's API server."""

    server: str
    context: str
    ca_pem: bytes | None = None
    insecure: bool = False
    token: str | None = field(default=None, repr=False)  # never printed
    client_cert_pem: bytes | None = None
    client_key_pem: bytes | None = field(default=None, repr=False)

    def ssl_context(self) -> ssl.SSLContext | bool:
        """What httpx should verify with: False only when the kubeconfig asks to skip verification."""
        if self.insecure:
            return False
        try:
            context = ssl.create_default_context(cadata=self.ca_pem.decode("ascii") if self.ca_pem else None)
            if self.client_cert_pem and self.client_key_pem:
                _load_client_cert(context, self.client_cert_pem, self.client_key_pem)
        except (ssl.SSLError, ValueError) as exc:
            raise ConfigurationError(f"the TLS material of kube context '{self.context}' is unusable: {exc}") from exc
        return context


def _load_client_cert(context: ssl.SSLContext, cert: bytes, key: bytes) -> None:
    # ssl only loads certificates from files: write them to a private directory that is gone right after.
    with tempfile.TemporaryDirectory(prefix="alma-kube-") as directory:
        cert_path, key_path = Path(directory, "client.crt"), Path(directory, "client.key")
        cert_path.write_bytes(cert)
        key_path.touch(mode=0o600)
        key_path.write_bytes(key)
        context.load_cert_chain(cert_path, key_path)


def default_kubeconfig_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$KUBECONFIG`` (its first entry) or ``~/.kube/config``, as kubectl finds it."""
    env = os.environ if environ is None else environ
    listed = [part for part in env.get("KUBECONFIG", "").split(os.pathsep) if part]
    return Path(listed[0]).expanduser() if listed else Path.home() / ".kube" / "config"


def load_cluster_access(path: Path, context_name: str | None) -> ClusterAccess:
    """The connection details of ``context_name`` (or the current context) in the kubeconfig at ``path``."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(
            f"cannot read the kubeconfig {path}: {exc.strerror or exc}; set ALMA_KUBECONFIG or KUBECONFIG"
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"the kubeconfig {path} is not valid YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise ConfigurationError(f"the kubeconfig {path} is not a mapping")
    name = context_name or document.get("current-context")
    if not name:
        raise ConfigurationError(f"the kubeconfig {path} has no current-context; set ALMA_KUBE_CONTEXT")
    context = _named(document, "contexts", "context", str(name), path)
    cluster = _named(document, "clusters", "cluster", str(context.get("cluster", "")), path)
    user = _named(document, "users", "user", str(context.get("user", "")), path) if context.get("user") else {}
    server = cluster.get("server")
    if not isinstance(server, str) or not server.startswith(("https://", "http://")):
        raise ConfigurationError(f"cluster of kube context '{name}' in {path} has no http(s) server URL")
    for plugin in ("exec", "auth-provider"):
        if plugin in user:
            raise ConfigurationError(
                f"kube context '{name}' in {path} authenticates with '{plugin}', which ALMA does not run; "
                "use a token (e.g. a ServiceAccount token) or a client certificate"
            )
    base = path.parent
    return ClusterAccess(
        server=server.rstrip("/"),
        context=str(name),
        ca_pem=_material(cluster, "certificate-authority", base, str(name)),
        insecure=cluster.get("insecure-skip-tls-verify") is True,
        token=_token(user, base, str(name)),
        client_cert_pem=_material(user, "client-certificate", base, str(name)),
        client_key_pem=_material(user, "client-key", base, str(name)),
    )


def _named(document: Mapping[str, Any], section: str, key: str, name: str, path: Path) -> dict[str, Any]:
    for entry in document.get(section) or []:
        if isinstance(entry, dict) and entry.get("name") == name and isinstance(entry.get(key), dict):
            return entry[key]  # type: ignore[no-any-return]
    known = [str(e.get("name")) for e in document.get(section) or [] if isinstance(e, dict)]
    raise ConfigurationError(
        f"the kubeconfig {path} has no {key} named '{name}' (it has: {', '.join(known) or 'none'})"
    )


def _material(section: Mapping[str, Any], key: str, base: Path, context: str) -> bytes | None:
    """``<key>-data`` (base64) or ``<key>`` (a file, relative to the kubeconfig), as bytes."""
    data = section.get(f"{key}-data")
    if data:
        try:
            return base64.b64decode(str(data), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ConfigurationError(f"{key}-data of kube context '{context}' is not base64") from exc
    file = section.get(key)
    if not file:
        return None
    try:
        return (base / Path(str(file)).expanduser()).read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read {key} {file} of kube context '{context}': {exc.strerror}") from exc


def _token(user: Mapping[str, Any], base: Path, context: str) -> str | None:
    if user.get("token"):
        return str(user["token"]).strip()
    token_file = user.get("tokenFile")
    if not token_file:
        return None
    try:
        return (base / Path(str(token_file)).expanduser()).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigurationError(f"cannot read tokenFile {token_file} of kube context '{context}'") from exc
