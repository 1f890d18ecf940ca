"""What every HTTP surface (the API, MCP over HTTP) puts in front of itself, in one ASGI layer (``Gate``):
the caller authenticated from the headers before any body byte is read, one rate limiter keyed by the
resolved key (and wrong keys limited per client address), and every body counted as it streams.

It sits between the surfaces and the services: it knows callers (``alma.services.Caller``) and settings,
never a route, the store or an engine."""

from alma.perimeter.answers import problem_response
from alma.perimeter.credentials import MAX_KEY_LENGTH, SUBPROTOCOL, presented_key
from alma.perimeter.gate import CALLER, KEY_ID, Gate, GateLimits, caller_of, key_id_of
from alma.perimeter.limits import Buckets

__all__ = [
    "CALLER",
    "KEY_ID",
    "MAX_KEY_LENGTH",
    "SUBPROTOCOL",
    "Buckets",
    "Gate",
    "GateLimits",
    "caller_of",
    "key_id_of",
    "presented_key",
    "problem_response",
]
