"""Settings that would weaken the HTTP surfaces are refused at start-up, with the reason and what to do:
a short ``ALMA_API_KEY``, CORS for every origin, a Proxmox API over plain HTTP (unless allowed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from alma.settings import MIN_API_KEY_LENGTH, Settings


def test_a_short_admin_key_is_refused_with_the_reason() -> None:
    with pytest.raises(ValidationError, match=f"at least {MIN_API_KEY_LENGTH} characters"):
        Settings(api_key="a")
    assert Settings(api_key="k" * MIN_API_KEY_LENGTH).api_key is not None


@pytest.mark.parametrize("origins", ["*", "https://ok.example,*", "example.com", "https://example.com/path"])
def test_cors_for_any_origin_or_for_something_that_is_not_an_origin_is_refused(origins: str) -> None:
    with pytest.raises(ValidationError, match="origin"):
        Settings(api_cors_origins=origins)


def test_named_origins_are_accepted() -> None:
    settings = Settings(api_cors_origins="https://console.example.com, http://localhost:5173")
    assert settings.api_cors_origins == ["https://console.example.com", "http://localhost:5173"]


def test_a_proxmox_url_over_plain_http_is_refused_unless_allowed() -> None:
    with pytest.raises(ValidationError, match="travel in clear"):
        Settings(proxmox_url="http://pve.example:8006")
    assert Settings(proxmox_url="http://pve.example:8006", proxmox_allow_http=True).proxmox_allow_http
    assert Settings(proxmox_url="https://pve.example:8006").proxmox_url == "https://pve.example:8006"


def test_the_server_refuses_to_start_with_a_short_key_and_says_why(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env.update(ALMA_HOME=str(tmp_path / "home"), ALMA_API_KEY="a")
    run = subprocess.run(
        [sys.executable, "-m", "alma", "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 1
    assert "ALMA_API_KEY" in run.stderr and f"at least {MIN_API_KEY_LENGTH} characters" in run.stderr
