"""``Settings`` made without validation (``plain_values``) when only plain settings are set: on the same
environments and arguments, the very values, of the very types, that validation makes; anything else is
validated, errors included."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from alma.settings import NAME_LISTS, Settings, plain_values
from alma.settings_sources import gather

# (environment, keyword arguments): each is made without validation.
PLAIN: list[tuple[dict[str, str], dict[str, Any]]] = [
    ({}, {}),
    ({"ALMA_HOME": "/tmp/alma-x"}, {}),
    ({"ALMA_HOME": ""}, {}),
    ({"alma_home": "relative/dir", "ALMA_DATABASE_URL": "postgresql://u@h/db"}, {}),
    ({"ALMA_USER": "  ada  "}, {}),
    ({"ALMA_USER": "   "}, {}),
    ({"ALMA_REDIS_URL": "", "ALMA_DRIFT_CHECK_CRON": "  "}, {}),
    ({"ALMA_REDIS_URL": "redis://h:6379/0", "ALMA_DRIFT_CHECK_CRON": "0 * * * *", "ALMA_REDIS_CHANNEL": " c "}, {}),
    ({"ALMA_WORKFLOW_CHECKPOINTS": "/tmp/w.db", "ALMA_KUBECONFIG": "", "ALMA_PROXMOX_CA_BUNDLE": "ca.pem"}, {}),
    ({"ALMA_LLM_BASE_URL": "http://llm", "ALMA_LLM_MODEL": "m", "ALMA_PROXMOX_USER": "root@pam"}, {}),
    ({"ALMA_HOME": "/tmp/env"}, {"home": Path("/tmp/given"), "database_url": None, "user": "bob"}),
    ({}, {"home": "/tmp/as-text", "workflow_checkpoints": None, "proxmox_node": "pve1"}),
]

# Each of these is validated (one setting that is not plain is enough).
VALIDATED: list[tuple[dict[str, str], dict[str, Any]]] = [
    ({"ALMA_HOME": "/tmp/x", "ALMA_PARALLELISM": "7"}, {}),
    ({"ALMA_API_KEY": "k" * 24}, {}),
    ({"ALMA_PROXMOX_URL": "https://pve:8006"}, {}),
    ({"ALMA_DOCKER_DEFAULT_BIND": "0.0.0.0"}, {}),
    ({}, {"user": None}),
    ({}, {"redis_channel": None}),
    ({}, {"home": 3}),
]


def set_environment(monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]) -> None:
    for name in list(os.environ):
        if name.upper().startswith("ALMA_"):
            monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)


def validated(given: dict[str, Any]) -> Settings:
    """What validating the gathered values makes (``model_validate`` does not call ``Settings.__init__``)."""
    return Settings.model_validate(gather(Settings, given, NAME_LISTS))


def state(settings: Settings) -> tuple[Any, ...]:
    """Everything a model holds, with each value's type: equal settings of different types must differ."""
    values = {name: (type(value), repr(value)) for name, value in settings.__dict__.items()}
    return (
        list(values.items()),
        settings.model_fields_set,
        settings.__pydantic_extra__,
        settings.__pydantic_private__,
    )


@pytest.mark.parametrize(("environment", "given"), PLAIN)
def test_plain_settings_are_what_validation_makes(
    environment: dict[str, str], given: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_environment(monkeypatch, environment)
    assert plain_values(gather(Settings, given, NAME_LISTS)) is not None
    made = Settings(**given)
    assert state(made) == state(validated(given))
    assert made == validated(given)
    assert made.model_dump(mode="json") == validated(given).model_dump(mode="json")


@pytest.mark.parametrize(("environment", "given"), VALIDATED)
def test_anything_else_is_validated(
    environment: dict[str, str], given: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_environment(monkeypatch, environment)
    assert plain_values(gather(Settings, given, NAME_LISTS)) is None
    refused: ValidationError | None = None
    try:
        expected = state(validated(given))
    except ValidationError as exc:
        refused = exc
    if refused is not None:  # refused the same way, with the same errors
        with pytest.raises(ValidationError) as raised:
            Settings(**given)
        assert raised.value.errors() == refused.errors()
        return
    assert state(Settings(**given)) == expected


def test_bad_values_are_refused_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    set_environment(monkeypatch, {"ALMA_HOME": "/tmp/x", "ALMA_FAKE_LATENCY_MS": "-1"})
    with pytest.raises(ValidationError, match="fake_latency_ms"):
        Settings()
    set_environment(monkeypatch, {"ALMA_PROXMOX_URL": "http://pve:8006"})
    with pytest.raises(ValidationError, match="travel in clear"):
        Settings()


def test_settings_made_without_validation_behave_as_validated_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    set_environment(monkeypatch, {"ALMA_HOME": "/tmp/h", "ALMA_DATABASE_URL": "postgres://u@h/db"})
    made = Settings()
    assert made.resolved_database_url == "postgresql+asyncpg://u@h/db"
    assert made.postgres_url == "postgresql://u@h/db"
    assert made.model_copy(update={"parallelism": 3}).parallelism == 3
    assert Settings.model_validate(made.model_dump()) == made
