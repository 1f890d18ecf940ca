"""Answering a run for an API caller: the run use case decides everything (gate, IPR, lock, inline or
queued); this maps its result. Inline (``ALMA_QUEUE=inline``) answers when the run ends; queued
(``ALMA_QUEUE=procrastinate``) answers 202 at once with the deployment id, whose events can then be
followed on any replica."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from alma.workflow import RunResult


def answer_run(result: Any, response: Response) -> dict[str, Any]:
    """A run's JSON; 202 when it was queued for a worker, 409 when the stack moved on under it or its lock
    was taken (the body still says what happened)."""
    if not isinstance(result, RunResult):
        response.status_code = 202
        body: dict[str, Any] = result.as_json()
        return body
    if result.outcome in ("abandoned", "conflict"):
        response.status_code = 409
    return result.as_json()
