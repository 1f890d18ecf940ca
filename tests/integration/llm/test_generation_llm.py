"""LLM-assisted generation against a real ``llama_cpp.server`` (SmolLM2-135M): the blueprint schema is one
the server constrains its answer to, and whatever the model drafts, the blueprint handed out validates —
the model's, or the building blocks' with a note saying why. SmolLM2-135M is weak: these tests assert the
rules, not that it understood. The ``--no-llm`` tests need no server and always run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from alma.bootstrap import Services
from alma.generation import PROVIDERS, BuildingBlockDrafter
from alma.generation.llm_drafting import LLMDrafter, blueprint_schema
from alma.llm import Message
from alma.services.generation import MODEL_NOT_ASKED, GenerationService
from tests.integration.llm.conftest import BackendMaker
from tests.integration.llm.server import free_port

CACHE = "a redis cache"


def alma(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    result = subprocess.run(
        [sys.executable, "-m", "alma", *args],
        env={**clean, "ALMA_HOME": str(home), "COLUMNS": "250", **env},
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_the_server_constrains_its_answer_to_each_providers_blueprint_schema(
    make_backend: BackendMaker, provider: str
) -> None:
    backend = make_backend(max_tokens=8)
    ask: list[Message] = [{"role": "user", "content": "Write a blueprint as JSON."}]
    answer = await backend.complete(ask, json_schema=blueprint_schema(provider))
    # Eight tokens of an answer the grammar shapes: the blueprint object's first key, in the schema's order.
    assert answer.lstrip().startswith('{ "version":') or answer.lstrip().startswith('{"version":'), answer


@pytest.mark.timeout(600)  # two grammar-constrained answers on a shared CPU
async def test_what_the_model_drafts_is_handed_out_only_when_it_validates(
    services: Services, make_backend: BackendMaker
) -> None:
    backend = make_backend(timeout_s=240)
    drafter = LLMDrafter(backend, max_tokens=160)
    generation = GenerationService(
        services.settings, services.blueprints, drafter=drafter, fallback=BuildingBlockDrafter(), attempts=2
    )
    generated = await generation.generate(CACHE)
    services.blueprints.load(generated.text)  # what `alma validate` runs: it must pass, whoever drafted
    assert generated.drafter in ("llm", "building-blocks")
    if generated.drafter == "llm":
        assert generated.notes[0].startswith("the model ")  # what it changed in the composition
    else:
        assert generated.notes[0].startswith("the llm drafter's ")
        assert "did not validate" in generated.notes[0]


def test_generate_no_llm_asks_no_model_even_when_one_is_configured(tmp_path: Path) -> None:
    # Nothing listens on this port: a model asked at all would be a connection error.
    unreachable = {"ALMA_LLM_BASE_URL": f"http://127.0.0.1:{free_port()}/v1", "ALMA_LLM_MODEL": "none"}
    result = alma(tmp_path / "home", "generate", CACHE, "--no-llm", "--json", **unreachable)
    assert result.returncode == 0, result.stderr
    body: dict[str, Any] = json.loads(result.stdout)
    assert (body["drafter"], body["valid"], body["attempts"]) == ("building-blocks", True, 1)
    council = alma(tmp_path / "home", "council", "convene", CACHE, "--no-llm", "--json", **unreachable)
    assert council.returncode == 0, council.stderr
    decree = json.loads(council.stdout)["decree"]
    assert decree["narrative"] is None
    assert MODEL_NOT_ASKED in decree["notes"]
