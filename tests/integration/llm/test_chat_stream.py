"""Chat streaming against a real ``llama_cpp.server`` (SmolLM2-135M): the reply comes in several pieces as
the model writes it, while the turn (what was read, listed or planned) is ALMA's; without a model, one
piece. Over the API the pieces are server-sent ``delta`` events, then the ``turn``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from alma.api import create_app
from alma.bootstrap import Services, build
from alma.chat import ChatDelta, ChatStream, ChatTurn
from alma.settings import Settings
from tests.conftest import make_settings
from tests.integration.llm.server import MODEL_ALIAS
from tests.integration.llm.test_generation_llm import alma
from tests.unit.api.harness import events

LIST = "list all resources"


def with_model(home: Path, base_url: str) -> Settings:
    return make_settings(
        home, llm_base_url=base_url, llm_model=MODEL_ALIAS, llm_json_mode="json_object_schema", llm_max_tokens=128
    )


async def said(stream: ChatStream) -> tuple[list[str], ChatTurn]:
    pieces: list[str] = []
    final = stream.turn
    async for chunk in stream:
        if isinstance(chunk, ChatDelta):
            pieces.append(chunk.text)
        else:
            final = chunk
    return pieces, final


@pytest.fixture
async def modelled(llm_base_url: str, tmp_path: Path) -> AsyncIterator[Services]:
    async with await build(with_model(tmp_path / "home", llm_base_url)) as services:
        yield services


async def test_with_the_model_the_reply_streams_in_several_pieces(modelled: Services, services: Services) -> None:
    pieces, final = await said(await modelled.chat.turn_stream(LIST, "s"))
    offline_pieces, offline = await said(await services.chat.turn_stream(LIST, "s"))
    assert len(pieces) > 1
    assert final.phrased == "".join(pieces) and final.phrased.strip()
    assert offline_pieces == [offline.reply] and offline.phrased is None
    # The model said it; what the turn is — its intent, outcome and deterministic reply — is ALMA's.
    assert (final.intent, final.outcome, final.reply) == (offline.intent, offline.outcome, offline.reply)


async def test_the_chat_route_streams_the_models_words_as_server_sent_events(llm_base_url: str, tmp_path: Path) -> None:
    app = create_app(with_model(tmp_path / "home", llm_base_url))
    async with app.router.lifespan_context(app):
        _record, key = await app.state.services.keys.create("ops", "operator")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://alma.test") as client:
            headers = {"X-API-Key": key, "Accept": "text/event-stream"}
            answer = await client.post("/api/v1/conversation/chat", json={"message": LIST}, headers=headers)
            plain = await client.post("/api/v1/conversation/chat", json={"message": LIST}, headers={"X-API-Key": key})
    said = events(answer.text)
    kinds = [kind for kind, _ in said]
    assert kinds.count("delta") > 1 and kinds[-1] == "turn"
    assert said[-1][1]["phrased"] == "".join(data["text"] for kind, data in said if kind == "delta")
    assert plain.json()["phrased"] is None  # plain JSON is the decided turn, without the model's words


def test_alma_chat_streams_the_reply_in_the_terminal(llm_base_url: str, tmp_path: Path) -> None:
    env = {"ALMA_LLM_BASE_URL": llm_base_url, "ALMA_LLM_MODEL": MODEL_ALIAS, "ALMA_LLM_JSON_MODE": "json_object_schema"}
    result = alma(tmp_path / "home", "chat", "--session", "s", LIST, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("operator: ")
    assert len(result.stdout.strip()) > len("operator:")
