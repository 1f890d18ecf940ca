"""Every operation of the OpenAPI document, fuzzed by Schemathesis with an admin key (past authentication,
into the handlers) and without one, with **every check** Schemathesis has: no server error; status codes,
content types, headers and bodies as the document says (problem JSON for every refusal, declared once for
all routes); schema-violating requests refused; schema-valid ones accepted; auth not ignored; unsupported
methods refused with an ``Allow`` that lists the path's methods; stateful links.

One expectation is widened, and one narrowed: a schema-valid request may still be refused with 400 or 422,
because the schema says what shape a request has and not what it means — a blueprint is checked against
the providers, their spec models and quotas, an IPR takes exactly one of three sources, a description may
have nothing to compose — and a 5xx is never an acceptable answer to valid data (Schemathesis' default
allows it there).

Schemathesis' own engine runs it, as its CLI would (examples, coverage, fuzzing and stateful phases,
positive and negative data). Its pytest plugin is not used: it relies on a private attribute of pytest's
test items that pytest 9 no longer has.

The app runs in process; Schemathesis' ASGI transport starts its lifespan on its own event-loop thread
on first use, and the fixture shuts that lifespan down so the database is closed when the test ends.
Deterministic: a fixed seed, derandomized generation, no example database, a bounded number of examples
per operation (so the run's length does not depend on the machine either).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from schemathesis.engine import Status, events, from_schema
from schemathesis.python.asgi import shutdown_lifespans

from alma.api import create_app
from tests.conftest import make_settings

ADMIN_KEY = "schemathesis-admin-key"
CONFIG = {
    "seed": 20240601,
    "headers": {"X-API-Key": ADMIN_KEY},
    "generation": {"mode": "all", "max-examples": 10, "deterministic": True, "database": "none"},
    "checks": {
        "enabled": True,
        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]},
    },
}


@pytest.fixture
def api_schema(tmp_path: Path, database_url: str) -> Iterator[schemathesis.BaseSchema]:
    settings = make_settings(
        tmp_path,
        database_url,
        api_key=ADMIN_KEY,
        api_rate_limit_per_minute=1_000_000,  # the fuzzer sends far more than an operator's key would
        api_failed_auth_per_minute=1_000_000,  # and far more wrong keys (its auth checks expect 401, not 429)
    )
    app = create_app(settings)
    config = schemathesis.Config.from_dict(CONFIG)
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    finally:
        shutdown_lifespans()  # the app's lifespan: services closed, the database released


def failures(schema: schemathesis.BaseSchema) -> tuple[list[str], int]:
    """Every failed check and every error of one engine run, readable; and how many requests were made."""
    found: list[str] = []
    requests = 0
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            requests += len(event.recorder.interactions)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        found.append(
                            f"{event.phase.value} {event.recorder.label}: {failure.title}\n"
                            f"{check.failure_info.code_sample}"
                        )
        elif isinstance(event, events.NonFatalError):
            found.append(f"{event.phase} {event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            raise event.exception
        elif isinstance(event, events.EngineFinished):
            found.extend(f"after the run: {failure.title}: {failure.message}" for failure in event.failures)
    return found, requests


def test_every_operation_passes_every_check(api_schema: schemathesis.BaseSchema) -> None:
    found, requests = failures(api_schema)
    assert not found, "\n\n".join(found)
    assert requests > 500  # the run reached every operation, not just the first few
