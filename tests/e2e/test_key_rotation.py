"""Rotating a key as an operator does it: revoke the old one, give its holder a new one under the same name,
against a live `alma serve` that keeps running meanwhile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.e2e.hostile import serve

ALMA = [sys.executable, "-m", "alma"]


def _alma(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ALMA, *args], env=env, capture_output=True, text=True, timeout=60, check=False)


def _key(env: dict[str, str], name: str) -> str:
    created = _alma(env, "keys", "create", "--role", "operator", "--name", name)
    assert created.returncode == 0, created.stderr
    return created.stdout.strip().splitlines()[-1]


def test_a_revoked_keys_holder_gets_a_new_key_under_the_same_name_and_only_it_works(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env.update(ALMA_HOME=str(tmp_path / "home"), ALMA_USER="admin")
    old = _key(env, "ci")
    server, base = serve(env, tmp_path / "serve.log")
    try:
        whoami = f"{base}/api/v1/whoami"
        assert httpx.get(whoami, headers={"X-API-Key": old}, timeout=10).json() == {"name": "ci", "role": "operator"}

        assert _alma(env, "keys", "revoke", "ci").returncode == 0
        again = _alma(env, "keys", "revoke", "ci")  # the same command twice: nothing to do, and why
        assert again.returncode == 1 and "API key 'ci' was revoked already" in again.stderr
        new = _key(env, "ci")  # refused before: "exists already; revoke it" of a key revoked a moment ago
        assert httpx.get(whoami, headers={"X-API-Key": new}, timeout=10).json() == {"name": "ci", "role": "operator"}
        assert httpx.get(whoami, headers={"X-API-Key": old}, timeout=10).status_code == 401

        # A second live 'ci' in another case would be a second user people read as the same one.
        twin = _alma(env, "keys", "create", "--role", "admin", "--name", "CI")
        assert twin.returncode == 4 and "a live API key named 'ci' exists already" in twin.stderr
        assert "Traceback" not in twin.stderr
        mistyped = _alma(env, "keys", "revoke", "Ci")
        assert mistyped.returncode == 1 and "did you mean 'ci'?" in mistyped.stderr
        assert httpx.get(whoami, headers={"X-API-Key": new}, timeout=10).status_code == 200
        for odd in ("ci\nadmin", " ci", "admin (ALMA_API_KEY)"):
            refused = _alma(env, "keys", "create", "--role", "viewer", "--name", odd)
            assert refused.returncode == 1 and "cannot name a key" in refused.stderr, refused.stderr

        listed = _alma(env, "keys", "list", "--json")
        revoked = [(k["name"], k["revoked_at"] is not None) for k in json.loads(listed.stdout)]
        assert revoked == [("ci", True), ("ci", False)]  # the old one revoked, the new one live
    finally:
        server.stop()
