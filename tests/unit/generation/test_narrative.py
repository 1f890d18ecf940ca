"""The council's narrative: with a model configured, its prose summary of the decree; without one, none,
and the decree says why. Either way the findings, the verdict and the revised blueprint are the council's
alone. The model is a scripted OpenAI-compatible server on loopback (real HTTP)."""

from __future__ import annotations

from typing import Any

from alma.bootstrap import Services
from alma.generation import compose
from alma.generation.narrative import MAX_NARRATIVE
from alma.services.generation import MODEL_NOT_ASKED, NO_MODEL, CouncilReport, GenerationService, blueprint_yaml
from tests.scripted_model import ScriptedModel

EXAMPLE = "a web app with two nginx containers behind a load balancer and a postgres database"
BLUEPRINT = blueprint_yaml(compose(EXAMPLE, "docker").data)
PROSE = "The council approved the design once it added health checks.\n\nThe database still has no replica."


def decided(report: CouncilReport) -> dict[str, Any]:
    """The decree without what the model may add: what must be the same with and without it."""
    body = report.as_json()
    body["decree"] = {k: v for k, v in body["decree"].items() if k not in ("narrative", "notes")}
    return body


async def test_without_a_model_the_decree_has_no_narrative_and_says_why(services: Services) -> None:
    report = await services.generation.convene(EXAMPLE, "docker")
    assert report.decree.narrative is None
    decree = report.as_json()["decree"]
    assert decree["narrative"] is None
    assert NO_MODEL in decree["notes"]


async def test_with_a_model_the_decree_gains_its_prose_and_nothing_else_changes(
    services: Services, backend_for: Any
) -> None:
    offline = await services.generation.convene_on_blueprint(BLUEPRINT, "web.yaml")
    async with ScriptedModel(PROSE) as model:
        generation = GenerationService(services.settings, services.blueprints, llm=backend_for(model))
        report = await generation.convene_on_blueprint(BLUEPRINT, "web.yaml")
    assert report.decree.narrative == " ".join(PROSE.split())
    assert report.as_json()["decree"]["narrative"] == report.decree.narrative
    assert decided(report) == decided(offline)
    assert report.text == offline.text
    told = model.said_to(0)
    assert f"Verdict: {offline.decree.verdict.replace('_', ' ')}" in told
    assert all(f.message.rstrip(".") in told for f in offline.decree.findings)


async def test_a_failing_model_leaves_the_decree_whole_and_without_a_narrative(
    services: Services, backend_for: Any
) -> None:
    offline = await services.generation.convene_on_blueprint(BLUEPRINT, "web.yaml")
    async with ScriptedModel(500) as model:
        generation = GenerationService(services.settings, services.blueprints, llm=backend_for(model))
        report = await generation.convene_on_blueprint(BLUEPRINT, "web.yaml")
    assert report.decree.narrative is None
    assert any(n.startswith("the language model failed (") for n in report.notes)
    assert decided(report) == decided(offline)


async def test_the_model_is_not_asked_when_the_caller_says_so(services: Services, backend_for: Any) -> None:
    async with ScriptedModel() as model:
        generation = GenerationService(services.settings, services.blueprints, llm=backend_for(model))
        report = await generation.convene(EXAMPLE, "docker", use_model=False)
    assert (report.decree.narrative, model.requests) == (None, [])
    assert MODEL_NOT_ASKED in report.notes


async def test_a_long_answer_is_trimmed_and_an_empty_one_is_no_narrative(services: Services, backend_for: Any) -> None:
    async with ScriptedModel("word " * 1000, "   ") as model:
        generation = GenerationService(services.settings, services.blueprints, llm=backend_for(model))
        long = await generation.convene_on_blueprint(BLUEPRINT, "web.yaml")
        empty = await generation.convene_on_blueprint(BLUEPRINT, "web.yaml")
    assert long.decree.narrative is not None and len(long.decree.narrative) <= MAX_NARRATIVE
    assert long.decree.narrative.endswith("word…")
    assert empty.decree.narrative is None
    assert "the language model answered nothing: the decree has no narrative" in empty.notes
