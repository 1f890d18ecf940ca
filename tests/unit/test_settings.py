"""Settings: one object, environment prefix ALMA_, an optional YAML file, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from alma.settings import Settings


def test_defaults_are_the_embedded_ones(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.home == Path.home() / ".alma"
    assert settings.resolved_database_url == f"sqlite+aiosqlite:///{Path.home() / '.alma' / 'alma.db'}"
    assert (settings.fake_latency_ms, settings.fake_fail_rate, settings.parallelism) == (0, 0, 10)


def test_environment_variables_with_the_alma_prefix_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALMA_HOME", str(tmp_path))
    monkeypatch.setenv("ALMA_FAKE_LATENCY_MS", "20")
    monkeypatch.setenv("ALMA_FAKE_FAIL_RATE", "0.25")
    monkeypatch.setenv("ALMA_FAKE_SEED", "42")
    monkeypatch.setenv("ALMA_FAKE_FAIL_RESOURCES", "db-01, web-01")
    monkeypatch.setenv("ALMA_QUOTAS", '{"fake": {"cores": 8}}')
    settings = Settings()
    assert settings.home == tmp_path
    assert settings.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path / 'alma.db'}"
    assert (settings.fake_latency_ms, settings.fake_fail_rate, settings.fake_seed) == (20, 0.25, 42)
    assert settings.fake_fail_resources == ["db-01", "web-01"]
    assert settings.quotas["fake"].cores == 8


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite+aiosqlite:////tmp/x.db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_database_urls_get_an_async_driver(given: str, used: str) -> None:
    assert Settings(database_url=given).resolved_database_url == used


def test_a_yaml_config_file_named_by_alma_config_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "alma.yaml"
    config.write_text("parallelism: 25\nprovider_parallelism: {fake: 5}\nuser: from-file\n")
    monkeypatch.setenv("ALMA_CONFIG", str(config))
    monkeypatch.setenv("ALMA_USER", "from-env")
    settings = Settings()
    assert settings.parallelism == 25
    assert settings.provider_parallelism == {"fake": 5}
    assert settings.user == "from-env"  # the environment wins over the file


@pytest.mark.parametrize(
    ("variable", "value"),
    [("ALMA_FAKE_FAIL_RATE", "1.5"), ("ALMA_FAKE_LATENCY_MS", "-1"), ("ALMA_PARALLELISM", "0")],
)
def test_out_of_range_settings_are_refused(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError):
        Settings()
