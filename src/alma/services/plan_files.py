"""Plan files: a stored plan written out for review (`alma plan --out`), and read back to apply exactly it.

A plan file is the stored plan's JSON with ``"format": "alma-plan/1"`` first. Reading one back checks
all of it, not just its ``hash`` field: the file's content must equal the stored plan in canonical form
(the same JSON), so a file whose actions were edited is refused (exit 5) naming what differs — the stored
plan is what was reviewed, and only it may run. A file that is meant as a plan file but is not one
(truncated, another format version) says "not an ALMA plan file (…)" instead of blueprint errors.
"""

from __future__ import annotations

import json
import re
from typing import Any

from alma.errors import InvalidInputError, PlanTamperedError
from alma.planning import Plan

PLAN_FORMAT = "alma-plan/1"
# Plan files start with their format: enough to tell a (damaged) plan file from a JSON blueprint.
_LOOKS_LIKE_PLAN = re.compile(r'^\s*\{\s*"(format|plan_id)"\s*:')


def render_plan_file(plan: Plan) -> str:
    return json.dumps({"format": PLAN_FORMAT, **plan.as_json()}, indent=2) + "\n"


def read_plan_file(text: str) -> dict[str, Any] | None:
    """The plan file's content, or None when ``text`` is not meant as a plan file (a blueprint)."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        if _LOOKS_LIKE_PLAN.match(text):
            raise InvalidInputError(
                f"not an ALMA plan file (it is not complete JSON: {exc}); write it again with `alma plan FILE --out`"
            ) from None
        return None
    if not isinstance(data, dict) or not ({"format", "plan_id"} & data.keys()):
        return None
    found = data.get("format")
    if found != PLAN_FORMAT:
        shown = f"format {found!r}" if found is not None else "no format"
        raise InvalidInputError(
            f"not an ALMA plan file ({shown}; this ALMA reads {PLAN_FORMAT}); make it again with `alma plan FILE --out`"
        )
    if not isinstance(data.get("plan_id"), str) or not isinstance(data.get("hash"), str):
        raise InvalidInputError("not an ALMA plan file (no plan_id or hash); make it again with `alma plan FILE --out`")
    return data


def require_same_plan(content: dict[str, Any], stored: Plan) -> None:
    """Refuse (exit 5) a plan file whose content is not exactly the stored plan, saying what differs."""
    body = {k: v for k, v in content.items() if k != "format"}
    expected = stored.as_json()
    if body == expected:
        return
    differences = [
        f"{key}"
        for key in sorted(expected.keys() | body.keys())
        if key != "actions" and body.get(key) != expected.get(key)
    ]
    theirs = {a.get("resource"): a for a in body.get("actions", []) if isinstance(a, dict)}
    ours = {a["resource"]: a for a in expected["actions"]}
    for name in sorted(ours.keys() | theirs.keys(), key=str):
        if name not in theirs:
            differences.append(f"action of {name} missing")
        elif name not in ours:
            differences.append(f"action of {name} added")
        elif theirs[name] != ours[name]:
            mine, edited = ours[name]["action"], theirs[name].get("action")
            differences.append(f"action of {name} changed" + (f" ({mine} → {edited})" if mine != edited else ""))
    if not differences and isinstance(body.get("actions"), list) and len(body["actions"]) != len(expected["actions"]):
        differences.append("the list of actions")
    raise PlanTamperedError(
        f"the plan file does not match stored plan {stored.id}: {', '.join(differences) or 'its content'} differ(s) "
        "from what was planned and reviewed; refused. Apply the stored plan's own file, or make a new plan"
    )
