"""Chat over HTTP: one message, one turn (``alma chat --json``), or the reply streamed as it is said.

``POST /conversation/chat`` with ``{"message", "session"?}``. The turn is decided before anything is
sent — reading, plan, risk decision, token, what ran — so a refusal is a problem JSON answer, never a
broken stream. By default the answer is the turn's JSON; with ``Accept: text/event-stream`` it is server-
sent events: ``delta`` events (``{"text"}``: with a language model configured, its words as it writes
them and then the turn's reply verbatim; without one, the reply in one piece) and then one ``turn``
event, the turn's JSON with ``phrased`` set to all that was said when the model spoke. An error while
the reply is said (a model endpoint that cannot be used) is an ``error`` event (problem JSON) before the
``turn`` event: the turn stands.

Permissions follow what a turn may do. A message may plan (and open an IPR, and store the session): the
``plan`` permission. Answering ``yes`` or ``confirm TOKEN`` to a waiting plan applies it: that also needs
``apply``, and a caller without it gets 403 before anything runs or is recorded. Nothing changes without
a plan the caller was shown in this session (``alma.chat``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from alma.api.auth import Planner, ServicesDep
from alma.api.problems import error_problem, redactor_of
from alma.contracts.conversation import ChatTurnOut
from alma.errors import AlmaError
from alma.redaction import Redactor

if TYPE_CHECKING:
    from alma.chat import ChatStream

router = APIRouter(tags=["conversation"])

MAX_MESSAGE = 4000  # a message, not a document: the grammar reads it on the event loop
SESSION = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"


class ChatRequest(BaseModel):
    message: Annotated[
        str,
        Field(min_length=1, max_length=MAX_MESSAGE, pattern=r"^[^\x00]*$", description="What the person says."),
    ]
    session: str | None = Field(
        default=None,
        pattern=SESSION,
        description="The conversation to continue (its context, and the plan waiting for confirmation); "
        "absent: a new one, named in the answer.",
    )


@router.post(
    "/conversation/chat",
    response_model=ChatTurnOut,
    responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def chat(
    body: ChatRequest, request: Request, services: ServicesDep, caller: Planner
) -> ChatTurnOut | StreamingResponse:
    """The turn the message leads to; ``Accept: text/event-stream`` streams its reply as it is said."""
    # Imported on first use: the conversation layer (parser, lexicon, LLM client) stays out of an idle server.
    from alma.chat import new_session_id

    session = body.session or new_session_id()
    stream = await services.chat.turn_stream(body.message, session, may_apply=caller.may("apply"))
    if "text/event-stream" not in request.headers.get("accept", ""):
        return ChatTurnOut.model_validate(stream.turn.as_json())
    return StreamingResponse(_events(stream, redactor_of(request)), media_type="text/event-stream")


async def _events(stream: ChatStream, redactor: Redactor) -> AsyncIterator[str]:
    from alma.chat import ChatDelta

    turn = stream.turn
    try:
        async for chunk in stream:
            if isinstance(chunk, ChatDelta):
                yield _event("delta", {"text": chunk.text})
            else:
                turn = chunk
    except AlmaError as error:  # said while streaming: the turn is decided and recorded, so it still comes
        yield _event("error", error_problem(error, redactor))
    yield _event("turn", turn.as_json())


def _event(kind: str, data: dict[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(data)}\n\n"
