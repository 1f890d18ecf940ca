"""L3, the conversational layer: text → intent (deterministic grammar) → focus → risk guard → persona.

Nothing here changes infrastructure: operations go through plans and the pipeline like any other.
"""

from alma.conversation.focus import Focus, Resolved
from alma.conversation.frustration import message_score, session_score
from alma.conversation.intent import INTENTS, READ_INTENTS, Intent, IntentName, Resource, is_destructive
from alma.conversation.parser import IntentParser
from alma.conversation.personas import Persona, persona_for
from alma.conversation.risk import RiskDecision, confirmation_token, decide
from alma.conversation.service import ConversationService, Interpretation

__all__ = [
    "INTENTS",
    "READ_INTENTS",
    "ConversationService",
    "Focus",
    "Intent",
    "IntentName",
    "IntentParser",
    "Interpretation",
    "Persona",
    "Resolved",
    "Resource",
    "RiskDecision",
    "confirmation_token",
    "decide",
    "is_destructive",
    "message_score",
    "persona_for",
    "session_score",
]
