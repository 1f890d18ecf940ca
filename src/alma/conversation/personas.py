"""Personas shape the reply, never the action: the same interpretation, said three ways.

- ARCHITECT (design, explanations, building from scratch): explanatory, suggests best practice.
- OPERATOR (deploy, scale, day-to-day operations): concise, states what will happen and the risk.
- MEDIC (troubleshooting): systematic, asks the diagnostic questions a good on-call engineer asks.
"""

from __future__ import annotations

from typing import Literal

from alma.conversation.focus import Resolved
from alma.conversation.intent import IntentName
from alma.conversation.risk import RiskDecision

Persona = Literal["architect", "operator", "medic"]

_ARCHITECT: frozenset[IntentName] = frozenset({"design", "explain"})


def persona_for(intent: IntentName, from_scratch: bool = False) -> Persona:
    if intent == "troubleshoot":
        return "medic"
    if intent in _ARCHITECT or (intent == "deploy" and from_scratch):
        return "architect"
    return "operator"


def reply(persona: Persona, reading: Resolved, risk: RiskDecision, subject: str | None = None) -> str:
    """What the assistant says back, in the persona's voice, including the guard's decision. ``subject``:
    what is acted on, when the caller knows better than the words (chat says what the plan composes)."""
    subject = subject or reading.target or ", ".join(_describe(r.kind, r.template, r.count) for r in reading.resources)
    subject = subject or "that"
    if reading.cancelled:
        body = "Understood: nothing will be done." if persona == "operator" else "Understood, I have dropped it."
    elif persona == "medic":
        body = (
            f"Let's find out what is wrong with {subject}, one step at a time. "
            "When did it start? What changed just before? Does it fail on start, or misbehave while running? "
            "Is anything in its recent events or logs (errors, OOM kills, restarts)?"
        )
    elif persona == "architect":
        if reading.name == "explain":
            body = f"Here is how I would think about {subject}: start from what has to survive a failure, then size it."
        else:
            body = (
                f"A design for {subject}: run at least two instances of anything stateless behind a load "
                "balancer, give the database a replica and backups, add health checks, and keep it all in one "
                "blueprint so every change is planned and reviewed."
            )
    elif reading.name == "unknown":
        body = "That is outside what I do: I deploy, operate and troubleshoot infrastructure."
    else:
        body = f"{reading.name}: {subject}."
    if risk.decision == "block":
        body += f" I will not do this now: {risk.reason}. Safe next step: {risk.next_step}."
    elif risk.decision == "confirm":
        body += f" {risk.reason.capitalize()}; confirm with token {risk.token}."
    return body


def _describe(kind: str | None, template: str | None, count: int) -> str:
    words = [str(count)] if count != 1 else []
    words += [w for w in (template, kind) if w]
    return " ".join(words) or "a resource"
