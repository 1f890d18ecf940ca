"""``alma start|stop|restart STACK RESOURCE`` and ``alma scale STACK RESOURCE N``: an operation on one
resource is a plan built from the recorded state, shown, confirmed and applied like any other."""

from __future__ import annotations

from alma.bootstrap import Services
from alma.cli.commands import confirm_and_apply, run_with_services
from alma.cli.failures import reported
from alma.cli.runs import report_run, run_inline
from alma.services.operations import Operation
from alma.workflow import RunResult


def operate(
    stack: str,
    resource: str,
    operation: Operation,
    replicas: int | None,
    yes: bool,
    parallelism: int | None,
    json_output: bool,
) -> None:
    with reported(json_output):

        async def body(services: Services) -> RunResult:
            planned = await services.operations.plan(stack, resource, operation, replicas=replicas)
            result = await confirm_and_apply(services, planned.plan, yes, parallelism, json_output)
            if planned.then is not None and result.outcome == "succeeded":
                # A restart of a running resource: the stop ran; now the start (the same confirmation).
                follow = await services.operations.plan(stack, resource, planned.then)
                prepared = await services.runs.prepare(follow.plan)
                result = await run_inline(services, prepared, parallelism, json_output)
            return result

        report_run(run_with_services(body), json_output)
