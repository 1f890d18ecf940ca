"""Chat: a message carried from its reading to an operation — a plan shown with its risk decision, an
IPR opened, or, once the person confirms the plan they saw, a run of the normal deployment pipeline.

This module is longer than most because it is the one place where each intent becomes an operation
(deploy, destroy, start/stop/restart, scale, rollback, status/list, design, troubleshoot) and where
the confirmation of a plan is checked; the reading itself, the risk matrix and the voice stay in
``service``, ``risk`` and ``personas``.

The rules, in order, for every plan made here:

1. a plan that changes nothing is said so, and nothing waits;
2. destructive (by the words, or by the plan's deletes and replaces) and frustrated: **block**, with the
   reason and a safe next step; nothing waits;
3. a plan the approval policy gates (``approval_reasons``): an IPR is opened for it and someone else
   must approve it; the chat never applies it;
4. anything else waits for the person: ``yes`` or ``confirm TOKEN`` (the token bound to the plan's id and
   hash, ``plan_subject``) runs exactly that plan through the one run use case (``Runs.apply``); a caller
   who may not apply (``may_apply=False``: an API key without the apply permission) is refused before anything runs.

A turn is decided before a word of it is said. ``turn_stream`` then says it: with a language model
configured, the model's words in the persona's voice streamed as it writes them, then the reply
verbatim (``phrasing``); without one, the reply as one piece. The model never decides the plan, the
token, the risk decision or what runs, and never rewords the reply that states them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import yaml

from alma.conversation.drafts import amend, parts, provider_of, resize_overrides, spoken, teach
from alma.conversation.focus import Focus, Resolved
from alma.conversation.frustration import session_score
from alma.conversation.intent import IntentName
from alma.conversation.parser import IntentParser
from alma.conversation.personas import Persona, reply
from alma.conversation.phrasing import ReplyPhraser
from alma.conversation.risk import RiskDecision, confirmation_token, decide, token_matches
from alma.conversation.service import HISTORY, ConversationService, Interpretation
from alma.errors import InvalidInputError, RefusedError, RolledBackAlreadyError
from alma.generation import PROVIDERS
from alma.planning import Plan, render_plan
from alma.planning.harm import plan_is_destructive
from alma.services.approvals import approval_reasons
from alma.workflow import RunResult

if TYPE_CHECKING:
    from alma.llm import LLMBackend
    from alma.services import IprService, PlanService, ResourceRecord, StackService
    from alma.services.generation import GenerationService
    from alma.services.operations import OperationService
    from alma.services.sessions import SessionService
    from alma.settings import Settings
    from alma.workflow.runs import Runs

Outcome = Literal["answered", "planned", "nothing_to_do", "blocked", "ipr_opened", "applied", "failed", "cancelled"]
# The providers a message may name are those generation composes for (``alma.generation.PROVIDERS``).
_PROVIDER_WORDS = {"k8s": "kubernetes", "pve": "proxmox", **{p: p for p in PROVIDERS}}
_CONFIRM = re.compile(r"confirm\s+(cfm-[0-9a-f]{20})", re.IGNORECASE)
# ALMA's own revision of a stack, named in a rollback: "to revision 3", "back to rev 2", "to r4" (not "to v1.9",
# the version of what runs in it).
_REVISION = re.compile(r"\bto\s+(?:(?:revision|rev)\s*#?\s*|r)(\d+)\b", re.IGNORECASE)
_YES = frozenset({"yes", "y", "yes please", "yep", "confirm", "confirmed", "apply", "apply it"})
_NO = frozenset({"no", "n", "nope", "cancel", "no thanks"})
_STATE_KEY = "chat"
CAPABILITIES = (
    'I can deploy ("deploy a postgres database"), show status and lists ("list all resources"), '
    "start, stop or restart a resource, destroy a stack or a resource, roll a stack back, design a system "
    'with the council\'s review ("design an HA web app with a database"), and help troubleshoot '
    '("web-01 won\'t start, why?"). Every change is a plan you see first.'
)


def new_session_id() -> str:
    return f"chat-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True, slots=True)
class Listing:
    """A table the turn shows: state, events, the council's findings."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "columns": list(self.columns), "rows": [list(r) for r in self.rows]}


@dataclass(frozen=True, slots=True)
class ChatTurn:
    """What one message led to. ``plan`` is the plan shown (render it with ``render_plan``); ``run`` the
    pipeline's result when a confirmed plan was applied; ``ipr`` the IPR opened for a gated plan."""

    session: str
    intent: str  # an IntentName, or "confirm" for a confirmation
    persona: Persona
    reply: str
    outcome: Outcome
    risk: RiskDecision | None = None
    plan: Plan | None = None
    ipr: int | None = None
    run: RunResult | None = None
    listings: tuple[Listing, ...] = ()
    blueprint: str | None = None
    interpretation: Interpretation | None = None
    phrased: str | None = None  # what was said when a language model spoke before the reply; else None

    @property
    def plan_text(self) -> str | None:
        return render_plan(self.plan) if self.plan is not None else None

    def as_json(self) -> dict[str, Any]:
        run = self.run
        report = run.report.as_json() if run is not None and run.report is not None else {}
        return {
            "session": self.session,
            "intent": self.intent,
            "persona": self.persona,
            "reply": self.reply,
            "outcome": self.outcome,
            "interpretation": self.interpretation.as_json() if self.interpretation is not None else None,
            "risk": None
            if self.risk is None
            else {
                "decision": self.risk.decision,
                "frustration": self.risk.frustration,
                "reason": self.risk.reason,
                "next_step": self.risk.next_step,
                "token": self.risk.token,
            },
            "plan": self.plan.as_json() if self.plan is not None else None,
            "ipr": self.ipr,
            "run": None
            if run is None
            else {
                "deployment_id": report.get("deployment_id"),
                "outcome": run.outcome,
                "stack": report.get("stack"),
                "revision": report.get("revision"),
                "summary": report.get("summary", {}),
                "error": run.error,
            },
            "listings": [listing.as_json() for listing in self.listings],
            "blueprint": self.blueprint,
            "phrased": self.phrased,
        }


@dataclass(frozen=True, slots=True)
class ChatDelta:
    """A piece of a turn's reply, as it is said."""

    text: str


ChatChunk = ChatDelta | ChatTurn


class ChatStream:
    """A decided turn, being said. ``turn`` is complete before a word is said (reading, plan, risk
    decision, token, what ran); iterating yields the reply in ``ChatDelta`` pieces and then the final
    ``ChatTurn``: the same turn, with ``phrased`` set to everything said when the model spoke (None when
    only the reply was said, in one piece). Iterate once; leaving early closes the model's stream."""

    def __init__(self, turn: ChatTurn, phraser: ReplyPhraser | None) -> None:
        self.turn = turn
        self._phraser = phraser

    def __aiter__(self) -> AsyncGenerator[ChatChunk, None]:
        return self._said()

    async def _said(self) -> AsyncGenerator[ChatChunk, None]:
        turn = self.turn
        if self._phraser is None:
            yield ChatDelta(turn.reply)
            yield turn
            return
        token = turn.risk.token if turn.risk is not None else None
        pieces: list[str] = []
        said = self._phraser.say(turn.persona, facts(turn), turn.reply, token)
        async with aclosing(said) as words:
            async for piece in words:
                pieces.append(piece)
                yield ChatDelta(piece)
        text = "".join(pieces)
        yield replace(turn, phrased=None if text == turn.reply else text)


class ChatService:
    """One turn at a time; what waits for confirmation lives in the session's state.

    It is given what it uses (``bootstrap`` wires it): the reading (``conversation``) and the session it
    keeps (``sessions``), plans (``plans``; ``operations`` for one resource's start, stop, restart, scale,
    remove or resize), the recorded state (``stacks``), IPRs for gated plans (``iprs``), the approval
    policy (``settings``), the blueprint generator (``generation``), the model that voices replies (``llm``,
    None offline) and the one way to apply (``runs``). ``generation`` and ``runs`` are asked for when a turn
    needs them: the run use case imports the workflow engine (about a second), which only a confirmation
    uses."""

    def __init__(
        self,
        *,
        conversation: ConversationService,
        sessions: SessionService,
        plans: PlanService,
        operations: OperationService,
        stacks: StackService,
        iprs: IprService,
        settings: Settings,
        generation: Callable[[], GenerationService],
        runs: Callable[[], Runs],
        llm: LLMBackend | None = None,
    ) -> None:
        self._conversation = conversation
        self._sessions = sessions
        self._plans = plans
        self._operations = operations
        self._stacks = stacks
        self._iprs = iprs
        self._settings = settings
        self._generation = generation
        self._runs = runs
        self._llm = llm
        self._parser = IntentParser()

    async def turn(self, text: str, session: str, *, may_apply: bool = True) -> ChatTurn:
        """The turn ``text`` leads to in ``session``. A confirmation from a caller who may not apply
        (``may_apply=False``) is refused (``RefusedError``) while a plan waits: nothing runs or is recorded."""
        stripped = text.strip()
        said = stripped.lower().rstrip(".!")
        match = _CONFIRM.fullmatch(stripped)
        pending = await self._pending(session)
        if match is not None or said in _YES:
            if pending is not None and not may_apply:
                raise RefusedError(
                    "confirming applies the plan waiting in this session, and this caller may not apply; "
                    "nothing was done (someone who may apply can confirm it)"
                )
            token = match[1].lower() if match is not None else None
            return await self._record(text, session, await self._confirm(session, text, token))
        if pending is not None and said in _NO:
            await self._set_pending(session, None)
            turn = ChatTurn(session, "confirm", "operator", "Understood: nothing will be done.", "cancelled")
            return await self._record(text, session, turn)
        interpretation = await self._conversation.interpret(text, session)
        try:
            turn = await self._operate(interpretation, text, session)
        except InvalidInputError as error:
            # Nothing was planned, so nothing waits for a confirmation: the reading is said without the
            # token the guard would have asked for (a block is still said as one).
            risk = interpretation.risk
            said = interpretation.reply
            if risk.decision != "block":
                risk = replace(risk, token=None)
                said = reply(interpretation.persona, interpretation.reading, replace(risk, decision="allow"))
            turn = ChatTurn(
                session,
                interpretation.reading.name,
                interpretation.persona,
                f"{said} I cannot do that: {error}",
                "answered",
                risk,
            )
        turn = replace(turn, interpretation=interpretation)
        if turn.outcome in ("ipr_opened", "planned", "blocked", "nothing_to_do"):
            await self._sessions.add(session, "assistant", turn.reply, self._recorded(turn))
        return turn

    async def turn_stream(self, text: str, session: str, *, may_apply: bool = True) -> ChatStream:
        """The turn for ``text``, decided here as by ``turn`` (its errors raise now, before a word is said),
        to be said by iterating the stream: in the model's words when one is configured."""
        turn = await self.turn(text, session, may_apply=may_apply)
        return ChatStream(turn, ReplyPhraser(self._llm) if self._llm is not None else None)

    # ------------------------------------------------------------------ intents → operations

    async def _operate(self, interpretation: Interpretation, text: str, session: str) -> ChatTurn:
        reading = interpretation.reading
        name, target = reading.name, reading.target
        base = ChatTurn(session, name, interpretation.persona, interpretation.reply, "answered", interpretation.risk)
        if reading.cancelled:
            await self._set_pending(session, None)
            return replace(base, outcome="cancelled")
        if interpretation.risk.decision == "block":  # destructive by its words: not even planned
            await self._set_pending(session, None)
            return replace(base, outcome="blocked")
        if name in ("unknown", "explain"):
            return replace(base, reply=f"{interpretation.reply} {CAPABILITIES}")
        if name in ("status", "list"):
            return await self._state(base, target)
        if name == "troubleshoot":
            return await self._troubleshoot(base, target)
        if name == "design":
            return await self._design(base, text, session)
        if name == "deploy":
            return await self._deploy(interpretation, session, text)
        if name == "plan":
            action = self._parser.parse(text).action
            if action is None or action == "plan":
                return replace(base, reply=f'{interpretation.reply} Tell me what to plan, e.g. "destroy web-stack".')
            plan, _ = await self._plan_for(action, target, reading, text, session)
            return replace(
                base,
                plan=plan,
                reply=f"{interpretation.reply} This is what {action} would do; nothing runs. "
                'Say "go ahead" to carry it out.',
            )
        drafted = await self._redraft(name, target, reading, session)
        if drafted is not None:  # "scale it to 3" while the deploy it points at waits: the draft changes
            change = f"to {reading.scale_to}" if name == "scale" else "resized"
            subject = f"{target} {change}, in the deploy of stack {drafted[0].stack} that waits (planned again)"
            return await self._offer(interpretation, session, drafted[0], draft=drafted[1], subject=subject)
        plan, then = await self._plan_for(name, target, reading, text, session)
        return await self._offer(interpretation, session, plan, then)

    async def _deploy(self, interpretation: Interpretation, session: str, text: str) -> ChatTurn:
        """Plan what the generated blueprint composes, say exactly that, and let the focus know its parts."""
        try:
            generated = await self._generation().generate(text, provider_named(text))
        except InvalidInputError:
            # "same again but call it rq-cache-2", "actually 3 of them": the words build nothing by themselves;
            # what the conversation resolved them to does, said the way generation reads it
            said = spoken(interpretation.reading.resources)
            if said is None:
                raise
            pending = await self._pending(session)
            draft = pending.get("draft") if pending is not None else None
            provider = provider_named(text)
            if provider == "fake" and isinstance(draft, str):  # the engine the deploy it follows was on
                provider = provider_of(draft) or provider
            generated = await self._generation().generate(said, provider)
        plan = (await self._plans.plan_blueprint(generated.text, "<chat>")).plan
        state = await self._sessions.state(session)
        focus = Focus.from_state(state.get("focus"))
        teach(focus, generated.data)
        await self._sessions.save_state(session, {**state, "focus": focus.to_state()})
        subject = f"stack {plan.stack}: {'; '.join(generated.understood)}"
        if generated.notes:
            subject += f" (note: {'; '.join(generated.notes)})"
        return await self._offer(interpretation, session, plan, draft=generated.text, subject=subject)

    async def _redraft(
        self, name: IntentName, target: str | None, reading: Resolved, session: str
    ) -> tuple[Plan, str] | None:
        """The waiting deploy's plan again, with ``target`` scaled or resized, when the follow-up is about it."""
        pending = await self._pending(session)
        draft = pending.get("draft") if pending is not None else None
        if name not in ("scale", "update") or target is None or not isinstance(draft, str):
            return None
        if target not in {p["name"] for p in parts(yaml.safe_load(draft))}:
            return None
        sized = next(iter(reading.resources), None) if name == "update" else None
        if name == "scale" and reading.scale_to is None:
            raise InvalidInputError(f'to scale {target} tell me how many ("scale {target} to 3")')
        amended = amend(draft, target, scale_to=reading.scale_to if name == "scale" else None, sized=sized)
        return (await self._plans.plan_blueprint(amended, "<chat>")).plan, amended

    async def _plan_for(
        self, name: IntentName, target: str | None, reading: Resolved, text: str, session: str
    ) -> tuple[Plan, str | None]:
        """The plan ``name`` makes of ``target``, and what is to be planned once it ran (a restart's start)."""
        plans = self._plans
        if name == "deploy":
            generated = await self._generation().generate(text, provider_named(text))
            return (await plans.plan_blueprint(generated.text, "<chat>")).plan, None
        stack, record = await self._locate(target, name)
        if name == "rollback":
            revision = _REVISION.search(text)
            try:
                return await plans.plan_rollback(stack, int(revision[1]) if revision else None), None
            except RolledBackAlreadyError as refused:  # said in the chat's words: an answer, not an error
                worded = refused.said(
                    "a revision",
                    f'Say which revision to restore, e.g. "roll back {stack} to revision {refused.undone}" '
                    f"(`alma history {stack}` lists them)",
                )
                raise InvalidInputError(str(worded)) from refused
        if name == "destroy":
            if record is None or len(await self._stacks.resources(stack)) == 1:
                return await plans.plan_destroy(stack), None
            return (await self._operations.plan(stack, record.name, "remove")).plan, None
        if record is None:
            raise InvalidInputError(f"'{stack}' is a stack; name the resource to {name}")
        if name == "scale":
            if "replicas" not in record.specs or reading.scale_to is None:
                raise InvalidInputError(
                    f'to scale {record.name} tell me how many ("scale {record.name} to 3"); only services with '
                    "replicas can be scaled here"
                )
            return (await self._operations.plan(stack, record.name, "scale", replicas=reading.scale_to)).plan, None
        if name == "update":
            sized = next(iter(reading.resources), None)
            overrides = resize_overrides(record.specs, sized) if sized is not None else {}
            if not overrides:
                raise InvalidInputError(
                    f'tell me what to change on {record.name}: cores, memory or disk ("give {record.name} 8 '
                    'cores"); other changes go through its blueprint (`alma plan FILE`)'
                )
            return (await self._operations.resize(stack, record.name, overrides)).plan, None
        if name not in ("start", "stop", "restart"):
            raise InvalidInputError(f"I do not know how to {name} {record.name}")
        planned = await self._operations.plan(stack, record.name, name)
        return planned.plan, planned.then

    async def _offer(
        self,
        interpretation: Interpretation,
        session: str,
        plan: Plan,
        then: str | None = None,
        *,
        draft: str | None = None,
        subject: str | None = None,
    ) -> ChatTurn:
        """Show ``plan`` with its risk decision: block it, open its IPR, or let it wait for the person.
        ``draft``: the blueprint a deploy plan was made from (follow-ups change it while it waits);
        ``subject``: what the reply says is acted on (a deploy says what the blueprint composes)."""
        reading = interpretation.reading
        name = reading.name
        if not plan.has_changes:
            await self._set_pending(session, None)
            return ChatTurn(
                session,
                name,
                interpretation.persona,
                f"Nothing to do: stack '{plan.stack}' already matches.",
                "nothing_to_do",
                interpretation.risk,
                plan,
            )
        destructive = interpretation.destructive or plan_is_destructive(plan)
        risk = decide(
            name,
            destructive,
            interpretation.risk.frustration,
            session=session,
            subject=plan_subject(plan),
            target=reading.target or plan.stack,
        )
        persona = interpretation.persona
        if risk.decision == "block":
            await self._set_pending(session, None)
            return ChatTurn(session, name, persona, reply(persona, reading, risk, subject), "blocked", risk, plan)
        reasons = approval_reasons(plan, self._settings)
        if reasons:
            await self._set_pending(session, None)
            view = await self._iprs.create(plan)
            number = view.ipr.id
            said = reply(persona, reading, replace(risk, decision="allow", token=None), subject)
            return ChatTurn(
                session,
                name,
                persona,
                f"{said} This plan needs review ({'; '.join(reasons)}), so I opened IPR #{number} instead of "
                f"applying it. Someone other than {view.ipr.author} must approve it (`alma ipr review {number} "
                f"--approve`); then `alma ipr apply {number}` applies exactly this plan. Nothing was changed.",
                "ipr_opened",
                risk,
                plan,
                ipr=number,
            )
        token = confirmation_token(session, plan_subject(plan))
        risk = replace(risk, token=token)
        waiting = {"plan_id": plan.id, "intent": name, "then": then, "target": reading.target, "draft": draft}
        await self._set_pending(session, waiting)
        if risk.decision == "confirm":
            said = f"{reply(persona, reading, risk, subject)} (Type `confirm {token}`, or answer yes.)"
        else:
            said = f"{reply(persona, reading, risk, subject)} Apply this plan? Answer yes, or type `confirm {token}`."
        return ChatTurn(session, name, persona, said, "planned", risk, plan)

    # ------------------------------------------------------------------ confirmation → the pipeline

    async def _confirm(self, session: str, text: str, token: str | None) -> ChatTurn:
        pending = await self._pending(session)
        if pending is None:
            return ChatTurn(session, "confirm", "operator", "Nothing is waiting for your confirmation.", "answered")
        plan = await self._plans.get(pending["plan_id"])
        if token is not None and not token_matches(token, session, plan_subject(plan)):
            return ChatTurn(
                session,
                "confirm",
                "operator",
                f"That token does not match the plan waiting for confirmation (plan {plan.id}); nothing was done.",
                "answered",
                plan=plan,
            )
        turns = await self._sessions.turns(session, HISTORY)
        earlier = [t.text for t in turns if t.role == "user"]
        failures = sum(1 for t in turns if t.data.get("outcome") == "failed")
        intent: IntentName = pending["intent"]
        destructive = plan_is_destructive(plan) or intent in ("destroy", "stop", "restart", "rollback")
        risk = decide(
            intent,
            destructive,
            session_score([*earlier, text], failures),
            session=session,
            subject=plan_subject(plan),
            target=pending.get("target") or plan.stack,
        )
        if risk.decision == "block":
            await self._set_pending(session, None)
            said = f"I will not do this now: {risk.reason}. Safe next step: {risk.next_step}."
            return ChatTurn(session, "confirm", "operator", said, "blocked", risk, plan)
        if approval_reasons(plan, self._settings):  # the policy changed since the plan was shown
            await self._set_pending(session, None)
            view = await self._iprs.create(plan)
            said = (
                f"This plan now needs review, so I opened IPR #{view.ipr.id} instead of applying it; someone "
                "other than you must approve it. Nothing was changed."
            )
            return ChatTurn(session, "confirm", "operator", said, "ipr_opened", risk, plan, ipr=view.ipr.id)
        await self._set_pending(session, None)
        run = await self._runs().apply(plan.id)  # the one way to apply: inline, never queued here
        assert isinstance(run, RunResult)
        said = _ran(plan, run)
        if run.outcome != "succeeded":
            return ChatTurn(session, "confirm", "operator", said, "failed", risk, plan, run=run)
        if pending.get("then") == "start" and pending.get("target"):
            stack, record = await self._locate(pending["target"], "start")
            start = (await self._operations.plan(stack, record.name if record else pending["target"], "start")).plan
            token = confirmation_token(session, plan_subject(start))
            await self._set_pending(
                session, {"plan_id": start.id, "intent": "start", "then": None, "target": pending["target"]}
            )
            said += f" Now the start, to finish the restart: answer yes, or type `confirm {token}`."
            return ChatTurn(session, "confirm", "operator", said, "planned", replace(risk, token=token), start, run=run)
        return ChatTurn(session, "confirm", "operator", said, "applied", risk, plan, run=run)

    # ------------------------------------------------------------------ reading state

    async def _state(self, base: ChatTurn, target: str | None) -> ChatTurn:
        stacks = self._stacks
        if target is None:
            records = await stacks.resources()
        elif target in {s.name for s in await stacks.stacks()}:
            records = await stacks.resources(target)
        else:
            records = [r for r in await stacks.resources() if r.name == target]
            if not records:
                return replace(base, reply=f"{base.reply} {await self._unknown(target)}")
        if not records:
            return replace(base, reply=f'{base.reply} No resources are recorded yet; say "deploy …" to make some.')
        listing = _resources_listing("resources" if target is None else target, records)
        return replace(base, reply=f"{base.reply} {len(records)} resource(s).", listings=(listing,))

    async def _troubleshoot(self, base: ChatTurn, target: str | None) -> ChatTurn:
        if target is None:
            return base
        stack, record = await self._locate(target, "troubleshoot")
        events = await self._stacks.events(stack)
        recent = [e for e in events if record is None or e.resource in (record.name, None)][-8:]
        rows = tuple((e.at.isoformat()[:19], e.kind, e.resource or "", e.message) for e in recent)
        listings = [Listing(f"recent events of {target}", ("AT (UTC)", "EVENT", "RESOURCE", "MESSAGE"), rows)]
        records = [record] if record is not None else await self._stacks.resources(stack)
        listings.insert(0, _resources_listing(target, records))
        return replace(base, listings=tuple(listings))

    async def _design(self, base: ChatTurn, text: str, session: str) -> ChatTurn:
        state = await self._sessions.state(session)
        earlier = state.get("design")
        # "with a VPN on top pls", "make it cheaper": not a design of its own but the one asked for before, varied
        said = f"{earlier}, {text}" if isinstance(earlier, str) and self._parser.parse(text).name != "design" else text
        report = await self._generation().convene(said, provider_named(said))
        await self._sessions.save_state(session, {**state, "design": said[:2000]})
        decree = report.decree
        rows = tuple(
            (f.severity, f.reviewer, f.resource or "(stack)", f.message, f.fix or "-") for f in decree.findings
        )
        listing = Listing("the council's findings", ("SEVERITY", "REVIEWER", "RESOURCE", "FINDING", "FIX"), rows)
        summary = (
            f"The council ({', '.join(decree.reviewers)}) reviewed it: {decree.verdict.replace('_', ' ')}, "
            f"{len(decree.fixes)} fix(es) applied, {len(decree.open_findings)} finding(s) open, estimated "
            f'{decree.cost["total"]:.2f} {decree.cost["currency"]}/month. Say "deploy …" to plan it.'
        )
        if decree.narrative:  # the model's prose summary, when one is configured; the findings above are ALMA's
            summary += f" In short (the model's summary): {decree.narrative}"
        return replace(base, reply=f"{base.reply} {summary}", listings=(listing,), blueprint=report.text)

    async def _locate(self, target: str | None, doing: str) -> tuple[str, ResourceRecord | None]:
        """The stack ``target`` names, or the stack holding the resource it names (and that resource)."""
        if target is None:
            raise InvalidInputError(f"which stack or resource should I {doing}? {await self._unknown(None)}")
        stacks = self._stacks
        if target in {s.name for s in await stacks.stacks()}:
            return target, None
        matches = [r for r in await stacks.resources() if r.name == target]
        if len(matches) > 1:
            where = ", ".join(sorted(r.stack for r in matches))
            raise InvalidInputError(f"'{target}' is a resource in several stacks ({where}); name the stack")
        if not matches:
            raise InvalidInputError(await self._unknown(target))
        return matches[0].stack, matches[0]

    async def _unknown(self, target: str | None) -> str:
        known = sorted(s.name for s in await self._stacks.stacks())
        what = f"I know no stack or resource named '{target}'; " if target else ""
        return what + (f"known stacks: {', '.join(known)}." if known else "no stack has been deployed yet.")

    # ------------------------------------------------------------------ the session

    async def _pending(self, session: str) -> dict[str, Any] | None:
        chat = (await self._sessions.state(session)).get(_STATE_KEY)
        pending = chat.get("pending") if isinstance(chat, dict) else None
        return pending if isinstance(pending, dict) and isinstance(pending.get("plan_id"), str) else None

    async def _set_pending(self, session: str, pending: dict[str, Any] | None) -> None:
        state = await self._sessions.state(session)
        await self._sessions.save_state(session, {**state, _STATE_KEY: {"pending": pending}})

    async def _record(self, text: str, session: str, turn: ChatTurn) -> ChatTurn:
        """A turn the conversation service did not read (a confirmation): both sides kept in the session."""
        await self._sessions.add(session, "user", text, {"intent": "confirm"})
        await self._sessions.add(session, "assistant", turn.reply, self._recorded(turn))
        return turn

    @staticmethod
    def _recorded(turn: ChatTurn) -> dict[str, Any]:
        return {
            "outcome": turn.outcome,
            "plan_id": turn.plan.id if turn.plan is not None else None,
            "ipr": turn.ipr,
            "decision": turn.risk.decision if turn.risk is not None else None,
        }


def plan_subject(plan: Plan) -> dict[str, Any]:
    """What a confirmation token binds to: exactly this plan (its id and the hash of its content)."""
    return {"plan_id": plan.id, "plan_hash": plan.hash}


def provider_named(text: str) -> str:
    """The engine a message names ("… on docker"), the fake one when it names none."""
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        if word in _PROVIDER_WORDS:
            return _PROVIDER_WORDS[word]
    return "fake"


def _ran(plan: Plan, run: RunResult) -> str:
    report = run.report.as_json() if run.report is not None else {}
    if run.outcome == "succeeded":
        summary = report.get("summary", {})
        done = ", ".join(f"{summary[k]} {v}" for k, v in _VERBS.items() if summary.get(k)) or "no changes"
        return f"Applied: stack '{plan.stack}' is at revision {report.get('revision')} ({done})."
    if run.outcome == "waiting":
        return f"The pipeline is waiting for approval of IPR #{(run.waiting_for or {}).get('ipr')}."
    failures = "; ".join(f"{f['resource']}: {f['error']}" for f in report.get("failures", []))
    detail = run.error or failures or "see `alma events " + plan.stack + "`"
    return f"The apply {run.outcome}: {detail}. State records what was done; `alma rollback {plan.stack}` undoes it."


_VERBS = {"create": "created", "update": "updated", "replace": "replaced", "delete": "destroyed"}
_OUTCOMES: dict[Outcome, str] = {
    "answered": "the message was answered; nothing was changed",
    "planned": "a plan is shown and waits for the person's confirmation; nothing has changed yet",
    "nothing_to_do": "the stack already matches; there is nothing to do",
    "blocked": "the risk guard refused it; nothing was done",
    "ipr_opened": "the plan needs review, so an IPR was opened; nothing was changed",
    "applied": "the confirmed plan was applied",
    "failed": "the confirmed plan was applied and failed",
    "cancelled": "what was waiting was withdrawn; nothing will be done",
}


def facts(turn: ChatTurn) -> list[str]:
    """What a turn decided, in lines a language model reads before it words the reply."""
    said = [f"what happened: {_OUTCOMES[turn.outcome]}"]
    if turn.risk is not None and turn.plan is not None:
        said.append(f"risk decision: {turn.risk.decision} ({turn.risk.reason})")
    if turn.plan is not None:
        counts = ", ".join(f"{n} to {a}" for a, n in turn.plan.summary().items() if n and a != "noop")
        said.append(f"the plan for stack {turn.plan.stack}: {counts or 'no changes'}")
    if turn.ipr is not None:
        said.append(f"IPR #{turn.ipr} was opened; someone else must approve it")
    if turn.run is not None:
        said.append(f"the apply {turn.run.outcome}")
    said += [f"a table is shown: {t.title} ({len(t.rows)} row(s))" for t in turn.listings]
    return said


def _resources_listing(title: str, records: list[ResourceRecord]) -> Listing:
    rows = tuple(
        (
            r.stack,
            r.name,
            r.type,
            r.provider,
            r.status,
            ", ".join(f"{k}={v}" for k, v in sorted(r.specs.items()) if v not in (None, [], {}, "")),
        )
        for r in records
    )
    return Listing(title, ("STACK", "NAME", "TYPE", "PROVIDER", "STATUS", "SPECS"), rows)
