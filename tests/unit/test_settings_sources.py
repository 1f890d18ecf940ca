"""``settings_sources.gather`` reads the environment itself only where pydantic-settings' rules are plain: on
the same environments its values, and the settings they make, equal pydantic-settings' own."""

from __future__ import annotations

from pathlib import Path

import pytest

from alma.errors import ConfigurationError, InvalidInputError
from alma.settings import NAME_LISTS, Settings
from alma.settings_sources import _through_pydantic_settings, gather

ENVIRONMENTS: list[dict[str, str]] = [
    {},
    {"ALMA_HOME": "/tmp/alma-x", "ALMA_FAKE_LATENCY_MS": "20", "ALMA_PARALLELISM": "7"},
    {"alma_home": "/tmp/lower", "ALMA_API_KEY": "k" * 24, "ALMA_ROLE": "viewer"},
    {"ALMA_APPROVAL_ACTIONS": "delete, replace,update", "ALMA_API_CORS_ORIGINS": '["http://a", "http://b"]'},
    {"ALMA_FAKE_FAIL_RESOURCES": "", "ALMA_DATABASE_URL": "  ", "ALMA_FAKE_SEED": "3"},
    {"ALMA_QUOTAS": '{"fake": {"cores": 8}}', "ALMA_DOCKER_DEFAULT_BIND": "0.0.0.0"},
]


def clear_alma(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.upper().startswith("ALMA_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_plain_path_gathers_what_pydantic_settings_gathers(
    environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_alma(monkeypatch)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    given = {"user": "ada"}
    fast = gather(Settings, given, NAME_LISTS)
    slow = _through_pydantic_settings(Settings, given, NAME_LISTS)
    assert fast == slow
    assert Settings.model_validate(fast) == Settings.model_validate(slow)


def test_keyword_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_alma(monkeypatch)
    monkeypatch.setenv("ALMA_PARALLELISM", "3")
    assert Settings(parallelism=9).parallelism == 9
    assert Settings().parallelism == 3


def test_a_config_file_is_read_below_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clear_alma(monkeypatch)
    config = tmp_path / "alma.yaml"
    config.write_text("parallelism: 5\nfake_latency_ms: 12\n")
    monkeypatch.setenv("ALMA_CONFIG", str(config))
    monkeypatch.setenv("ALMA_PARALLELISM", "4")
    settings = Settings()
    assert (settings.parallelism, settings.fake_latency_ms) == (4, 12.0)


def test_a_bad_value_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_alma(monkeypatch)
    monkeypatch.setenv("ALMA_QUOTAS", "{not json")
    with pytest.raises((InvalidInputError, ValueError), match=r"(?i)quotas"):
        Settings()


def test_a_config_file_that_is_missing_unreadable_or_names_an_unknown_setting_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_alma(monkeypatch)
    monkeypatch.setenv("ALMA_CONFIG", str(tmp_path / "missing.yaml"))
    with pytest.raises(ConfigurationError, match="does not exist"):
        Settings()
    monkeypatch.setenv("ALMA_CONFIG", str(tmp_path))
    with pytest.raises(ConfigurationError, match="is a directory"):
        Settings()
    config = tmp_path / "alma.yaml"
    monkeypatch.setenv("ALMA_CONFIG", str(config))
    config.write_text("paralelism: 5\n")
    with pytest.raises(ConfigurationError, match="unknown setting 'paralelism'; did you mean 'parallelism'"):
        Settings()
    config.write_text("parallelism: [5\n")
    with pytest.raises(ConfigurationError, match="cannot be read as YAML"):
        Settings()
    config.write_text("- parallelism\n")
    with pytest.raises(ConfigurationError, match="must be a mapping"):
        Settings()
    config.write_text("# nothing set yet\n")
    assert Settings().parallelism == 10


def test_a_blank_user_is_the_login_name(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_alma(monkeypatch)
    monkeypatch.setenv("ALMA_USER", "  ")
    assert Settings().user.strip() != ""
