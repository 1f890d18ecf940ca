"""The one redaction point: configured secrets and credential shapes scrubbed from text, JSON values and
log records (their arguments and tracebacks too), and events stored through the write buffer."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from alma.bootstrap import build
from alma.redaction import MASK, RedactingFilter, Redactor, configured_secrets
from tests.conftest import make_settings

TOKEN_SECRET = "0b9a6c2e-55aa-4c61-9bd5-secret"
TOKEN = f"root@pam!alma={TOKEN_SECRET}"
ADMIN_KEY = "admin-key-that-is-long-enough"


def test_every_configured_secret_is_known_in_each_form_it_may_be_seen_in(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        api_key=ADMIN_KEY,
        proxmox_url="https://pve.example:8006",
        proxmox_token=TOKEN,
        llm_api_key="llm-secret-value",
        redis_url="redis://:redis-pass-word@127.0.0.1:6379/0",
        database_url="postgresql://alma:db-pass-word@127.0.0.1/alma",
    )
    assert set(configured_secrets(settings)) == {
        ADMIN_KEY,
        TOKEN,
        TOKEN_SECRET,
        "llm-secret-value",
        "redis-pass-word",
        "db-pass-word",
    }


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        (f"GET /version failed (401): bad header PVEAPIToken={TOKEN}", "PVEAPIToken=", TOKEN_SECRET),
        (f"echo: {TOKEN_SECRET}", "echo: ", TOKEN_SECRET),
        ("Authorization: bEaRer   alma_" + "x" * 43, "bEaRer   ", "x" * 43),
        ("a key alma_" + "Zy0-_" * 9 + " in a message", "alma_", "Zy0-_" * 9),
        ("connect postgresql://u:hunter2-long@db/x", "postgresql://u:", "hunter2-long"),
        ("Cookie: PVEAuthCookie=PVE:root@pam:ABC::sig", "PVEAuthCookie=", "PVE:root@pam:ABC::sig"),
        ('{"CSRFPreventionToken": "5E1A:abc"}', "CSRFPreventionToken", "5E1A:abc"),
    ],
)
def test_secrets_and_credential_shapes_are_scrubbed_and_the_rest_kept(text: str, kept: str, gone: str) -> None:
    scrubbed = Redactor([TOKEN, TOKEN_SECRET]).scrub(text)
    assert gone not in scrubbed
    assert kept in scrubbed and MASK in scrubbed


def test_ordinary_text_is_left_alone() -> None:
    text = "alma_http_requests_total counts requests; did you mean 'cores'? a=b"
    assert Redactor(["abc"]).scrub(text) == text.replace("abc", MASK)
    assert Redactor([]).scrub(text) == text


def test_a_secret_too_short_to_tell_from_text_is_not_searched_for() -> None:
    assert Redactor(["ab"]).scrub("a cab") == "a cab"


def test_json_values_are_scrubbed_through_and_through() -> None:
    scrubbed = Redactor([TOKEN_SECRET]).scrub_value({"error": [f"x {TOKEN_SECRET}"], TOKEN_SECRET: 1, "n": 2})
    assert scrubbed == {"error": [f"x {MASK}"], MASK: 1, "n": 2}


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(Redactor([ADMIN_KEY])))
    logger = logging.getLogger("alma.test.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


def test_log_records_lose_secrets_in_arguments_query_strings_and_tracebacks(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info('%s - "WebSocket %s" [accepted]', "127.0.0.1:5000", f"/ws/deployments/1?token={ADMIN_KEY}&after=3")
    try:
        raise RuntimeError(f"failed with key {ADMIN_KEY}")
    except RuntimeError:
        logger.exception("request %s failed", "r1")
    written = stream.getvalue()
    assert ADMIN_KEY not in written
    assert "/ws/deployments/1?token=***&after=***" in written
    assert "RuntimeError: failed with key ***" in written


async def test_events_are_stored_without_configured_secrets(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_key=ADMIN_KEY)
    services = await build(settings)
    try:
        services._store.events.append(
            "web", "engine.failed", f"engine said {ADMIN_KEY}", actor="t", data={"detail": f"echo {ADMIN_KEY}"}
        )
        await services._store.buffer.flush()
        [event] = await services._store.events.list("web")
    finally:
        await services.aclose()
    assert ADMIN_KEY not in event.message and ADMIN_KEY not in str(event.data)
    assert event.message == f"engine said {MASK}"


def test_secret_settings_never_show_in_the_settings_repr(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api_key=ADMIN_KEY)
    assert isinstance(settings.api_key, SecretStr)
    assert ADMIN_KEY not in repr(settings)
