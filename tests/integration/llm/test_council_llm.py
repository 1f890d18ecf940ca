"""The council's narrative against a real ``llama_cpp.server`` (SmolLM2-135M): prose about the decree,
which stays the council's; without a model the decree says it has none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alma.bootstrap import Services
from alma.generation import compose
from alma.services.generation import NO_MODEL, CouncilReport, GenerationService, blueprint_yaml
from tests.integration.llm.conftest import BackendMaker
from tests.integration.llm.server import MODEL_ALIAS
from tests.integration.llm.test_generation_llm import alma

BLUEPRINT = blueprint_yaml(compose("a web server and a postgres database", "docker").data)


def decided(report: CouncilReport) -> dict[str, Any]:
    body = report.as_json()
    body["decree"] = {k: v for k, v in body["decree"].items() if k not in ("narrative", "notes")}
    return body


async def test_with_the_model_the_decree_gains_a_narrative_and_keeps_its_findings(
    services: Services, make_backend: BackendMaker
) -> None:
    offline = await services.generation.convene_on_blueprint(BLUEPRINT, "web.yaml")
    generation = GenerationService(services.settings, services.blueprints, llm=make_backend())
    report = await generation.convene_on_blueprint(BLUEPRINT, "web.yaml")
    assert isinstance(report.decree.narrative, str) and report.decree.narrative.strip()
    assert report.as_json()["decree"]["narrative"] == report.decree.narrative
    assert decided(report) == decided(offline)
    assert offline.decree.narrative is None and NO_MODEL in offline.notes


def test_council_convene_shows_the_narrative_with_a_model_and_null_without(llm_base_url: str, tmp_path: Path) -> None:
    stack = tmp_path / "web.yaml"
    stack.write_text(BLUEPRINT)
    model = {
        "ALMA_LLM_BASE_URL": llm_base_url,
        "ALMA_LLM_MODEL": MODEL_ALIAS,
        "ALMA_LLM_JSON_MODE": "json_object_schema",
        "ALMA_LLM_MAX_TOKENS": "128",
    }
    shown = alma(tmp_path / "home", "council", "convene", str(stack), **model)
    assert shown.returncode == 0, shown.stderr
    assert "narrative (the language model's summary; the decree above is the council's):" in shown.stdout
    with_model = json.loads(alma(tmp_path / "home", "council", "convene", str(stack), "--json", **model).stdout)
    assert isinstance(with_model["decree"]["narrative"], str)
    without = json.loads(alma(tmp_path / "home", "council", "convene", str(stack), "--json").stdout)
    assert without["decree"]["narrative"] is None
    assert NO_MODEL in without["decree"]["notes"]
    assert with_model["findings"] == without["findings"]
    assert with_model["blueprint"] == without["blueprint"]
