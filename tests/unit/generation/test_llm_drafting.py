"""The LLM drafter over real HTTP (a scripted OpenAI-compatible server on loopback): it starts from the
building blocks' composition, its drafts are validated like any blueprint, problems are fed back with
their paths, and what never validates is never a success — the building blocks step in, and say so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from alma.bootstrap import Services, build
from alma.engines import fake
from alma.engines.proxmox import specs as proxmox_specs
from alma.errors import BlueprintInvalidError, InvalidInputError
from alma.generation import PROVIDERS, BuildingBlockDrafter, compose, generate
from alma.generation.llm_drafting import SPEC_MODELS, LLMDrafter, blueprint_schema, read_draft
from alma.llm import OpenAICompatibleBackend
from alma.services.generation import GenerationService
from tests.conftest import make_settings
from tests.scripted_model import ScriptedModel

CACHE = "a redis cache"


def drafted(text: str = CACHE, provider: str = "fake", **changes: Any) -> str:
    """The building blocks' composition as a model would answer it, with top-level ``changes``."""
    return json.dumps({**compose(text, provider).data, **changes})


def with_specs(specs: dict[str, Any], text: str = CACHE) -> str:
    data = compose(text, "fake").data
    data["resources"][0]["specs"] = specs
    return json.dumps(data)


def service(services: Services, backend: OpenAICompatibleBackend, attempts: int = 3) -> GenerationService:
    return GenerationService(services.settings, services.blueprints, llm=backend, attempts=attempts)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_schema_offers_the_providers_resource_types_with_their_spec_keys_and_no_others(provider: str) -> None:
    schema = blueprint_schema(provider)
    assert schema["additionalProperties"] is False
    items = schema["properties"]["resources"]["items"]["anyOf"]
    assert {item["properties"]["type"]["const"] for item in items} == set(SPEC_MODELS[provider])
    for item in items:
        model = SPEC_MODELS[provider][item["properties"]["type"]["const"]]
        assert item["additionalProperties"] is False
        assert item["properties"]["provider"] == {"const": provider}
        assert set(item["properties"]["specs"]["properties"]) == set(model.model_fields)
        assert item["properties"]["specs"]["additionalProperties"] is False


def test_the_spec_models_are_the_engines_own_for_every_provider_generation_maps() -> None:
    assert set(SPEC_MODELS) == set(PROVIDERS)
    assert SPEC_MODELS["fake"] is fake.SPEC_MODELS
    assert set(SPEC_MODELS["proxmox"]) == proxmox_specs.RESOURCE_TYPES


def test_an_answer_is_read_through_fences_and_prose_and_refused_when_it_is_no_object() -> None:
    assert read_draft('Here:\n```json\n{"name": "x"}\n```') == ({"name": "x"}, ())
    data, rejected = read_draft("I cannot do that")
    assert data == {}
    assert "not JSON" in rejected[0].message
    assert "a JSON list" in read_draft("[1, 2]")[1][0].message


async def test_the_model_adjusts_the_building_blocks_draft_under_the_providers_schema(
    services: Services, backend_for: Any
) -> None:
    async with ScriptedModel(drafted()) as model:
        generated = await service(services, backend_for(model)).generate(CACHE)
    assert (generated.drafter, generated.attempts) == ("llm", 1)
    assert generated.data == compose(CACHE, "fake").data
    assert "kept the building blocks' composition as it was" in generated.notes[0]
    asked = model.requests[0]
    assert asked["response_format"]["json_schema"]["schema"] == blueprint_schema("fake")
    assert '"image":"redis:7-alpine"' in model.said_to(0)  # the draft it starts from
    services.blueprints.load(generated.text)  # what `alma validate` runs


async def test_a_repair_round_hands_the_model_its_draft_and_every_problem_with_its_path(
    services: Services, backend_for: Any
) -> None:
    invented = with_specs({"image": "redis:7-alpine", "replicas": 1, "memroy": "1G"})
    async with ScriptedModel(invented, drafted()) as model:
        generated = await service(services, backend_for(model)).generate(CACHE)
    assert (generated.drafter, generated.attempts) == ("llm", 2)
    repair = model.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant" and '"memroy":"1G"' in repair[-2]["content"]
    assert "resources[0].specs.memroy: unknown spec key 'memroy'" in repair[-1]["content"]


async def test_invented_types_and_keys_never_validate_and_the_building_blocks_step_in_saying_so(
    services: Services, backend_for: Any
) -> None:
    database = json.loads(drafted())
    database["resources"][0]["type"] = "database"
    script = (json.dumps(database), with_specs({"image": "redis", "flavour": "big"}), drafted(name="Not A Label"))
    async with ScriptedModel(*script) as model:
        generated = await service(services, backend_for(model)).generate(CACHE)
    assert (generated.drafter, generated.attempts) == ("building-blocks", 4)
    assert generated.data == compose(CACHE, "fake").data
    assert generated.notes[0].startswith("the llm drafter's 3 draft(s) did not validate (")
    assert "this is the building-blocks drafter's blueprint instead" in generated.notes[0]
    assert "resources[0].type: unknown resource type 'database'" in model.said_to(1)
    assert "unknown spec key 'flavour'" in model.said_to(2)


async def test_an_answer_that_is_not_json_is_fed_back_as_such(services: Services, backend_for: Any) -> None:
    async with ScriptedModel("Sure! A redis cache is a great idea.", drafted()) as model:
        generated = await service(services, backend_for(model)).generate(CACHE)
    assert (generated.drafter, generated.attempts) == ("llm", 2)
    assert "the answer: the answer is not JSON" in model.said_to(1)


async def test_a_valid_draft_that_drops_a_part_the_description_asks_for_is_refused(
    services: Services, backend_for: Any
) -> None:
    text = "a web server and a postgres database"
    without_db = json.loads(drafted(text))
    without_db["resources"] = [r for r in without_db["resources"] if not r["name"].startswith("db")]
    for resource in without_db["resources"]:
        resource.get("dependencies", []).clear()
    answer = json.dumps(without_db)
    async with ScriptedModel(answer, answer) as model:
        generated = await service(services, backend_for(model)).generate(text)
    assert generated.drafter == "building-blocks"  # the same draft twice: the model cannot do better
    assert "resource 'db' of the draft is missing: the request asks for it" in generated.notes[0]
    assert "resource 'db' of the draft is missing" in model.said_to(1)
    assert model.left == 0


async def test_a_failing_model_leaves_the_building_blocks_blueprint_and_says_so(
    services: Services, backend_for: Any
) -> None:
    async with ScriptedModel(503) as model:
        generated = await service(services, backend_for(model)).generate(CACHE)
    assert generated.drafter == "building-blocks"
    assert generated.notes[0].startswith("the llm drafter failed (")
    assert "HTTP 503" in generated.notes[0]


async def test_a_model_that_fails_in_a_repair_round_counts_its_drafts_and_is_replaced(
    services: Services, backend_for: Any
) -> None:
    async with ScriptedModel(with_specs({"image": "redis", "memroy": "1G"}), 500) as model:
        generated = await service(services, backend_for(model)).generate(CACHE)
    assert (generated.drafter, generated.attempts) == ("building-blocks", 2)
    assert generated.notes[0].startswith("the llm drafter failed (")


async def test_without_a_fallback_drafts_that_never_validate_are_refused_with_their_problems(
    services: Services, backend_for: Any
) -> None:
    answers = [with_specs({"image": "redis", "memroy": n}) for n in ("1G", "2G")]
    async with ScriptedModel(*answers) as model:
        drafter = LLMDrafter(backend_for(model))
        with pytest.raises(BlueprintInvalidError, match="unknown spec key 'memroy'"):
            await generate(CACHE, "fake", drafter, services.generation.problems, attempts=2)
    assert len(model.requests) == 2


async def test_a_description_with_nothing_to_compose_is_refused_without_asking_the_model(
    services: Services, backend_for: Any
) -> None:
    async with ScriptedModel() as model:
        with pytest.raises(InvalidInputError, match="nothing I could compose"):
            await service(services, backend_for(model)).generate("make it fast")
    assert model.requests == []


async def test_the_deterministic_path_asks_no_model_even_when_one_is_configured(
    services: Services, backend_for: Any
) -> None:
    async with ScriptedModel() as model:
        generated = await service(services, backend_for(model)).generate(CACHE, use_model=False)
    assert (generated.drafter, model.requests) == ("building-blocks", [])


async def test_an_explicit_drafter_is_used_as_given(services: Services, backend_for: Any) -> None:
    async with ScriptedModel() as model:
        generation = GenerationService(
            services.settings, services.blueprints, drafter=BuildingBlockDrafter(), llm=backend_for(model)
        )
        assert (await generation.generate(CACHE)).drafter == "building-blocks"
    assert model.requests == []


async def test_services_with_a_model_configured_draft_with_it(tmp_path: Path) -> None:
    async with ScriptedModel(drafted()) as model:
        settings = make_settings(tmp_path / "home", llm_base_url=model.base_url, llm_model="scripted")
        async with await build(settings) as services:
            generated = await services.generation.generate(CACHE)
    assert generated.drafter == "llm"
    assert len(model.requests) == 1
