"""``POST /api/v1/conversation/chat`` through a real ASGI client: the turn's JSON by default, the reply as
server-sent events on request, the plan permission to talk and nothing applied without a plan the
caller was shown and confirmed in that session."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from alma.generation import compose
from tests.conftest import make_settings
from tests.scripted_model import ScriptedModel
from tests.unit.api.harness import Api, events, serving

CHAT = "/api/v1/conversation/chat"
DEPLOY = "deploy a postgres database named db-01"
SSE = {"Accept": "text/event-stream"}


class ChatApi(Api):
    async def chat(self, who: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(CHAT, json=body, headers={**self.as_(who), **(headers or {})})

    async def names(self) -> list[str]:
        return sorted(r.name for r in await self.services.stacks.resources())


KEYS = (("ops", "operator"), ("eve", "viewer"), ("bob", "approver"))


@pytest.fixture
async def api(tmp_path: Path, database_url: str) -> AsyncIterator[ChatApi]:
    async for served in serving(make_settings(tmp_path, database_url), KEYS, ChatApi):
        yield served


async def test_a_message_answers_with_the_turn_and_nothing_runs_until_it_is_confirmed(api: ChatApi) -> None:
    shown = await api.chat("ops", {"message": DEPLOY})
    assert shown.status_code == 200
    turn = shown.json()
    assert (turn["outcome"], turn["risk"]["decision"], turn["phrased"]) == ("planned", "allow", None)
    assert turn["plan"]["summary"]["create"] == 2 and turn["session"].startswith("chat-")
    assert await api.names() == []
    applied = await api.chat("ops", {"message": f"confirm {turn['risk']['token']}", "session": turn["session"]})
    assert applied.json()["outcome"] == "applied"
    assert await api.names() == ["db-01", "db-01-data"]


async def test_a_confirmation_in_a_session_that_showed_no_plan_applies_nothing(api: ChatApi) -> None:
    shown = (await api.chat("ops", {"message": DEPLOY, "session": "one"})).json()
    elsewhere = await api.chat("ops", {"message": f"confirm {shown['risk']['token']}", "session": "two"})
    assert elsewhere.json()["reply"] == "Nothing is waiting for your confirmation."
    assert (await api.chat("ops", {"message": "yes", "session": "three"})).json()["outcome"] == "answered"
    assert await api.names() == []


async def test_with_accept_event_stream_the_reply_comes_as_deltas_then_the_turn(api: ChatApi) -> None:
    answer = await api.chat("ops", {"message": DEPLOY, "session": "s"}, SSE)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/event-stream")
    said = events(answer.text)
    assert [kind for kind, _ in said] == ["delta", "turn"]  # no model: the deterministic reply, in one piece
    turn = said[-1][1]
    assert said[0][1] == {"text": turn["reply"]}
    assert (turn["outcome"], turn["session"], turn["phrased"]) == ("planned", "s", None)


async def test_talking_needs_the_plan_permission(api: ChatApi) -> None:
    for who in ("eve", "bob"):  # a viewer and an approver: neither may plan
        refused = await api.chat(who, {"message": DEPLOY})
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "may not plan" in refused.json()["detail"]
    nobody = await api.client.post(CHAT, json={"message": DEPLOY})
    assert nobody.status_code == 401
    assert await api.services.stacks.stacks() == []


@pytest.mark.parametrize(
    "body",
    [{}, {"message": ""}, {"message": "x" * 4001}, {"message": "hi", "session": "-bad"}, {"message": "a\x00b"}],
)
async def test_a_body_that_is_no_message_is_refused_with_a_problem(api: ChatApi, body: dict[str, Any]) -> None:
    refused = await api.chat("ops", body)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")


async def test_with_a_model_the_stream_carries_its_words_then_the_reply_with_the_token(tmp_path: Path) -> None:
    words = "Sure, the database is planned and waits for you."
    async with ScriptedModel(json.dumps(compose(DEPLOY, "fake").data), words) as model:
        settings = make_settings(tmp_path / "home", llm_base_url=model.base_url, llm_model="scripted")
        async for api in serving(settings, KEYS, ChatApi):
            answer = await api.chat("ops", {"message": DEPLOY, "session": "s"}, SSE)
            said = events(answer.text)
            assert await api.names() == []
    kinds = [kind for kind, _ in said]
    assert kinds[-1] == "turn" and kinds.count("delta") > 2
    turn = said[-1][1]
    streamed = "".join(data["text"] for kind, data in said if kind == "delta")
    assert streamed == turn["phrased"]
    assert streamed == f"{words}\n{turn['reply']}"
    assert f"confirm {turn['risk']['token']}" in turn["reply"]
