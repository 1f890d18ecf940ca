"""Chat said as a stream: the turn is decided first (plan, risk decision, token), then it is said — with
a model configured, the model's words and then the reply verbatim; without one, the reply as one piece.
Confirming applies a plan, so it needs the right to apply. The model is a scripted OpenAI-compatible
server on loopback (real HTTP)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alma.bootstrap import Services, build
from alma.chat import ChatDelta, ChatStream, ChatTurn
from alma.errors import RefusedError
from alma.generation import compose
from tests.conftest import make_settings
from tests.scripted_model import ScriptedModel

DEPLOY = "deploy a postgres database named db-01"
WORDS = "Right, I have planned the database for you."


async def said(stream: ChatStream) -> tuple[list[str], ChatTurn]:
    pieces: list[str] = []
    final: ChatTurn | None = None
    async for chunk in stream:
        if isinstance(chunk, ChatDelta):
            assert final is None, "every piece comes before the turn"
            pieces.append(chunk.text)
        else:
            final = chunk
    assert final is not None
    return pieces, final


async def names(services: Services) -> list[str]:
    return sorted(r.name for r in await services.stacks.resources())


@pytest.fixture
async def modelled(tmp_path: Path) -> AsyncIterator[tuple[Services, ScriptedModel]]:
    """Services whose configured model first drafts the deploy's blueprint (the building blocks' one,
    unchanged), then words one reply."""
    async with ScriptedModel(json.dumps(compose(DEPLOY, "fake").data), WORDS) as model:
        settings = make_settings(tmp_path / "home", llm_base_url=model.base_url, llm_model="scripted")
        async with await build(settings) as services:
            yield services, model


async def test_without_a_model_the_reply_is_said_as_one_piece(services: Services) -> None:
    stream = await services.chat.turn_stream(DEPLOY, "s")
    pieces, final = await said(stream)
    assert pieces == [stream.turn.reply]
    assert final == stream.turn
    assert final.phrased is None
    assert final.as_json()["phrased"] is None


async def test_with_a_model_its_words_stream_first_and_the_reply_follows_verbatim(
    modelled: tuple[Services, ScriptedModel],
) -> None:
    services, model = modelled
    stream = await services.chat.turn_stream(DEPLOY, "s")
    decided = stream.turn
    assert decided.outcome == "planned" and decided.risk is not None and decided.risk.token is not None
    pieces, final = await said(stream)
    assert len(pieces) > 2
    assert "".join(pieces[:-1]) == WORDS
    assert pieces[-1] == "\n" + decided.reply
    assert f"confirm {decided.risk.token}" in pieces[-1]
    assert final.phrased == "".join(pieces)
    # The model spoke; the turn — its reply, plan, risk decision and token — is ALMA's.
    assert final.reply == decided.reply
    assert (final.plan, final.risk) == (decided.plan, decided.risk)
    assert decided.risk.token not in model.said_to(1)
    assert "the plan for stack db-stack: 2 to create" in model.said_to(1)
    assert await names(services) == []


async def test_the_models_pieces_are_said_with_single_spaces(tmp_path: Path) -> None:
    async with ScriptedModel("\n\n  Sure.\n\nThe   list   is   empty.  ") as model:
        settings = make_settings(tmp_path / "home", llm_base_url=model.base_url, llm_model="scripted")
        async with await build(settings) as services:
            pieces, final = await said(await services.chat.turn_stream("list all resources", "s"))
    assert final.phrased == f"Sure. The list is empty.\n{final.reply}"
    assert len(pieces) > 3


async def test_a_model_that_fails_while_wording_leaves_the_deterministic_reply(tmp_path: Path) -> None:
    async with ScriptedModel(json.dumps(compose(DEPLOY, "fake").data), 500) as model:
        settings = make_settings(tmp_path / "home", llm_base_url=model.base_url, llm_model="scripted")
        async with await build(settings) as services:
            stream = await services.chat.turn_stream(DEPLOY, "s")
            pieces, final = await said(stream)
    assert pieces == [stream.turn.reply]
    assert final.phrased is None


async def test_a_caller_who_may_not_apply_cannot_confirm_and_the_plan_keeps_waiting(services: Services) -> None:
    chat = services.chat
    await chat.turn(DEPLOY, "s")
    with pytest.raises(RefusedError, match="may not apply"):
        await chat.turn_stream("yes", "s", may_apply=False)
    assert await names(services) == []
    applied = await chat.turn("yes", "s")  # it was not withdrawn: one who may apply still can
    assert applied.outcome == "applied"
    assert await names(services) == ["db-01", "db-01-data"]


async def test_with_nothing_waiting_a_yes_applies_nothing_whoever_says_it(services: Services) -> None:
    turn = await services.chat.turn("yes", "s", may_apply=False)
    assert (turn.outcome, turn.reply) == ("answered", "Nothing is waiting for your confirmation.")
    assert await names(services) == []


@pytest.mark.parametrize(
    "words",
    [
        "You can't answer a question about the plan.",  # what SmolLM2 once said: not about the request
        "Done, db-01 has been created.",  # nothing ran yet
        "I will also set up db-99 for you.",  # a name the turn does not hold
        "I'll delete the old database first.",  # an act the plan does not do
    ],
)
async def test_a_model_sentence_that_does_not_fit_the_turn_is_not_said(tmp_path: Path, words: str) -> None:
    async with ScriptedModel(json.dumps(compose(DEPLOY, "fake").data), words) as model:
        settings = make_settings(tmp_path / "home", llm_base_url=model.base_url, llm_model="scripted")
        async with await build(settings) as services:
            stream = await services.chat.turn_stream(DEPLOY, "s")
            pieces, final = await said(stream)
    assert pieces == [stream.turn.reply]
    assert final.phrased is None


async def test_only_the_sentences_that_fit_are_said(tmp_path: Path) -> None:
    words = "As an AI I have no opinion. The database db-01 is planned and waits for you."
    async with ScriptedModel(json.dumps(compose(DEPLOY, "fake").data), words) as model:
        settings = make_settings(tmp_path / "home", llm_base_url=model.base_url, llm_model="scripted")
        async with await build(settings) as services:
            stream = await services.chat.turn_stream(DEPLOY, "s")
            _, final = await said(stream)
    assert final.phrased == f"The database db-01 is planned and waits for you.\n{stream.turn.reply}"
