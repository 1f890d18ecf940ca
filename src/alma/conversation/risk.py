"""The risk guard: the seed's matrix, and confirmation tokens bound to exactly what was confirmed.

=====================  ===========  ============
                       calm         frustrated
=====================  ===========  ============
read (status, plan…)   allow        allow
change, not destructive allow       allow
destructive            confirm      block
=====================  ===========  ============

A block explains itself and offers a safe next step; a confirmation carries a token. When a plan
exists the token is bound to that plan's id and hash (a different or edited plan needs a new token);
otherwise to the session and the exact interpretation. Whether something is destructive comes from the
intent (``intent.is_destructive``) or the plan's actions, never from a language model.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Literal

from alma.conversation.frustration import FRUSTRATED
from alma.conversation.intent import READ_INTENTS, IntentName

__all__ = ["RiskDecision", "confirmation_token", "decide", "token_matches"]

Decision = Literal["allow", "confirm", "block"]

_SAFE_NEXT_STEP: dict[str, str] = {
    "destroy": "look at its status first, or stop it instead: stopping can be undone, deleting cannot",
    "stop": "check its status and recent events first; nothing is stopped until you ask again calmly",
    "restart": "check its status and recent events first, so the restart does not hide the cause",
    "rollback": "look at the stack's history to choose the revision to return to",
    "scale": "check its current load before taking capacity away",
}


@dataclass(frozen=True, slots=True)
class RiskDecision:
    decision: Decision
    frustration: float
    reason: str
    next_step: str | None = None
    token: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"decision": self.decision, "frustration": self.frustration}


def confirmation_token(session: str, subject: dict[str, Any]) -> str:
    """A token for confirming ``subject`` (a plan's id and hash, or an interpretation) in ``session``."""
    body = json.dumps({"session": session, "subject": subject}, sort_keys=True, separators=(",", ":"))
    return "cfm-" + hashlib.sha256(body.encode()).hexdigest()[:20]


def token_matches(token: str, session: str, subject: dict[str, Any]) -> bool:
    return hmac.compare_digest(token, confirmation_token(session, subject))


def decide(
    intent: IntentName,
    destructive: bool,
    frustration: float,
    *,
    session: str,
    subject: dict[str, Any],
    target: str | None = None,
) -> RiskDecision:
    """The matrix. ``subject`` is what a confirmation binds to (``alma.chat.plan_subject`` for a plan)."""
    what = f"{intent} {target}" if target else intent
    if intent in READ_INTENTS and not destructive:
        return RiskDecision("allow", frustration, f"{intent} only reads; nothing changes")
    if not destructive:
        return RiskDecision("allow", frustration, f"{what} adds or changes without removing anything")
    if frustration >= FRUSTRATED:
        return RiskDecision(
            "block",
            frustration,
            f"{what} is destructive and this conversation sounds frustrated (score {frustration:.2f}); "
            "destructive actions wait until things are calmer",
            _SAFE_NEXT_STEP.get(intent, "check the status first"),
        )
    return RiskDecision(
        "confirm",
        frustration,
        f"{what} is destructive: it needs your explicit confirmation",
        token=confirmation_token(session, subject),
    )
