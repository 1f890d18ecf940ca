"""With ALMA_LLM_* set, the conversation service asks the model about what the grammar cannot read, and
still never lets it decide whether something is destructive."""

from __future__ import annotations

from pathlib import Path

from alma.bootstrap import build
from tests.conftest import make_settings
from tests.integration.llm.server import MODEL_ALIAS


async def test_the_configured_model_is_asked_only_about_unknown_sentences(llm_base_url: str, tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        llm_base_url=llm_base_url,
        llm_model=MODEL_ALIAS,
        llm_json_mode="json_object_schema",
        llm_max_tokens=128,
    )
    async with await build(settings) as services:
        known = await services.conversation.interpret("deploy an alpine lxc named web-01 with 2 cores")
        assert known.as_json()["intent"] == "deploy"
        odd = (await services.conversation.interpret("could you sort of make the thingy do its dance")).as_json()
        # A 135M model is weak: whatever it says must be a valid reading, and destructive follows the intent.
        assert odd["intent"] in {
            "unknown",
            "deploy",
            "start",
            "status",
            "list",
            "plan",
            "design",
            "explain",
            "troubleshoot",
            "scale",
            "update",
            "stop",
            "restart",
            "destroy",
            "rollback",
        }
        if odd["intent"] in {"destroy"}:
            assert odd["destructive"] is True


async def test_without_llm_settings_no_model_is_involved(tmp_path: Path) -> None:
    async with await build(make_settings(tmp_path)) as services:
        assert services.settings.llm_base_url is None
        reading = await services.conversation.interpret("could you sort of make the thingy do its dance")
        assert reading.as_json()["intent"] == "unknown"
