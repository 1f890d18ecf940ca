"""``--json`` output is written by orjson where it can be, and must never differ from ``json.dumps``."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from alma import json_text

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x7F))
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, default=str)


@given(values)
def test_the_text_is_byte_for_byte_what_json_dumps_writes(value: Any) -> None:
    assert json_text.dumps(value) == reference(value)


def test_values_only_json_dumps_writes_the_same_way_take_its_path() -> None:
    import datetime as dt
    import enum

    class Colour(enum.Enum):
        RED = "red"

    tricky = [
        {"small": 1e-05, "big": 1e16, "nan": float("nan"), "inf": float("-inf")},
        {"accent": "café", "del": "a\x7fb", "line separator": "a\u2028b", "ключ": 1},
        {1: "int key", None: "none key"},
        {"when": dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC), "colour": Colour.RED, "huge": 2**70},
        [b"bytes", {1, 2}],
    ]
    for value in tricky:
        assert json_text.dumps(value) == reference(value)


def test_a_plan_sized_value_is_encoded_identically() -> None:
    actions = [
        {
            "resource": f"r-{i:05d}",
            "action": "create",
            "changes": [{"path": "cores", "before": None, "after": i % 8, "forces_replace": False}],
            "after": {"cores": i % 8, "memory": 256, "disk": 8.5, "tags": [], "env": {}},
            "dependencies": [f"r-{i - 1:05d}"] if i else [],
        }
        for i in range(2000)
    ]
    value = {"stack": "big", "summary": {"create": 2000}, "actions": actions, "elapsed_s": 0.123}
    assert json_text.dumps(value) == reference(value)
