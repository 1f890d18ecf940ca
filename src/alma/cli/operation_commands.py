"""``alma start|stop|restart [STACK] RESOURCE`` and ``alma scale [STACK] RESOURCE N``: an operation on one
resource is a plan built from the recorded state, shown, confirmed and applied like any other. Without a
stack, the one stack holding a resource of that name."""

from __future__ import annotations

import typer

from alma.bootstrap import Services
from alma.cli.commands import confirm_and_apply, run_with_services
from alma.cli.failures import reported
from alma.cli.runs import report_run, run_inline
from alma.services.operations import Operation
from alma.workflow import RunResult


def split_targets(first: str, second: str | None) -> tuple[str | None, str]:
    """``STACK RESOURCE`` or just ``RESOURCE`` (or ``STACK/RESOURCE``): the stack, if given, and the resource."""
    return (first, second) if second is not None else (None, first)


def scale_targets(first: str, second: str, third: str | None) -> tuple[str | None, str, int]:
    """``STACK RESOURCE N`` or ``RESOURCE N``: the stack, if given, the resource and the replicas."""
    stack, resource, count = (first, second, third) if third is not None else (None, first, second)
    try:
        replicas = int(count)
    except ValueError:
        raise typer.BadParameter(f"'{count}' is not a number of replicas", param_hint="'REPLICAS'") from None
    if replicas < 0:
        raise typer.BadParameter(f"{replicas} replicas: give 0 or more", param_hint="'REPLICAS'")
    return stack, resource, replicas


def operate(
    stack: str | None,
    resource: str,
    operation: Operation,
    replicas: int | None,
    yes: bool,
    parallelism: int | None,
    json_output: bool,
) -> None:
    with reported(json_output):

        async def body(services: Services) -> RunResult:
            nonlocal stack, resource
            if stack is None:  # `alma stop web-01`: the stack that holds it
                stack, resource = await services.operations.locate(resource)
            planned = await services.operations.plan(stack, resource, operation, replicas=replicas)
            result = await confirm_and_apply(services, planned.plan, yes, parallelism, json_output)
            if planned.then is not None and result.outcome == "succeeded":
                # A restart of a running resource: the stop ran; now the start (the same confirmation).
                follow = await services.operations.plan(stack, resource, planned.then)
                prepared = await services.runs.prepare(follow.plan)
                result = await run_inline(services, prepared, parallelism, json_output)
            return result

        report_run(run_with_services(body), json_output)
