"""A conversation read turn by turn as the service reads it, without the store: for the tests of readings
that depend on what was said before."""

from __future__ import annotations

from alma.conversation import Focus, IntentParser, Resolved
from alma.conversation.safety import judge, proposal_destructive


def converse(*turns: str) -> tuple[Resolved, bool]:
    """The last turn's reading and whether the guard judges it destructive: each turn parsed, resolved, judged
    and remembered through a Focus saved and reloaded as the store would."""
    parser = IntentParser()
    state: dict[str, object] = {}
    reading: Resolved | None = None
    destructive = False
    for text in turns:
        focus = Focus.from_state(state)
        parsed = parser.parse(text)
        reading = focus.resolve(parsed)
        destructive = judge(reading, text).destructive
        proposed = parsed.action is not None and proposal_destructive(
            parsed.action, reading.direction, reading.scale_to, text
        )
        focus.advance(parsed, reading, destructive, None, proposed)
        state = focus.to_state()
    assert reading is not None
    return reading, destructive
