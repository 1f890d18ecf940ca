"""The conversational layer over the real store: sessions persist, context carries, nothing else changes."""

from __future__ import annotations

import threading

import pytest

from alma.bootstrap import Services, build
from alma.conversation import IntentParser
from alma.conversation.intent import Intent
from alma.conversation.service import ConversationService
from alma.errors import InvalidInputError
from alma.services.sessions import SessionService
from alma.store import Database, Store


async def test_a_session_remembers_its_focus_between_messages(services: Services) -> None:
    await services.conversation.interpret("deploy a postgres database named db-07", "s-1")
    result = await services.conversation.interpret("stop the database", "s-1")
    assert result.as_json()["target"] == "db-07"
    assert result.risk.decision == "confirm"


async def test_sessions_do_not_share_context(services: Services) -> None:
    await services.conversation.interpret("deploy a postgres database named db-07", "s-1")
    result = await services.conversation.interpret("stop the database", "s-2")
    assert result.as_json()["target"] is None


async def test_without_a_session_nothing_is_remembered(services: Services) -> None:
    await services.conversation.interpret("deploy a vm named solo-1")
    result = await services.conversation.interpret("restart it")
    assert result.reading.target is None


async def test_frustration_is_scored_from_the_stored_messages(services: Services) -> None:
    for text in ["web-01 is down again", "it's STILL broken, this is the third time today"]:
        await services.conversation.interpret(text, "angry")
    result = await services.conversation.interpret("this is ridiculous. JUST DELETE IT NOW", "angry")
    assert result.as_json()["risk"]["decision"] == "block"
    assert result.as_json()["target"] == "web-01"


async def test_both_sides_of_the_conversation_are_recorded(services: Services) -> None:
    await services.conversation.interpret("is web-01 up?", "log-1")
    store = Store(Database(services.settings.resolved_database_url))
    try:
        turns = await SessionService(services.settings, store).turns("log-1")
    finally:
        await store.aclose()
    assert [t.role for t in turns] == ["user", "assistant"]
    assert turns[0].data["intent"] == "status"


async def test_a_session_survives_a_restart_of_the_services(services: Services) -> None:
    await services.conversation.interpret("deploy a redis cache named sess-3", "restart-1")
    async with await build(services.settings) as again:
        result = await again.conversation.interpret("delete the cache", "restart-1")
    assert (result.reading.name, result.reading.target) == ("destroy", "sess-3")


async def test_a_malformed_session_id_is_refused(services: Services) -> None:
    with pytest.raises(InvalidInputError, match="session id"):
        await services.conversation.interpret("is web-01 up?", "no spaces allowed")


async def test_the_json_contract_has_exactly_its_keys(services: Services) -> None:
    answer = (await services.conversation.interpret("Deploy an Alpine LXC named web-01 with 2 cores", "c")).as_json()
    assert list(answer) == ["intent", "destructive", "resources", "target", "risk", "persona", "confidence"]
    assert list(answer["resources"][0]) == ["name", "kind", "template", "cores", "memory_mb", "disk_gb", "count"]
    assert list(answer["risk"]) == ["decision", "frustration"]


class _ThreadNoting(IntentParser):
    """The real parser, noting which thread each reading ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[int] = []

    def parse(self, text: str) -> Intent:
        self.threads.append(threading.get_ident())
        return super().parse(text)


async def test_a_long_message_is_read_off_the_event_loop_and_a_sentence_on_it(services: Services) -> None:
    # A 4,000-character message costs tens of milliseconds of CPU: read on the event loop, it held every
    # other request of the API server meanwhile. A sentence is cheaper read in place.
    parser = _ThreadNoting()
    conversation = ConversationService(services.sessions, parser=parser, classifier=None)
    loop_thread = threading.get_ident()
    long = await conversation.interpret("please restart web-01 " + "and then check it again " * 160)
    short = await conversation.interpret("please restart web-01")
    assert parser.threads[0] != loop_thread and parser.threads[-1] == loop_thread
    assert (long.reading.name, short.reading.name) == ("restart", "restart")
