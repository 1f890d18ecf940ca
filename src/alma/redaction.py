"""The one redaction point: every configured secret, and anything shaped like a credential, scrubbed from
text before it leaves the process — log lines, event messages, problem answers, readiness and engine
details.

What is scrubbed:
- each secret the settings hold (``ALMA_API_KEY``, ``ALMA_PROXMOX_TOKEN`` and the secret part of it,
  ``ALMA_PROXMOX_PASSWORD``, ``ALMA_LLM_API_KEY``, the passwords in ``ALMA_DATABASE_URL`` and
  ``ALMA_REDIS_URL``), wherever it appears;
- credentials by their shape, whoever's they are: ALMA's own keys (``alma_…``, which the server never
  knows in clear), ``Bearer …``, ``PVEAPIToken=…``, ``PVEAuthCookie=…``, ``CSRFPreventionToken``, and a
  URL's password;
- in log lines also every query-string value (``?token=…`` becomes ``?token=***``): a URL may carry a key.

A secret shorter than ``MIN_SECRET`` characters cannot be told apart from ordinary text and is not searched
for (ALMA refuses an ``ALMA_API_KEY`` that short; see ``alma.settings``).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from alma.settings import Settings

MASK = "***"
MIN_SECRET = 4
# Credentials by their shape: the prefix stays (it says what was there), the value goes.
_SHAPES = re.compile(
    r"(?P<keep>\b(?i:bearer)\s+|PVEAPIToken=|PVEAuthCookie=|CSRFPreventionToken[\"']?\s*[:=]\s*[\"']?)"
    r"(?P<secret>[^\s\"',;&]+)"
    # ALMA's keys: ``alma_`` and 43 URL-safe characters (shorter names such as metric names are not keys).
    r"|(?P<prefix>\balma_)[A-Za-z0-9_-]{32,}"
)
# What every match of ``_SHAPES`` contains: text without any of these has no credential of those shapes.
_SHAPE_MARKERS = re.compile(r"(?i:bearer)|PVEA|CSRFPreventionToken|alma_")
_URL_PASSWORD = re.compile(r"(?P<keep>[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:)(?P<secret>[^@\s/]+)(?=@)")
_QUERY_VALUE = re.compile(r"(?P<keep>[?&][^=&\s\"'#?]+=)(?P<secret>[^&\s\"'#]+)")


class Redactor:
    """Scrubs known secrets and credential shapes from text (and from JSON-like values)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        found = {s for s in secrets if len(s) >= MIN_SECRET}
        # Longest first, so a token is replaced whole before its secret part is looked for.
        ordered = sorted(found, key=len, reverse=True)
        self._secrets = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None

    @classmethod
    def from_settings(cls, settings: Settings) -> Redactor:
        return cls(configured_secrets(settings))

    def scrub(self, text: str) -> str:
        if self._secrets is not None:
            text = self._secrets.sub(MASK, text)
        # The full patterns are tried only where they can match: most text (names, specs, messages) has
        # neither a credential's marker nor a URL, and the URL pattern is costly to try at every letter.
        if _SHAPE_MARKERS.search(text) is not None:
            text = _SHAPES.sub(lambda m: (m["keep"] or m["prefix"]) + MASK, text)
        if "://" in text:
            text = _URL_PASSWORD.sub(lambda m: m["keep"] + MASK, text)
        return text

    def scrub_url_queries(self, text: str) -> str:
        """``scrub``, and every query-string value too (for log lines, which carry URLs)."""
        return _QUERY_VALUE.sub(lambda m: m["keep"] + MASK, self.scrub(text))

    def scrub_value(self, value: Any) -> Any:
        """Every string inside a JSON-like value (dicts, lists), keys included."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {self.scrub(str(k)) if isinstance(k, str) else k: self.scrub_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub_value(v) for v in value]
        return value


def configured_secrets(settings: Settings) -> list[str]:
    """Every secret value the settings hold, in the forms it may be seen in."""
    found: list[str] = []
    for secret in (settings.api_key, settings.proxmox_password, settings.llm_api_key):
        if secret is not None:
            found.append(secret.get_secret_value())
    if settings.proxmox_token is not None:
        token = settings.proxmox_token.get_secret_value().strip()
        found.append(token)
        _id, equals, secret_part = token.partition("=")
        if equals:
            found.append(secret_part)  # PVE may echo the secret alone
    for url in (settings.database_url, settings.redis_url):
        if url:
            try:
                password = urlsplit(url).password
            except ValueError:
                password = None
            if password:
                found.append(password)
    return found


class RedactingFilter(logging.Filter):
    """Rewrites each record before any handler formats it: message, arguments and traceback scrubbed."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redactor = redactor
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: keep what there is
            message = f"{record.msg} {record.args}"
        record.msg = self._redactor.scrub_url_queries(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redactor.scrub_url_queries(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redactor.scrub_url_queries(record.stack_info)
        # Uvicorn keeps a coloured copy of some messages; it would print the original.
        if hasattr(record, "color_message"):
            del record.color_message
        return True


def configure_server_logging(settings: Settings, level: int = logging.INFO, fmt: str = "%(message)s") -> Redactor:
    """One handler on the root logger (stderr, one line per record), every record scrubbed. Servers run
    uvicorn with ``log_config=None`` so its loggers reach this handler too."""
    redactor = Redactor.from_settings(settings)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(fmt))
    handler.addFilter(RedactingFilter(redactor))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return redactor
