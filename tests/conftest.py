"""Shared fixtures: isolated settings, and the same tests over SQLite and PostgreSQL.

PostgreSQL tests run when ``ALMA_TEST_POSTGRES_URL`` names a server (``scripts/test`` and CI set it to
the one on 127.0.0.1:5432); each test session gets its own database, emptied between tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from alma.bootstrap import Services, build
from alma.settings import Settings

PG_ENV = "ALMA_TEST_POSTGRES_URL"
TABLES = ", ".join(
    [
        "api_keys",
        "idempotency_keys",
        "conversation_messages",
        "conversation_sessions",
        "ipr_reviews",
        "ipr_revisions",
        "iprs",
        "engine_kv",
        "events",
        "locks",
        "resources",
        "deployments",
        "plans",
        "blueprints",
        "stacks",
    ]
)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's ALMA_* settings or home directory (ALMA_TEST_* say what servers
    the tests may use: PostgreSQL, Docker)."""
    for key in list(os.environ):
        if key.startswith("ALMA_") and not key.startswith("ALMA_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path / "user-home"))


def _pg_admin(url: str) -> Any:
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set; PostgreSQL tests need a server")
    name = f"alma_test_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin(base)
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'alma.db'}"
    url: str = request.getfixturevalue("postgres_url")
    conn = _pg_admin(url)
    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.stacks')")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    conn.close()
    return url


def make_settings(home: Path, database_url: str | None = None, **overrides: Any) -> Settings:
    # The approval policy is off unless a test turns it on: most tests are about the pipeline's mechanics.
    values: dict[str, Any] = {
        "home": home,
        "user": "tester",
        "retry_base_delay_s": 0.001,
        "retry_max_delay_s": 0.01,
        "approval_actions": [],
        "approval_environments": [],
    }
    if database_url:
        values["database_url"] = database_url
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path / "home", database_url)


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    built = await build(settings)
    try:
        yield built
    finally:
        await built.aclose()
