"""Answering a run for an API caller: the run use case decides everything (gate, IPR, lock, inline or
queued); this maps its result. Inline (``ALMA_QUEUE=inline``) answers when the run ends; queued
(``ALMA_QUEUE=procrastinate``) answers 202 at once with the deployment id, whose events can then be
followed on any replica."""

from __future__ import annotations

from fastapi import Response

from alma.contracts import QueuedRunOut, RunOut
from alma.jobs import QueuedRun
from alma.workflow import RunResult


def answer_run(result: RunResult | QueuedRun, response: Response) -> RunOut | QueuedRunOut:
    """A run's JSON; 202 when it was queued for a worker, 409 when the stack moved on under it or its lock
    was taken (the body still says what happened)."""
    if not isinstance(result, RunResult):
        response.status_code = 202
        return QueuedRunOut.of(result)
    if result.outcome in ("abandoned", "conflict"):
        response.status_code = 409
    return RunOut.of(result)
