"""Plain language over HTTP: how ALMA reads a sentence (``alma intent``), and a blueprint generated from a
description (``alma generate``). Neither changes infrastructure, and neither acts on what it reads:
acting goes through plans, which are gated by what the plan does, never by what a message says.

Permissions follow what a request writes, not what it is about. Reading a sentence on its own, or
generating a blueprint and handing it back, writes nothing: a viewer key (``read``) may do it. Giving a
``session`` stores the message, the reply and the session's focus in ALMA's records (the next message
is read in their context; repeating oneself is read as frustration), and ``store_as`` keeps a blueprint
version in the library: those need the ``plan`` permission, the one that ``POST /blueprints`` needs.
A read-only key that could fill sessions or the library would not be read-only.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from alma.api import problems
from alma.api.auth import Reader, ServicesDep
from alma.api.inputs import Text
from alma.contracts.api import BlueprintSavedOut
from alma.contracts.conversation import GeneratedBlueprintOut, IntentReadingOut
from alma.contracts.records import DiagnosticOut
from alma.errors import BlueprintInvalidError, InvalidInputError
from alma.services import Caller

router = APIRouter(tags=["conversation"])

# A sentence, not a document: the grammar reads long texts in more than linear time, and it runs on the
# event loop, so the bound keeps one request from stalling every other one.
MAX_TEXT = 4000
# The providers generation has mappings for (``alma.generation.PROVIDERS``; a test keeps them equal).
GenerateProvider = Literal["fake", "docker", "kubernetes", "proxmox"]
Message = Annotated[
    Text, Field(min_length=1, max_length=MAX_TEXT, description="What the person said, as they said it.")
]


class IntentRequest(BaseModel):
    text: Message
    session: Text | None = Field(
        default=None,
        description=(
            "A conversation id of your choosing (up to 64 letters, digits, '-', '_', '.', ':'; first a letter "
            "or digit): the message is read in the session's context ('it', follow-ups) and stored there. "
            "Needs the plan permission. Absent: the message is read on its own and nothing is stored."
        ),
    )


class GenerateRequest(BaseModel):
    text: Message
    provider: GenerateProvider = "fake"
    store_as: Text | None = Field(
        default=None,
        description=(
            "Also keep the blueprint, named so (its stack), as a version in the blueprint library. "
            "Needs the plan permission."
        ),
    )


def _may_write(caller: Caller, what: str) -> None:
    if not caller.may("plan"):
        raise HTTPException(403, f"role {caller.role} may not plan: {what} needs the plan permission")


@router.post("/conversation/intent")
async def intent(body: IntentRequest, services: ServicesDep, caller: Reader) -> IntentReadingOut:
    """The ``alma intent --json`` contract (intent, destructive, resources, target, risk, persona,
    confidence) with the persona's reply and the session it was stored to. Changes no infrastructure."""
    if body.session is not None:
        _may_write(caller, "a session stores the conversation; send no session to read the message alone")
    result = await services.conversation.interpret(body.text, body.session)
    return IntentReadingOut.model_validate({**result.as_json(), "reply": result.reply, "session": body.session})


@router.post("/conversation/generate-blueprint", response_model=GeneratedBlueprintOut)
async def generate_blueprint(
    body: GenerateRequest, services: ServicesDep, caller: Reader
) -> GeneratedBlueprintOut | JSONResponse:
    """A blueprint (YAML) composed from the description that passed ``alma validate``'s checks, with what
    was understood. A description with nothing to compose is a 422 saying what was understood, with the
    CLI's message; ``stored`` is the library version when ``store_as`` was given, else null."""
    if body.store_as is not None:
        _may_write(caller, "store_as keeps a blueprint version")
    try:
        generated = await services.generation.generate(body.text, body.provider)
    except BlueprintInvalidError:
        raise  # no draft validated: a 422 with every diagnostic (the error handler's shape)
    except InvalidInputError as refused:
        # A description that cannot be used, not a missing thing (the message starts "no blueprint").
        return problems.problem(422, type(refused).__name__, str(refused), error=type(refused).__name__)
    text, loaded = generated.text, generated.loaded
    stored: BlueprintSavedOut | None = None
    if body.store_as is not None:
        # Imported here, like ``services.generation`` itself: generation brings the LLM client (httpx, rich,
        # pygments), megabytes a server that is never asked to generate should not hold.
        from alma.services.generation import blueprint_yaml

        text = blueprint_yaml({**generated.data, "name": body.store_as})
        saved = await services.library.save(text, "<generated>")  # validated again, with its new name
        stored = BlueprintSavedOut.model_validate(saved)
    return GeneratedBlueprintOut(
        blueprint=text,
        stack=body.store_as or loaded.blueprint.name,
        provider=body.provider,
        resources=len(loaded.desired),
        understood=generated.understood,
        notes=generated.notes,
        warnings=[DiagnosticOut.of(w) for w in loaded.warnings],
        attempts=generated.attempts,
        drafter=generated.drafter,
        stored=stored,
    )
